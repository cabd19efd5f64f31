// Rollout receipts: one per revision the controller rolled out, computed from the log alone — who
// started it, when it started and finished, how long against the theoretical minimum, nodes
// updated, per-node unavailability, surge pod-hours, failures, pauses, API calls, what it cost and
// which commits of the log back it. Pure: lifecycles and a price table in, receipts out.
//
// A rollout starts when the DaemonSet change carrying its template was observed (else when its
// revision was recorded) and ends with the first decision that saw every desired node updated and
// available; one superseded by the next revision before that has no end.
import { AWS_PRICES } from '../../domain/aws-prices';
import { scaledValue } from '../../domain/int-or-percent';
import type { PriceTable } from '../../domain/cost';
import type { RolloutPlanned } from '../../domain/events';
import type { Lifecycles, PodLife } from './lifecycles';
import { podPrices } from './pod-prices';

export interface Receipt {
  revision: number;
  hash: string;
  startedBy: { manager?: string; operation?: string; changeCause?: string; generation?: number };
  start: string;
  end?: string;
  durationSeconds?: number;
  /**
   * ceil(nodes / parallelism) × the fastest replacement of one node seen in this rollout (first
   * action on the node → its new pod available); a first install has one wave.
   */
  theoreticalMinimumSeconds?: number;
  ratioToMinimum?: number;
  nodesUpdated: number;
  /** Over the nodes that had an available pod when the rollout started. */
  unavailableSeconds: { total: number; worst: number; worstNode?: string };
  /** The most of those nodes unavailable at one instant. */
  peakUnavailable: number;
  surgePodHours: number;
  failedPods: number;
  failedCreates: number;
  pauses: { at: string; until?: string; reason?: string }[];
  apiCalls: { creates: number; deletes: number; statusWrites: number; failed: number };
  cost: { surge: number; controlLoop: number };
  /** The commits of each stream that back the receipt: [first, last] inside the rollout's window. */
  commits: { daemonSet?: [number, number]; nodes?: [number, number]; pods?: [number, number] };
  /** What `plan --record` predicted for this template, when it was asked: shown beside the actual. */
  planned?: PlannedFigures;
}

export interface PlannedFigures {
  at: string;
  strategy: string;
  p50Seconds: number;
  p90Seconds: number;
  peakUnavailable: number;
  surgePodHours?: number; // plans recorded before it was kept do not have it
}

export interface ReceiptInput {
  lifecycles: Lifecycles;
  prices: PriceTable;
  /** Commit times of each stream, to name the commit range (the audit log's commits). */
  commitTimes: { daemonSet: { commit: number; ms: number }[]; nodes: { commit: number; ms: number }[]; pods: { commit: number; ms: number }[] };
  /** The plans `plan --record` appended to the DaemonSet's stream, with their commits. */
  planned?: readonly { commit: number; event: RolloutPlanned }[];
}

