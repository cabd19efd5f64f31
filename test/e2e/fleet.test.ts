// One FleetDaemonSet over three simulated clusters on the local runtime (virtual clock, real
// handlers, dynalite, forwarders over HTTP): a staged image update dev → staging (soak) → prod,
// the fleet node budget held across all clusters at every step, overrides per cluster, a cluster
// leaving the placement mid-run, and a control-plane restart mid-run resuming from the log.
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { readFleet } from '../../functions/fleet/fleet-one';
import { fleetStreamId } from '../../functions/adapters/fleet-store/port';
import type { FleetEvent } from '../../domain/fleet/events';
import { replayFleet } from '../../domain/fleet/replay';
import { applyFleet } from '../../functions/fleet/operations';
import { VirtualClock } from '../../functions/clock';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { localTelemetry } from '../../functions/observability';
import { Simulator } from '../../functions/local/simulator/simulator';
import { FLEET_API_VERSION, FLEET_KIND, type FleetDaemonSet } from '../../domain/fleet/types';
import { assertPodsPerNode, isAvailable } from './harness';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NODES = 4;
const BUDGET = 2;
const SOAK = 60;
const CLUSTERS = [
  { clusterId: 'dev-1', labels: { env: 'dev', region: 'us' }, nodes: NODES },
  { clusterId: 'staging-1', labels: { env: 'staging', region: 'us' }, nodes: NODES },
  { clusterId: 'prod-eu', labels: { env: 'prod', region: 'eu' }, nodes: NODES },
];

function fleet(image: string): FleetDaemonSet {
  return {
    apiVersion: FLEET_API_VERSION,
    kind: FLEET_KIND,
    metadata: { name: 'fluentd', namespace: 'kube-system' },
    spec: {
      template: {
        selector: { matchLabels: { app: 'fluentd' } },
        template: {
          metadata: { labels: { app: 'fluentd' } },
          spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'fluentd', image }] },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 3 } },
      },
      placement: { clusterSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'staging', 'prod'] }] } },
      overrides: [
        {
          name: 'eu-registry',
          clusterSelector: { matchLabels: { region: 'eu' } },
          patch: { template: { spec: { containers: [{ name: 'fluentd', image: `eu.registry/${image}` }] } } },
        },
      ],
      rollout: {
        stages: [
          { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } },
          { name: 'staging', clusterSelector: { matchLabels: { env: 'staging' } }, minSuccessSeconds: SOAK },
          { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, progressDeadlineSeconds: 3600 },
        ],
      },
      disruptionBudget: { maxUnavailableNodes: BUDGET },
    },
  };
}

const livePods = (sim: Simulator): V1Pod[] => sim.pods().filter((p) => !p.metadata?.deletionTimestamp && p.metadata?.labels?.app === 'fluentd');
const imagesOf = (sim: Simulator) => new Set(livePods(sim).map((p) => p.spec!.containers[0]!.image));
const unavailableNodes = (sim: Simulator, now: Date) => {
  const pods = livePods(sim);
  return sim.nodes().filter((n) => !pods.some((p) => p.spec?.nodeName === n.metadata!.name && isAvailable(p, 0, now))).length;
};
const allOnN = (sim: Simulator, image: string, nodes: number, now: Date) =>
  imagesOf(sim).size === 1 && imagesOf(sim).has(image) && livePods(sim).length === nodes && unavailableNodes(sim, now) === 0;
const allOn = (sim: Simulator, image: string, now: Date) => allOnN(sim, image, NODES, now);

let runtime: LocalRuntime | undefined;
let owned: Simulator[] = [];
afterEach(async () => {
  await runtime?.stop();
  await Promise.all(owned.map((s) => s.close()));
});

