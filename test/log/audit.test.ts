// The audit views against a known log: a rolling update (6 nodes, maxUnavailable 2, minReadySeconds
// 5, the seeds' 30 s grace period) run on the simulator while an independent recorder writes down,
// at every step of the virtual clock, what the simulator itself shows of every pod. The receipt's
// durations, unavailability and pod-hours, the windowed cost and the point-in-time state must
// equal what that recorder saw — computed here without the code under test.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENCOST_DEFAULT_PRICES } from '../../domain/cost';
import { emptyClusterState } from '../../domain/cluster-state';
import { fold } from '../../domain/evolve';
import { VirtualClock } from '../../functions/clock';
import { eventLogOf } from '../../functions/cli/event-log-source';
import * as E from '../../domain/events';
import { receiptsOf } from '../../functions/cli/commands/rollout-receipt';
import { renderReceiptCsv, renderReceiptTable } from '../../functions/cli/commands/render-receipt';
import type { Simulator } from '../../functions/local/simulator/simulator';
import { loadAuditLog, type AuditLog } from '../../functions/log/audit-log';
import { windowCost } from '../../functions/log/cost-window';
import { readLifecycles } from '../../functions/log/lifecycles';
import { pointInTime } from '../../functions/log/point-in-time';
import { main } from '../../functions/cli/main';
import { recordingIo } from '../cli/fake-io';
import { NAMESPACE, startHarness, targetNode, type Harness } from '../e2e/harness';
import { allAvailable, gracefulAgent } from '../fixtures/scenarios';

const NODES = 6;
const KEY = { clusterId: 'local', namespace: NAMESPACE, name: 'agent' };

/** What the simulator showed of one pod, step by step: its own timestamps, and the step it was first seen scheduled, terminating, gone. */
interface Seen {
  name: string;
  node: string;
  hash: string;
  created: number;
  scheduled?: number;
  ready?: number;
  terminating?: number;
  gone?: number;
}

function recorder(clock: VirtualClock) {
  const pods = new Map<string, Seen>();
  const record = (sim: Simulator) => {
    const now = clock.now().getTime();
    const live = new Set<string>();
    for (const pod of sim.pods({ namespace: NAMESPACE, labelSelector: 'app=agent' }) as V1Pod[]) {
      const m = pod.metadata!;
      live.add(m.uid!);
      const seen = pods.get(m.uid!) ?? {
        name: m.name!,
        node: pod.spec?.nodeName ?? targetNode(pod)!,
        hash: m.labels!['controller-revision-hash']!,
        created: Date.parse(String(m.creationTimestamp)),
      };
      pods.set(m.uid!, seen);
      if (pod.spec?.nodeName) seen.scheduled ??= now;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
      if (ready) seen.ready ??= Date.parse(String(ready.lastTransitionTime));
      if (m.deletionTimestamp) seen.terminating ??= now;
    }
    for (const [uid, seen] of pods) if (!live.has(uid)) seen.gone ??= now;
  };
  return { pods, record };
}

let h: Harness;
let log: AuditLog;
let seen: Map<string, Seen>;
let appliedAt: { v1: number; v2: number };
let state: string;
beforeAll(async () => {
  const clock = new VirtualClock();
  const rec = recorder(clock);
  seen = rec.pods;
  state = await mkdtemp(join(tmpdir(), 'daemonloop-audit-'));
  h = await startHarness({ clock, nodes: NODES, runtime: { stateDir: state }, invariants: rec.record });
  const knobs = { maxUnavailable: 2, minReadySeconds: 5 };
  appliedAt = { v1: clock.now().getTime(), v2: 0 };
  await h.cp.applyDaemonSet(gracefulAgent(knobs, 'first install'));
  await h.until(allAvailable(h, 'agent:1', NODES, 5), 'revision 1 available everywhere');
  appliedAt.v2 = clock.now().getTime();
  await h.cp.applyDaemonSet(gracefulAgent({ ...knobs, image: 'agent:2' }, 'agent 2: new image'));
  await h.until(allAvailable(h, 'agent:2', NODES, 5), 'revision 2 available everywhere');
  await h.until(() => [...seen.values()].every((p) => p.hash !== seen.values().next().value!.hash || p.gone !== undefined), 'every old pod gone');
  await h.runtime.settle();
  const source = await eventLogOf({ positionals: [], values: { state } });
  try {
    log = await loadAuditLog(source.store, KEY);
  } finally {
    await source.close();
  }
}, 120_000);
afterAll(async () => h?.close());