export function rolloutReceipts({ lifecycles: life, prices, commitTimes, planned = [] }: ReceiptInput): Receipt[] {
  const price = podPrices(life, prices);
  const podsByNode = new Map<string, PodLife[]>();
  for (const p of life.pods) {
    if (!p.nodeName) continue;
    const list = podsByNode.get(p.nodeName) ?? [];
    podsByNode.set(p.nodeName, list);
    list.push(p);
  }
  const revisions = [...life.revisions].sort((a, b) => a.ms - b.ms);
  return revisions.map((rev, i) => {
    const change = [...life.specChanges].reverse().find((c) => c.hash === rev.hash && c.ms <= rev.ms);
    const startMs = change?.ms ?? rev.ms;
    const nextStartMs = revisions[i + 1]
      ? (life.specChanges.find((c) => c.hash === revisions[i + 1]!.hash && c.ms <= revisions[i + 1]!.ms && c.ms > startMs)?.ms ?? revisions[i + 1]!.ms)
      : Infinity;
    const done = life.decisions.find((d) => d.ms >= startMs && d.ms <= nextStartMs && d.currentHash === rev.hash && complete(d.status));
    const endMs = done?.ms;
    const windowEnd = endMs ?? Math.min(nextStartMs, life.endMs);
    const inWindow = (ms: number) => ms >= startMs && ms <= windowEnd;

    let unavailableTotal = 0,
      worst = 0,
      worstNode: string | undefined,
      surgeMs = 0,
      surgeCost = 0,
      updated = 0;
    const downEdges: [number, number][] = []; // when replaced nodes went down (+1) and came back (-1), for the peak
    let fastest = Infinity;
    const firstAction = new Map<string, number>();
    for (const a of life.actions) if (a.nodeName && inWindow(a.ms) && !firstAction.has(a.nodeName)) firstAction.set(a.nodeName, a.ms);
    const anyReplaced = [...podsByNode.values()].some((pods) => pods.some((p) => availableAt(p, startMs)));
    for (const [node, pods] of podsByNode) {
      const nodeGone = price.node(node)?.goneMs ?? Infinity;
      const to = Math.min(windowEnd, nodeGone);
      const fresh = pods.find((p) => p.hash === rev.hash && p.availableMs !== undefined && p.availableMs <= windowEnd && (p.goneMs ?? Infinity) > startMs);
      const replaced = pods.some((p) => availableAt(p, startMs)); // a node that had a pod to replace
      if (fresh) {
        updated++;
        const began = firstAction.get(node);
        if (began !== undefined && fresh.availableMs! >= began && (replaced || !anyReplaced)) fastest = Math.min(fastest, fresh.availableMs! - began);
      }
      if (replaced) {
        const down = to > startMs ? to - startMs - covered(pods, startMs, to, downEdges) : 0;
        unavailableTotal += down;
        if (down > worst) [worst, worstNode] = [down, node];
      }
      const extra = surgeMsOn(pods, startMs, to);
      surgeMs += extra;
      if (extra > 0) surgeCost += (extra / 3_600_000) * price.hourly(node, rev.hash);
    }

    const strategy = change?.strategy ?? life.specChanges.at(-1)?.strategy;
    const targeted = Math.max(updated, done?.status.desiredNumberScheduled ?? 0);
    const surge = Math.max(0, scaledValue(strategy?.maxSurge ?? 0, targeted) ?? 0);
    // A first install creates every pod at once; a replacement moves maxSurge (or maxUnavailable) nodes at a time.
    const parallel = !anyReplaced ? targeted : surge > 0 ? surge : Math.max(1, scaledValue(strategy?.maxUnavailable ?? 1, targeted) ?? 1);
    const minimumMs = fastest === Infinity || targeted === 0 ? undefined : Math.ceil(targeted / parallel) * fastest;
    const durationMs = endMs === undefined ? undefined : endMs - startMs;

    const calls = life.apiCalls.filter((c) => inWindow(c.ms));
    const decisions = life.decisions.filter((d) => inWindow(d.ms)).length;
    const range = (times: { commit: number; ms: number }[]): [number, number] | undefined => {
      const inside = times.filter((t) => inWindow(t.ms));
      return inside.length === 0 ? undefined : [inside[0]!.commit, inside.at(-1)!.commit];
    };
    const commits = { daemonSet: range(commitTimes.daemonSet), nodes: range(commitTimes.nodes), pods: range(commitTimes.pods) };
    const writes = [commits.daemonSet, commits.nodes, commits.pods].reduce((n, r) => n + (r ? r[1] - r[0] + 1 : 0), 0);
    const observed = writes - (commits.daemonSet ? commits.daemonSet[1] - commits.daemonSet[0] + 1 : 0);
    const p = AWS_PRICES;
    // Each decision: one reconcile invocation fed by one FIFO message; each observation commit: one
    // event on the bus and one ingest invocation; every commit: at least one write unit. Lambda
    // duration is not counted (the log does not record it).
    const controlLoop =
      decisions * (p.lambdaRequestUsd + p.sqsFifoRequestUsd) +
      observed * (p.eventBridgeCustomEventUsd + p.lambdaRequestUsd) +
      writes * p.dynamoDbWriteRequestUnitUsd;
    // The newest plan for this template appended before the rollout's last commit (by log order: a
    // plan is stamped with the planner's clock, which need not be the cluster's).
    const plan = planned.findLast((p) => p.event.hash === rev.hash && (commits.daemonSet === undefined || p.commit <= commits.daemonSet[1]))?.event;

    return {
      revision: rev.revision,
      hash: rev.hash,
      startedBy: {
        ...(change?.manager ? { manager: change.manager } : {}),
        ...(change?.operation ? { operation: change.operation } : {}),
        ...(change?.changeCause ? { changeCause: change.changeCause } : {}),
        ...(change?.generation !== undefined ? { generation: change.generation } : {}),
      },
      start: iso(startMs),
      ...(endMs !== undefined ? { end: iso(endMs), durationSeconds: durationMs! / 1000 } : {}),
      ...(minimumMs !== undefined ? { theoreticalMinimumSeconds: minimumMs / 1000 } : {}),
      ...(minimumMs && durationMs !== undefined ? { ratioToMinimum: durationMs / minimumMs } : {}),
      nodesUpdated: updated,
      unavailableSeconds: { total: unavailableTotal / 1000, worst: worst / 1000, ...(worstNode ? { worstNode } : {}) },
      peakUnavailable: peakOf(downEdges),
      surgePodHours: surgeMs / 3_600_000,
      failedPods: life.pods.filter((p) => p.hash === rev.hash && p.failedMs !== undefined && inWindow(p.failedMs)).length,
      failedCreates: life.actions.filter((a) => a.action === 'create' && a.outcome === 'failed' && inWindow(a.ms)).length,
      pauses: pausesIn(life, startMs, windowEnd),
      apiCalls: {
        creates: calls.filter((c) => c.kind === 'create').length,
        deletes: calls.filter((c) => c.kind === 'delete').length,
        statusWrites: calls.filter((c) => c.kind === 'status').length,
        failed: calls.filter((c) => c.outcome === 'failed').length,
      },
      cost: { surge: surgeCost, controlLoop },
      commits: Object.fromEntries(Object.entries(commits).filter(([, r]) => r !== undefined)) as Receipt['commits'],
      ...(plan ? { planned: plannedFigures(plan) } : {}),
    };
  });
}

