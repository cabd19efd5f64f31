// `npm start` = `daemonloop demo [--nodes N] [--exit] [--json] [--state DIR]`: the fleet story on
// four simulated clusters (dev-1, staging-1, prod-1, prod-2; N nodes each) in one control plane —
// the seeds' fluentd-elasticsearch as one FleetDaemonSet (examples/fleet-fluentd.yaml), then a
// staged image update: dev, staging with a soak, the prod approval (given by the demo), the fleet
// node budget holding prod back, and prod-2 (which cannot pull the new image from its mirror)
// failing its deadline and halting the run. One summary line on stdout. It runs on a virtual
// clock (real 30 s grace periods, minutes of rollout in seconds); `demo --single` is the
// single-cluster demo.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { FleetDaemonSet } from '../../../domain/fleet/types';
import { fleetStatus } from '../../../domain/fleet/status';
import { heldTotal, emptyLedger, evolveBudget, type BudgetEvent } from '../../../domain/fleet/budget';
import { fleetBudgetStreamId } from '../../adapters/fleet-store/port';
import { VirtualClock } from '../../clock';
import { readFleet } from '../../fleet/fleet-one';
import { applyFleet, approveStage } from '../../fleet/operations';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { localTelemetry } from '../../observability';
import type { CliIo } from '../io';
import { flag, positiveInteger, stringOption, type CommandOptions } from '../options';
import { dataDirIn, DEFAULT_STATE_DIR } from '../state-dir';
import { fleetOf } from './up';

const EXAMPLE = new URL('../../../examples/fleet-fluentd.yaml', import.meta.url);
const NEW_TAG = 'v2.6.0';
const DEADLINE_SECONDS = 600;

export interface FleetDemoSummary {
  clusters: number;
  rolledOut: string[];
  failed: string[];
  outcome: string;
  peakUnavailable: number;
  budget: number;
  minutes: number;
}

export const renderFleetSummary = (s: FleetDemoSummary): string =>
  `fleet demo: ${s.clusters} clusters, revision 2 rolled out to ${s.rolledOut.join(', ') || 'none'}; failed: ${s.failed.join(', ') || 'none'}; run ${s.outcome}; ` +
  `fleet-wide unavailable peak ${s.peakUnavailable}/${s.budget} nodes; ${s.minutes.toFixed(1)} min of rollout`;

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const clock = new VirtualClock();
  const stateDir = stringOption(options, 'state') ?? DEFAULT_STATE_DIR;
  const nodes = positiveInteger(options, 'nodes', 20);
  const runtime = await startLocalRuntime({
    clock,
    stateDir,
    dataDir: dataDirIn(stateDir),
    cluster: { nodes: 0 },
    telemetry: localTelemetry('warn'),
    fleetClusters: fleetOf(4, nodes).map((c) => ({ ...c, simulatorOptions: { kubelet: { startDelayMs: 3_000, readyDelayMs: 2_000 } } })),
  });
  try {
    const summary = await story(runtime, clock, io, flag(options, 'json'));
    io.out(flag(options, 'json') ? JSON.stringify(summary) : renderFleetSummary(summary));
    if (!flag(options, 'exit')) {
      io.err(`the control plane keeps running (kubeconfigs under ${stateDir}/<cluster>/); Ctrl-C to stop`);
      await io.interrupted();
    }
    return 0;
  } finally {
    await runtime.stop();
  }
}