const hashes = () => {
  const [v1, v2] = [...new Set([...seen.values()].sort((a, b) => a.created - b.created).map((p) => p.hash))];
  return { v1: v1!, v2: v2! };
};

describe('rollout receipt on a known rolling update', () => {
  it('starts at the apply, ends when the last new pod became available, and names who started it', () => {
    const [, second] = receiptsOf(log);
    const { v2 } = hashes();
    const lastAvailable = Math.max(...[...seen.values()].filter((p) => p.hash === v2).map((p) => p.ready! + 5_000));
    expect(second!.hash).toBe(v2);
    expect(Date.parse(second!.start)).toBe(appliedAt.v2);
    expect(Date.parse(second!.end!)).toBe(lastAvailable);
    expect(second!.durationSeconds).toBe((lastAvailable - appliedAt.v2) / 1000);
    expect(second!.startedBy).toEqual({ manager: 'daemonloop-cli', operation: 'Update', changeCause: 'agent 2: new image', generation: 2 });
    expect(second!.nodesUpdated).toBe(NODES);
  });

  it('counts each node unavailable from its old pod’s deletion until its new pod is available, as the simulator showed it', () => {
    const [, second] = receiptsOf(log);
    const { v1, v2 } = hashes();
    const perNode = new Map<string, number>();
    for (const old of [...seen.values()].filter((p) => p.hash === v1)) {
      const fresh = [...seen.values()].find((p) => p.hash === v2 && p.node === old.node)!;
      perNode.set(old.node, (fresh.ready! + 5_000 - old.terminating!) / 1000);
    }
    const total = [...perNode.values()].reduce((a, b) => a + b, 0);
    expect(second!.unavailableSeconds.total).toBe(total);
    expect(second!.unavailableSeconds.worst).toBe(Math.max(...perNode.values()));
    expect(second!.surgePodHours).toBe(0); // maxUnavailable: a new pod only once the old one is gone
  });

  it('peaks at the most nodes the simulator showed unavailable at once (maxUnavailable 2)', () => {
    const [, second] = receiptsOf(log);
    const { v1, v2 } = hashes();
    const edges: [number, number][] = [];
    for (const old of [...seen.values()].filter((p) => p.hash === v1)) {
      const fresh = [...seen.values()].find((p) => p.hash === v2 && p.node === old.node)!;
      edges.push([old.terminating!, 1], [fresh.ready! + 5_000, -1]);
    }
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0,
      peak = 0;
    for (const [, d] of edges) peak = Math.max(peak, (open += d));
    expect(peak).toBe(2);
    expect(second!.peakUnavailable).toBe(peak);
  });

  it('shows a recorded plan for the template beside the actual, and none for a template never planned', () => {
    const { v2 } = hashes();
    const planned: E.RolloutPlanned = {
      type: E.ROLLOUT_PLANNED,
      clusterId: 'local',
      schemaVersion: E.EVENT_SCHEMA_VERSION,
      time: new Date(appliedAt.v2 - 1_000).toISOString(),
      hash: v2,
      strategy: 'maxUnavailable 2, maxSurge 0',
      p50Ms: 100_000,
      p90Ms: 120_000,
      peakUnavailable: 2,
      surgePodHours: 0,
    };
    const before = log.daemonSet.filter((c) => Date.parse(c.time) < appliedAt.v2);
    const withPlan: AuditLog = {
      ...log,
      daemonSet: [
        ...before,
        { ...before.at(-1)!, commit: before.at(-1)!.commit + 0.5, time: planned.time, events: [planned] },
        ...log.daemonSet.slice(before.length),
      ],
    };
    const [first, second] = receiptsOf(withPlan);
    expect(first!.planned).toBeUndefined();
    expect(second!.planned).toEqual({ at: planned.time, strategy: planned.strategy, p50Seconds: 100, p90Seconds: 120, peakUnavailable: 2, surgePodHours: 0 });
    const csv = renderReceiptCsv([second!]).split('\n');
    expect(csv[0]).toMatch(
      /,peak_unavailable,.*,planned_at,planned_strategy,planned_p50_seconds,planned_p90_seconds,planned_peak_unavailable,planned_surge_pod_hours$/,
    );
    expect(csv[1]!.endsWith(`,${planned.time},"maxUnavailable 2, maxSurge 0",100,120,2,0`)).toBe(true);
    const off = Math.round(((second!.durationSeconds! - 100) / 100) * 100);
    expect(renderReceiptTable([second!])).toContain(`100/120 (${off >= 0 ? '+' : ''}${off}%), 2, 0.000`);
  });

  it('prices the window as the simulator’s pod-seconds × the OpenCost default rates, computed here', () => {
    const life = readLifecycles(log);
    const from = appliedAt.v2 + 10_000,
      to = life.endMs; // a window that cuts through the rollout
    const podSeconds = [...seen.values()].reduce((sum, p) => sum + Math.max(0, Math.min(to, p.gone ?? Infinity) - Math.max(from, p.scheduled!)) / 1000, 0);
    const hourly = 0.1 * 0.031611 + (200 / 1024) * 0.004237; // 100m CPU, 200Mi memory
    const cost = windowCost(life, OPENCOST_DEFAULT_PRICES, from, to, 'revision', 'local');
    expect(cost.podSeconds).toBe(podSeconds);
    expect(cost.cost).toBeCloseTo((podSeconds / 3600) * hourly, 12);
    expect(cost.rows.map((r) => r.group.split(' ')[0]).sort()).toEqual(['1', '2']);
  });
});

