// `npm start` = `daemonloop demo [--nodes N] [--virtual] [--exit] [--state DIR]`: a simulated
// cluster (one tainted control-plane node, N-1 workers), the seeds' fluentd-elasticsearch
// DaemonSet landing on every eligible node, a rolling update (new image, maxUnavailable 2,
// minReadySeconds 5) with live progress, nodes joining and leaving, one summary line on stdout —
// then the control plane keeps running until Ctrl-C (or exits with --exit). Each wave waits out the
// old pods' 30 s grace period, so the summary comes after about six minutes; --virtual runs it on
// a virtual clock: the same steps in a few seconds of real time.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1DaemonSet } from '@kubernetes/client-node';
import { rolloutStatus } from '../../../domain';
import { kubeConfigFor } from '../../adapters/kubernetes/kubeconfig';
import { parseDaemonSetManifests } from '../../adapters/kubernetes/manifest';
import { systemClock, VirtualClock, type Clock } from '../../clock';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { Simulator } from '../../local/simulator/simulator';
import { localTelemetry } from '../../observability';
import { ControlPlane } from '../control-plane';
import type { CliIo } from '../io';
import { packageRoot } from '../package-root';
import { flag, positiveInteger, stringOption, type CommandOptions } from '../options';
import { RolloutProgress } from '../rollout-progress';
import { dataDirIn, DEFAULT_STATE_DIR } from '../state-dir';
import { renderDaemonSetTable } from './render-daemonsets';
import { DEMO_KUBELET } from './up';

const example = () => join(packageRoot(), 'examples', 'fluentd-elasticsearch.yaml');
const CONTROL_PLANE_ROLE = 'node-role.kubernetes.io/control-plane';
const NEW_IMAGE = 'quay.io/fluentd_elasticsearch/fluentd:v2.6.0';
const MIN_READY_SECONDS = 5;

export interface DemoSummary {
  eligibleNodes: number;
  updatedAvailable: number;
  rolloutSeconds: number;
}

export const renderSummary = (s: DemoSummary): string =>
  `demo: ${s.eligibleNodes} eligible nodes, ${s.updatedAvailable}/${s.eligibleNodes} pods updated and available, rollout took ${s.rolloutSeconds.toFixed(1)} s`;

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const clock: Clock = flag(options, 'virtual') || process.env.DAEMONLOOP_VIRTUAL === '1' ? new VirtualClock() : systemClock;
  const stateDir = stringOption(options, 'state') ?? DEFAULT_STATE_DIR;
  const sim = new Simulator({ clock, kubelet: DEMO_KUBELET });
  await sim.start();
  const cluster = new DemoNodes(sim);
  cluster.add('control-plane', { labels: { [CONTROL_PLANE_ROLE]: '' }, taints: [{ key: CONTROL_PLANE_ROLE, effect: 'NoSchedule' }] });
  for (let i = 1; i < positiveInteger(options, 'nodes', 20); i++) cluster.add(`worker-${i}`);
  const runtime = await startLocalRuntime({ clock, stateDir, dataDir: dataDirIn(stateDir), cluster: { simulator: sim }, telemetry: localTelemetry('warn') });
  try {
    const summary = await demo(runtime, cluster, io, flag(options, 'json'));
    io.out(renderSummary(summary));
    if (!flag(options, 'exit')) {
      io.err(`the control plane keeps running (kubeconfig ${runtime.kubeconfigPath}); Ctrl-C to stop`);
      await io.interrupted();
    }
    return 0;
  } finally {
    await runtime.stop();
    await sim.close();
  }
}

/** The simulated cluster's nodes, as the demo adds and removes them. */
class DemoNodes {
  readonly names = new Set<string>();
  constructor(readonly sim: Simulator) {}
  add(name: string, options?: Parameters<Simulator['addNode']>[1]): void {
    this.sim.addNode(name, options);
    this.names.add(name);
  }
  remove(name: string): void {
    this.sim.removeNode(name);
    this.names.delete(name);
  }
}

async function demo(runtime: LocalRuntime, cluster: DemoNodes, io: CliIo, json: boolean): Promise<DemoSummary> {
  const sim = cluster.sim;
  const cp = new ControlPlane(kubeConfigFor({ kubeconfigPath: runtime.kubeconfigPath }));
  const [fluentd] = parseDaemonSetManifests(await readFile(example(), 'utf8'));
  const { namespace, name } = fluentd!.metadata as { namespace: string; name: string };
  const current = () => sim.daemonSet(namespace, name);
  const follow = async (what: string, until: (ds: V1DaemonSet) => boolean) => {
    io.err(`── ${what}`);
    const progress = new RolloutProgress(io, json);
    const reached = await runtime.runUntil(() => {
      const ds = current();
      if (!ds) return false;
      progress.show(ds);
      return rolloutStatus(ds).done && until(ds);
    });
    progress.end();
    if (!reached) throw new Error(`the demo never reached: ${what}`);
  };

  // 1. The seeds' logging agent lands on every node whose taints it tolerates. It keeps the seeds'
  // 30 s grace period, which the simulated kubelet waits out in full: no node runs its new pod
  // beside an old one still terminating, and each rollout wave takes the grace period longer.
  await cp.applyDaemonSet(fluentd!);
  await follow(
    `apply ${name}: one pod per eligible node (it tolerates the control-plane taint)`,
    (ds) => (ds.status?.numberAvailable ?? 0) === cluster.names.size,
  );
  io.err(renderDaemonSetTable([current()!], runtime.clock.now()));
  // Upstream replaces at once any old pod not yet available under the new minReadySeconds; let
  // every pod be Ready that long first, so the rollout shows its budget at work.
  let settled = false;
  runtime.clock.setTimer(MIN_READY_SECONDS * 1000, () => (settled = true));
  await runtime.runUntil(() => settled);

  // 2. A rolling update: a new image, two nodes at a time, each pod Ready for 5 s before it counts.
  const update = structuredClone(fluentd!);
  update.spec!.minReadySeconds = MIN_READY_SECONDS;
  update.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } };
  update.spec!.template.spec!.containers[0]!.image = NEW_IMAGE;
  const started = runtime.clock.now().getTime();
  await cp.applyDaemonSet(update);
  await follow(`rolling update to ${NEW_IMAGE} (maxUnavailable 2, minReadySeconds 5)`, (ds) => (ds.metadata?.generation ?? 0) >= 2);
  const rolloutSeconds = (runtime.clock.now().getTime() - started) / 1000;

  // 3. Nodes join and leave: pods follow.
  cluster.add('worker-joined-1');
  cluster.add('worker-joined-2');
  cluster.remove('worker-1');
  const podsMatchNodes = () => {
    const names = cluster.names;
    const pods = sim.pods({ namespace }).filter((p) => !p.metadata?.deletionTimestamp);
    return pods.length === names.size && pods.every((p) => names.has(p.spec?.nodeName ?? ''));
  };
  await follow(
    'two nodes join, one leaves',
    (ds) => ds.status?.desiredNumberScheduled === cluster.names.size && (ds.status?.numberAvailable ?? 0) === cluster.names.size && podsMatchNodes(),
  );
  const ds = current()!;
  io.err(renderDaemonSetTable([ds], runtime.clock.now()));
  return {
    eligibleNodes: ds.status?.desiredNumberScheduled ?? 0,
    updatedAvailable: Math.min(ds.status?.updatedNumberScheduled ?? 0, ds.status?.numberAvailable ?? 0),
    rolloutSeconds,
  };
}