describe('a fleet, end to end', () => {
  it('rolls out stage by stage with a soak, overrides per cluster and the fleet node budget across clusters, and resumes after a restart', async () => {
    const clock = new VirtualClock();
    const stateDir = await mkdtemp(join(tmpdir(), 'daemonloop-fleet-'));
    const dataDir = join(stateDir, 'data');
    // The clusters outlive the control plane: the test owns their simulators.
    owned = await Promise.all(
      CLUSTERS.map(async (c) => {
        const s = new Simulator({ clock, kubelet: { startDelayMs: 1_000, readyDelayMs: 0 } });
        await s.start();
        for (let i = 1; i <= c.nodes; i++) s.addNode(`node-${i}`);
        return s;
      }),
    );
    const start = () =>
      startLocalRuntime({
        clock,
        dataDir,
        stateDir,
        telemetry: localTelemetry(process.env.FLEET_DEBUG ? 'info' : 'silent'),
        cluster: { nodes: 0 },
        fleetClusters: CLUSTERS.map((c, i) => ({ ...c, simulator: owned[i] })),
      });
    runtime = await start();
    const sims = () => new Map([...runtime!.fleet.clusters].map(([id, c]) => [id, c.simulator]));
    const sim = (id: string) => sims().get(id)!;
    let rolling = false;
    let worst = 0;
    const until = async (predicate: () => boolean | Promise<boolean>, what: string) => {
      const ok = await runtime!.runUntil(() => {
        for (const s of sims().values()) assertPodsPerNode(s);
        if (rolling) {
          const total = [...sims().values()].reduce((n, s) => n + unavailableNodes(s, clock.now()), 0);
          worst = Math.max(worst, total);
          expect(total, 'fleet-wide unavailable nodes').toBeLessThanOrEqual(BUDGET);
        }
        return predicate();
      }, 4 * 3600_000);
      if (!ok) throw new Error(`never reached: ${what}`);
      if (process.env.FLEET_DEBUG) console.log('reached', what, clock.now().toISOString());
    };
    const everywhere = (image: string) => () =>
      CLUSTERS.every((c) => allOn(sim(c.clusterId), c.labels.region === 'eu' ? `eu.registry/${image}` : image, clock.now()));

    await applyFleet(runtime.fleet.store, fleet('fluentd:v1'), clock.now());
    await runtime.fleet.requests.request('fluentd');
    await until(everywhere('fluentd:v1'), 'revision 1 everywhere (overrides applied: eu.registry on prod-eu)');
    await until(async () => (await readFleet(runtime!.fleet, 'fluentd')).state.run?.outcome === 'Succeeded', 'run 1 succeeded');

    rolling = true;
    await applyFleet(runtime.fleet.store, fleet('fluentd:v2'), clock.now());
    await runtime.fleet.requests.request('fluentd');
    await until(() => allOn(sim('dev-1'), 'fluentd:v2', clock.now()), 'dev on v2');
    expect(imagesOf(sim('prod-eu'))).toEqual(new Set(['eu.registry/fluentd:v1'])); // prod waits for dev and staging
    await until(() => allOn(sim('staging-1'), 'fluentd:v2', clock.now()), 'staging on v2');
    const stagingDone = clock.now().getTime();

    // The control plane restarts mid-run (the clusters keep running); it resumes from the log.
    await runtime.stop();
    runtime = await start();
    await runtime.fleet.requests.request('fluentd');

    await until(() => imagesOf(sim('prod-eu')).has('eu.registry/fluentd:v2'), 'prod starts');
    expect(clock.now().getTime() - stagingDone).toBeGreaterThanOrEqual(SOAK * 1000); // the soak held prod back
    await until(everywhere('fluentd:v2'), 'revision 2 everywhere');
    await until(async () => (await readFleet(runtime!.fleet, 'fluentd')).state.run?.outcome === 'Succeeded', 'run 2 succeeded');
    expect(worst).toBe(BUDGET); // the fleet budget bound (each cluster alone would take 3)
    // fleet history --verify: every fleet decision of both runs, across the restart, decided again from the log.
    const replay = replayFleet(await runtime.fleet.store.read<FleetEvent>(fleetStreamId('fluentd')));
    expect(replay.mismatches).toEqual([]);
    expect(replay.decisions).toBeGreaterThanOrEqual(8);
  }, 300_000);

  it('halts the run when a cluster’s pods never become available, and follows clusters joining and leaving the placement', async () => {
    const clock = new VirtualClock();
    const stateDir = await mkdtemp(join(tmpdir(), 'daemonloop-fleet-'));
    const specs = [
      { clusterId: 'dev-1', labels: { env: 'dev', region: 'us' } },
      { clusterId: 'lab-1', labels: { env: 'lab', region: 'us' } }, // outside the placement, at first
      { clusterId: 'prod-a', labels: { env: 'prod', region: 'us' } },
      { clusterId: 'prod-b', labels: { env: 'prod', region: 'us' } },
    ];
    runtime = await startLocalRuntime({
      clock,
      stateDir,
      telemetry: localTelemetry('silent'),
      cluster: { nodes: 0 },
      fleetClusters: specs.map((c) => ({ ...c, nodes: 3, simulatorOptions: { kubelet: { startDelayMs: 1_000, readyDelayMs: 0 } } })),
    });
    const sim = (id: string) => runtime!.fleet.clusters.get(id)!.simulator;
    const until = async (predicate: () => boolean | Promise<boolean>, what: string) => {
      if (!(await runtime!.runUntil(predicate, 4 * 3600_000))) throw new Error(`never reached: ${what}`);
    };
    const run = async () => (await readFleet(runtime!.fleet, 'fluentd')).state.run;
    const relabel = async (clusterId: string, labels: Record<string, string>) => {
      const record = (await runtime!.deps.registry.lookup(clusterId))!;
      await (runtime!.deps.registry as unknown as { register(r: typeof record): Promise<void> }).register({ ...record, labels });
      await runtime!.fleet.requests.request('fluentd');
    };
    const f = (image: string) => {
      const spec = fleet(image);
      spec.spec.rollout = {
        stages: [
          { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } },
          { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, progressDeadlineSeconds: 300 },
        ],
      };
      return spec;
    };
    const on = (id: string, image: string) => allOnN(sim(id), image, 3, clock.now());

    await applyFleet(runtime.fleet.store, f('fluentd:v1'), clock.now());
    await runtime.fleet.requests.request('fluentd');
    await until(
      async () => on('dev-1', 'fluentd:v1') && on('prod-a', 'fluentd:v1') && on('prod-b', 'fluentd:v1') && (await run())?.outcome === 'Succeeded',
      'revision 1 on the placed clusters',
    );
    expect(livePods(sim('lab-1'))).toEqual([]); // not placed

    // Revision 2: prod-a cannot pull the new image, so its pods never become available.
    sim('prod-a').setImagePullFailure('fluentd:v2');
    await applyFleet(runtime.fleet.store, f('fluentd:v2'), clock.now());
    await runtime.fleet.requests.request('fluentd');
    await until(() => on('dev-1', 'fluentd:v2'), 'dev on v2');
    // Mid-run, lab-1 joins the placement (it gets the run's revision at once) and dev-1 leaves it (its DaemonSet is deleted).
    await relabel('lab-1', { env: 'dev', region: 'us' });
    await until(() => on('lab-1', 'fluentd:v2'), 'the joining cluster on the run revision');
    await relabel('dev-1', { env: 'retired', region: 'us' });
    await until(
      () => livePods(sim('dev-1')).length === 0 && sim('dev-1').daemonSet('kube-system', 'fluentd') === undefined,
      'the leaving cluster’s DaemonSet removed',
    );

    await until(async () => (await run())?.outcome === 'Failed', 'the run halted');
    const halted = (await run())!;
    expect(halted.clusters['prod-a']?.reason).toMatch(/^progress deadline of 300s exceeded: /);
    expect(halted.reason).toBe('stage prod: 1 failed cluster(s) (prod-a), maxFailedClusters 0');
    // maxConcurrency 1: prod-b waited behind prod-a, and the halt keeps it on revision 1.
    expect(imagesOf(sim('prod-b')).has('fluentd:v2')).toBe(false);
  }, 300_000);
});