describe('history --at on a known rolling update', () => {
  it('equals a fold of every stream stopped at the last commit at or before that time', () => {
    const middle = log.daemonSet[Math.floor(log.daemonSet.length / 2)]!;
    const at = Date.parse(middle.time);
    const expected = emptyClusterState();
    for (const commits of [log.nodes, log.pods, log.daemonSet]) for (const c of commits.filter((c) => Date.parse(c.time) <= at)) fold(c.events, expected);
    const p = pointInTime(log, at);
    expect(p.state.pods).toEqual(expected.pods);
    expect(p.state.nodes).toEqual(expected.nodes);
    expect(p.state.daemonSets).toEqual(expected.daemonSets);
    expect(p.commits.daemonSet).toBe(log.daemonSet.filter((c) => Date.parse(c.time) <= at).at(-1)!.commit);
  });

  it('knows the pods the simulator showed at that moment, terminating ones included', () => {
    const { v2 } = hashes();
    const firstNew = Math.min(...[...seen.values()].filter((p) => p.hash === v2).map((p) => p.created));
    for (const at of [appliedAt.v2 - 1, firstNew, firstNew + 20_000, firstNew + 45_000]) {
      const p = pointInTime(log, at);
      const logged = new Set(Object.values(p.state.pods).map((pod) => pod.metadata!.name!));
      const simulated = new Set([...seen.values()].filter((s) => s.created <= at && (s.gone ?? Infinity) > at).map((s) => s.name));
      expect([...logged].sort(), `at +${(at - appliedAt.v1) / 1000}s`).toEqual([...simulated].sort());
    }
  });
});

