// `daemonloop plan -f NEW.yaml --fleet NAME` against a running control plane with three simulated
// clusters: the fleet's stages in order with the soak between them, each cluster's rollout inside
// its stage, and the fleet-wide node budget never exceeded — planned from what the log knows.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FLEET_API_VERSION, FLEET_KIND, type FleetDaemonSet } from '../../domain/fleet/types';
import type { FleetRolloutPlan } from '../../domain/plan/plan-fleet';
import { main } from '../../functions/cli/main';
import { dataDirIn } from '../../functions/cli/state-dir';
import { VirtualClock } from '../../functions/clock';
import { readFleet } from '../../functions/fleet/fleet-one';
import { applyFleet } from '../../functions/fleet/operations';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { localTelemetry } from '../../functions/observability';
import { recordingIo } from './fake-io';

const SOAK = 60;
const BUDGET = 2;
const CLUSTERS = [
  { clusterId: 'dev-1', labels: { env: 'dev' }, nodes: 4 },
  { clusterId: 'prod-1', labels: { env: 'prod' }, nodes: 4 },
  { clusterId: 'prod-2', labels: { env: 'prod' }, nodes: 4 },
];

function fleet(image: string): FleetDaemonSet {
  return {
    apiVersion: FLEET_API_VERSION,
    kind: FLEET_KIND,
    metadata: { name: 'fluentd', namespace: 'kube-system' },
    spec: {
      template: {
        selector: { matchLabels: { app: 'fluentd' } },
        template: { metadata: { labels: { app: 'fluentd' } }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'fluentd', image }] } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
      },
      placement: { clusterSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] } },
      rollout: {
        stages: [
          { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } }, minSuccessSeconds: SOAK },
          { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, maxConcurrency: 2 },
        ],
      },
      disruptionBudget: { maxUnavailableNodes: BUDGET },
    },
  };
}

let runtime: LocalRuntime | undefined;
afterAll(async () => runtime?.stop());

describe('daemonloop plan --fleet', () => {
  it('plans the fleet’s stages in order, each cluster inside its stage, within the fleet node budget', async () => {
    const clock = new VirtualClock();
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-plan-fleet-'));
    runtime = await startLocalRuntime({
      clock,
      stateDir: state,
      dataDir: dataDirIn(state),
      telemetry: localTelemetry('silent'),
      cluster: { nodes: 0 },
      fleetClusters: CLUSTERS,
    });
    await applyFleet(runtime.fleet.store, fleet('fluentd:v1'), clock.now());
    await runtime.fleet.requests.request('fluentd');
    expect(await runtime.runUntil(async () => (await readFleet(runtime!.fleet, 'fluentd')).state.run?.outcome === 'Succeeded', 4 * 3_600_000)).toBe(true);
    await runtime.settle();

    const file = join(state, 'fluentd-v2.yaml');
    await writeFile(file, stringify(fleet('fluentd:v2')));
    const json = recordingIo();
    expect(await main(['plan', '-f', file, '--fleet', 'fluentd', '--state', state, '--loop-latency-ms', '0', '--runs', '3', '-o', 'json'], json)).toBe(0);
    const plan = JSON.parse(json.stdout.join('\n')) as FleetRolloutPlan;
    expect(plan.completedRuns).toBe(3);
    expect(plan.eligibleNodes).toBe(12);
    expect(plan.stages.map((s) => [s.name, s.clusters, s.nodes])).toEqual([
      ['dev', 1, 4],
      ['prod', 2, 8],
    ]);
    const [dev, prod] = plan.stages;
    expect(dev!.startMs).toBe(0);
    expect(dev!.soakUntilMs).toBe(dev!.endMs! + SOAK * 1000);
    expect(prod!.startMs).toBeGreaterThanOrEqual(dev!.soakUntilMs!); // the soak holds prod back
    expect(plan.durationP50Ms).toBeGreaterThanOrEqual(prod!.endMs! - 1); // the run ends when prod is rolled out
    expect(plan.clusters.map((c) => [c.clusterId, c.stage, c.eligibleNodes])).toEqual([
      ['dev-1', 'dev', 4],
      ['prod-1', 'prod', 4],
      ['prod-2', 'prod', 4],
    ]);
    for (const c of plan.clusters) {
      const stage = plan.stages.find((s) => s.name === c.stage)!;
      expect(c.startMs).toBeGreaterThanOrEqual(stage.startMs!);
      expect(c.endMs).toBeLessThanOrEqual(stage.endMs!);
      expect(c.waves).toEqual([{ name: 'all nodes', nodes: 4, startMs: 0, endMs: expect.any(Number) }]);
    }
    // The seeds' 30 s grace period and a start-up learned from the log, two nodes at a time.
    expect(plan.clusters[0]!.durationMs).toBeGreaterThanOrEqual(2 * 30_000);
    expect(plan.budgetLimit).toBe(BUDGET);
    expect(plan.peakHeld).toBeLessThanOrEqual(BUDGET);
    expect(plan.peakUnavailable).toBeLessThanOrEqual(BUDGET);

    const table = recordingIo();
    expect(await main(['plan', '-f', file, '--fleet', 'fluentd', '--state', state, '--runs', '3'], table)).toBe(0);
    const out = table.stdout.join('\n');
    expect(out).toMatch(/^Plan for fleet fluentd \(revision 2\): 3 clusters, 12 eligible nodes\n/);
    expect(out).toMatch(/Stages, in order \(the median run\):\n# +STAGE +CLUSTERS +NODES +START +END +DURATION +SOAK UNTIL\n1 +dev +1 +4 +\+0\.0s/);
    expect(out).toMatch(/node budget 2 \(most held at once [12]\)/);

    const wrong = recordingIo();
    expect(await main(['plan', '-f', file, '--fleet', 'other', '--state', state], wrong)).toBe(2);
    expect(wrong.stderr[0]).toBe('error: fleet "other" not found: `daemonloop fleet apply` it first');
  }, 600_000);
});