const complete = (s: Lifecycles['decisions'][number]['status']): boolean =>
  (s.updatedNumberScheduled ?? 0) >= s.desiredNumberScheduled && (s.numberAvailable ?? 0) >= s.desiredNumberScheduled && (s.numberUnavailable ?? 0) === 0;

const iso = (ms: number): string => new Date(ms).toISOString();

const plannedFigures = (e: RolloutPlanned): PlannedFigures => ({
  at: e.time,
  strategy: e.strategy,
  p50Seconds: e.p50Ms / 1000,
  p90Seconds: e.p90Ms / 1000,
  peakUnavailable: e.peakUnavailable,
  ...(e.surgePodHours !== undefined ? { surgePodHours: e.surgePodHours } : {}),
});

/** The most intervals open at once; at equal times a return (-1) goes before a departure (+1). */
function peakOf(edges: [number, number][]): number {
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0,
    peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (open += d));
  return peak;
}

/** Until a pod stops serving: it is deleted (terminating), fails, or is gone. */
const endOf = (p: PodLife): number => Math.min(p.terminatingMs ?? Infinity, p.failedMs ?? Infinity, p.goneMs ?? Infinity);
/** Available at `at` — a pod deleted at that very instant included: the rollout's first deletes land at its start. */
const availableAt = (p: PodLife, at: number): boolean => p.availableMs !== undefined && p.availableMs <= at && endOf(p) >= at;

/**
 * How much of [from, to) some pod on the node was available: the union of their available
 * intervals. The gaps between them (the node unavailable) go to `gaps` as +1/-1 edges.
 */
function covered(pods: PodLife[], from: number, to: number, gaps: [number, number][]): number {
  const spans = pods
    .filter((p) => p.availableMs !== undefined)
    .map((p) => [Math.max(from, p.availableMs!), Math.min(to, endOf(p))] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0,
    reach = from;
  for (const [a, b] of spans) {
    if (b <= reach) continue;
    if (a > reach) gaps.push([reach, 1], [a, -1]);
    total += b - Math.max(a, reach);
    reach = b;
  }
  if (reach < to) gaps.push([reach, 1], [to, -1]);
  return total;
}

/** Pod-time beyond one pod on the node in [from, to): a sweep over creations and disappearances. */
export function surgeMsOn(pods: PodLife[], from: number, to: number): number {
  const edges: [number, number][] = [];
  for (const p of pods) {
    const a = Math.max(from, p.createdMs),
      b = Math.min(to, p.goneMs ?? Infinity);
    if (b > a) edges.push([a, 1], [b, -1]);
  }
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let live = 0,
    last = from,
    extra = 0;
  for (const [t, d] of edges) {
    if (live > 1) extra += (live - 1) * (t - last);
    live += d;
    last = t;
  }
  return extra;
}

function pausesIn(life: Lifecycles, from: number, to: number): Receipt['pauses'] {
  const pauses: Receipt['pauses'] = [];
  for (const c of life.controls) {
    if (c.ms < from || c.ms > to) continue;
    if (c.kind === 'pause') pauses.push({ at: iso(c.ms), ...(c.reason ? { reason: c.reason } : {}) });
    else if (c.kind === 'resume') {
      const open = pauses.findLast((p) => p.until === undefined);
      if (open) open.until = iso(c.ms);
    }
  }
  return pauses;
}