describe('the audit commands on the same log', () => {
  const cli = async (...args: string[]) => {
    const io = recordingIo();
    const code = await main([...args, '-n', NAMESPACE, '--state', state], io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  it('rollout receipt: a table, CSV with one line per rollout, JSON of one revision; a revision not in the log exits 1', async () => {
    const table = await cli('rollout', 'receipt', 'agent');
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^REVISION +STARTED-BY +START +END +DURATION-S/);
    expect(table.out).toContain('daemonloop-cli "agent 2: new image"');
    const csv = await cli('rollout', 'receipt', 'agent', '-o', 'csv');
    expect(csv.out.split('\n')).toHaveLength(3);
    expect(csv.out.split('\n')[2]).toMatch(/^2,\w+,daemonloop-cli,Update,agent 2: new image,2,/);
    const json = await cli('rollout', 'receipt', 'agent', '-o', 'json', '--revision', '2');
    expect(JSON.parse(json.out)).toEqual(receiptsOf(log)[1]);
    expect((await cli('rollout', 'receipt', 'agent', '--revision', '7')).code).toBe(1);
    expect((await cli('rollout', 'receipt', 'agent', '-o', 'yaml')).code).toBe(2);
  });

  it('history --at, cost --since and history --export | replay', async () => {
    const at = await cli('history', 'agent', '--at', '+20s');
    expect(at.out).toMatch(/^at 2026-01-01T00:00:20\.000Z: the log up to commits daemonSet #\d+/);
    expect(at.out).toMatch(/node-1 +agent-\w+@\w+ +\w+/);
    const end = new Date(readLifecycles(log).endMs).toISOString();
    const cost = await cli('cost', 'agent', '--since', '1h', '--until', end, '--by', 'revision', '--json');
    expect(cost.code).toBe(0);
    const window = windowCost(readLifecycles(log, Date.parse(end)), OPENCOST_DEFAULT_PRICES, Date.parse(end) - 3_600_000, Date.parse(end), 'revision', 'local');
    expect(JSON.parse(cost.out).podSeconds).toBe(window.podSeconds);
    expect((await cli('cost', 'agent', '--since', 'a week')).err).toMatch(/--since "a week": expected a duration/);

    const file = join(state, 'agent.jsonl');
    expect((await cli('history', 'agent', '--export', file, '--svg', join(state, 'agent.svg'))).code).toBe(0);
    expect((await readFile(join(state, 'agent.svg'), 'utf8')).match(/<g class="row"/g)).toHaveLength(NODES);
    const replayed = recordingIo();
    expect(await main(['replay', file], replayed)).toBe(0);
    expect(replayed.stdout.join('\n')).toMatch(/\nreplayed \d+ decisions: all match$/);
  });
});

describe('rollout receipt on a known surge (maxSurge 1, maxUnavailable 0)', () => {
  let surge: Harness;
  let surgeLog: AuditLog;
  let surgeSeen: Map<string, Seen>;
  let started: number;
  beforeAll(async () => {
    const clock = new VirtualClock();
    const rec = recorder(clock);
    surgeSeen = rec.pods;
    const dir = await mkdtemp(join(tmpdir(), 'daemonloop-audit-surge-'));
    surge = await startHarness({ clock, nodes: 4, runtime: { stateDir: dir }, invariants: rec.record });
    const knobs = { maxSurge: 1, maxUnavailable: 0, minReadySeconds: 5 };
    await surge.cp.applyDaemonSet(gracefulAgent(knobs));
    await surge.until(allAvailable(surge, 'agent:1', 4, 5), 'revision 1 available everywhere');
    started = clock.now().getTime();
    await surge.cp.applyDaemonSet(gracefulAgent({ ...knobs, image: 'agent:2' }));
    await surge.until(allAvailable(surge, 'agent:2', 4, 5), 'revision 2 available everywhere');
    await surge.until(() => [...surgeSeen.values()].every((p) => p.created >= started || p.gone !== undefined), 'every old pod gone');
    await surge.runtime.settle();
    const source = await eventLogOf({ positionals: [], values: { state: dir } });
    try {
      surgeLog = await loadAuditLog(source.store, KEY);
    } finally {
      await source.close();
    }
  }, 120_000);
  afterAll(async () => surge?.close());

  it('counts surge pod-hours as the time old and new pod lived side by side on each node, and prices them', () => {
    const [, second] = receiptsOf(surgeLog);
    const end = Date.parse(second!.end!);
    expect(Date.parse(second!.start)).toBe(started);
    let overlapMs = 0;
    for (const old of [...surgeSeen.values()].filter((p) => p.created < started)) {
      const fresh = [...surgeSeen.values()].find((p) => p.created >= started && p.node === old.node)!;
      overlapMs += Math.max(0, Math.min(old.gone!, end) - Math.max(fresh.created, started));
    }
    expect(overlapMs).toBeGreaterThan(0);
    expect(second!.surgePodHours * 3_600_000).toBeCloseTo(overlapMs, 6);
    const hourly = 0.1 * 0.031611 + (200 / 1024) * 0.004237;
    expect(second!.cost.surge).toBeCloseTo((overlapMs / 3_600_000) * hourly, 12);
    expect(second!.unavailableSeconds.total).toBe(0); // the old pod serves until the new one is available
  });
});