async function story(runtime: LocalRuntime, clock: VirtualClock, io: CliIo, json: boolean): Promise<FleetDemoSummary> {
  const base = parse(await readFile(EXAMPLE, 'utf8')) as FleetDaemonSet;
  const name = base.metadata.name;
  const store = runtime.fleet.store;
  const started = clock.now().getTime();
  const say = (line: string) =>
    io.err(json ? JSON.stringify({ t: (clock.now().getTime() - started) / 1000, line }) : `[${mmss(clock.now().getTime() - started)}] ${line}`);
  const budget = Number(base.spec.disruptionBudget!.maxUnavailableNodes);
  let peak = 0;
  let last = '';
  const watch = async () => {
    const { state } = await readFleet(runtime.fleet, name);
    const clusters = (await runtime.fleet.deps.registry.list()).map((c) => ({ clusterId: c.clusterId, labels: c.labels ?? {} }));
    const observed = Object.fromEntries(
      (
        await Promise.all(clusters.map(async (c) => [c.clusterId, await runtime.fleet.deps.observe(c.clusterId, 'kube-system', name, clock.now())] as const))
      ).filter(([, o]) => o),
    );
    const status = fleetStatus(state, clusters, observed as never, clock.now());
    const ledger = (await store.read<BudgetEvent>(fleetBudgetStreamId(name))).flatMap((c) => c.events).reduce(evolveBudget, emptyLedger());
    peak = Math.max(peak, heldTotal(ledger));
    if (!status) return state;
    const wait = status.waits.find((w) => !w.reason.startsWith('rolling out')) ?? status.waits[0];
    const line = `rev ${status.revision} stage ${status.stage ?? '-'}: ${status.perCluster.map((c) => `${c.clusterId} ${c.updated}/${c.desired}`).join('  ')} | budget ${heldTotal(ledger)}/${budget} held${wait ? ` | ${wait.reason}` : ''}`;
    if (line !== last) say(line);
    last = line;
    return state;
  };
  const until = async (what: (s: Awaited<ReturnType<typeof watch>>) => boolean) => {
    await runtime.runUntil(async () => what(await watch()), 6 * 3600_000);
  };

  say(`applying ${name} to 4 clusters (examples/fleet-fluentd.yaml)`);
  await applyFleet(store, base, clock.now());
  await runtime.fleet.requests.request(name);
  await until(
    (s) => s.run?.approvals !== undefined && s.run.plan.stages.some((st) => st.approval) && !s.run.outcome && Object.keys(s.run.clusters).length === 2,
  );
  say('approving stage prod');
  await approveStage(store, name, 'prod', clock.now());
  await runtime.fleet.requests.request(name);
  await until((s) => s.run?.outcome === 'Succeeded');
  say('revision 1 everywhere');

  // Revision 2: a new tag, two prod clusters at once, a deadline; prod-2's EU mirror lacks the tag.
  const next = structuredClone(base);
  const tag = (image: string) => image.replace(/:v[\d.]+$/, `:${NEW_TAG}`);
  next.spec.template.template.spec!.containers[0]!.image = tag(next.spec.template.template.spec!.containers[0]!.image!);
  const eu = next.spec.overrides![0]!.patch as { template: { spec: { containers: { image: string }[] } } };
  eu.template.spec.containers[0]!.image = tag(eu.template.spec.containers[0]!.image);
  const prod = next.spec.rollout!.stages.find((s) => s.name === 'prod')!;
  Object.assign(prod, { maxConcurrency: 2, progressDeadlineSeconds: DEADLINE_SECONDS });
  runtime.fleet.clusters.get('prod-2')!.simulator.setImagePullFailure(eu.template.spec.containers[0]!.image);
  peak = 0;
  const rolloutStart = clock.now().getTime();
  say(
    `updating to ${NEW_TAG}: dev → staging (soak ${next.spec.rollout!.stages[1]!.minSuccessSeconds}s) → prod (2 at once, deadline ${DEADLINE_SECONDS}s); prod-2's mirror lacks the tag`,
  );
  await applyFleet(store, next, clock.now());
  await runtime.fleet.requests.request(name);
  await until((s) => s.run?.revision === 2 && s.run.plan.stages.some((st) => st.approval) && Object.keys(s.run.clusters).length === 2 && !s.run.outcome);
  say('approving stage prod');
  await approveStage(store, name, 'prod', clock.now());
  await runtime.fleet.requests.request(name);
  await until((s) => s.run?.outcome !== undefined);
  const { state } = await readFleet(runtime.fleet, name);
  const run = state.run!;
  say(`run ${run.outcome}: ${run.reason}`);
  return {
    clusters: 4,
    rolledOut: Object.entries(run.clusters)
      .filter(([, c]) => c.succeededAt)
      .map(([id]) => id)
      .sort(),
    failed: Object.entries(run.clusters)
      .filter(([, c]) => c.failedAt)
      .map(([id]) => id)
      .sort(),
    outcome: run.outcome!,
    peakUnavailable: peak,
    budget,
    minutes: (clock.now().getTime() - rolloutStart) / 60_000,
  };
}

const mmss = (ms: number) => `${String(Math.floor(ms / 60_000)).padStart(2, '0')}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;
