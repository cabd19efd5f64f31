// The fleet-wide node-disruption budget as a ledger on its own stream (`fleet/<name>/budget`).
// A per-cluster reconcile takes nodes from it before it deletes an available old pod and gives
// them back once the node has an available pod again; both go through a conditional append at
// the ledger's expected commit, so two clusters racing for the last node cannot both win — the
// loser re-reads and decides again. No lock service: the log's condition is the lock.
//
// Invariant: the nodes held across the fleet never exceed `limit`, and every node a rollout made
// unavailable is held until its new pod is available. So the fleet's rollout-caused unavailable
// count never exceeds the budget, whatever the timing and concurrency of the reconciles.
// A grant names the DaemonSet-stream commit its decision will be; a hold is returned only by a
// reconcile whose view includes that commit — so a concurrent run that has not yet seen the
// deletion it was granted for can never give the node back early.
import type { IntOrString } from '@kubernetes/client-node';
import type { FleetDisruptionBudget } from './types';

export interface FleetBudgetSized {
  type: 'FleetBudgetSized';
  time: string;
  limit: number | null; // null: the fleet has no node budget
  window?: { nodes: number; windowSeconds: number };
  /** A fair share: the most one cluster may hold, so clusters rolling at once split the budget instead of the first ones taking it all. */
  perCluster?: number;
  /**
   * Each rolling cluster's share in proportion to the nodes it has left to replace (rounded up),
   * so a cluster that fell behind takes more and the clusters of a stage finish together instead
   * of one trailing by a wave. A cluster without one is held to `perCluster`.
   */
  shares?: Record<string, number>;
}
export interface FleetBudgetGranted {
  type: 'FleetBudgetGranted';
  time: string;
  clusterId: string;
  nodes: string[];
  decisionCommit: number; // the DaemonSet-stream commit of the decision that takes the nodes
}
export interface FleetBudgetReturned {
  type: 'FleetBudgetReturned';
  time: string;
  clusterId: string;
  nodes: string[];
}
export type BudgetEvent = FleetBudgetSized | FleetBudgetGranted | FleetBudgetReturned;

export interface BudgetLedger {
  limit?: number | null; // undefined: not sized yet — nothing is granted
  window?: { nodes: number; windowSeconds: number };
  perCluster?: number;
  shares?: Record<string, number>;
  held: Record<string, Record<string, number>>; // cluster id → node name → decision commit of its grant
  grants: { at: number; count: number }[]; // recent grants, for the rate window
}

export const emptyLedger = (): BudgetLedger => ({ held: {}, grants: [] });

export function evolveBudget(ledger: BudgetLedger, event: BudgetEvent): BudgetLedger {
  switch (event.type) {
    case 'FleetBudgetSized': {
      const { window: _old, perCluster: _share, shares: _shares, ...rest } = ledger;
      return {
        ...rest,
        limit: event.limit,
        ...(event.window ? { window: event.window } : {}),
        ...(event.perCluster !== undefined ? { perCluster: event.perCluster } : {}),
        ...(event.shares ? { shares: event.shares } : {}),
      };
    }
    case 'FleetBudgetGranted': {
      const mine = { ...ledger.held[event.clusterId] };
      const fresh = event.nodes.filter((n) => mine[n] === undefined);
      for (const n of event.nodes) mine[n] = Math.max(mine[n] ?? 0, event.decisionCommit);
      const at = Date.parse(event.time);
      // Entries older than any window we could be asked about are dropped, so the list stays short.
      const horizon = at - (ledger.window?.windowSeconds ?? 0) * 1000;
      return {
        ...ledger,
        held: { ...ledger.held, [event.clusterId]: mine },
        grants: [...ledger.grants.filter((g) => g.at > horizon), { at, count: fresh.length }],
      };
    }
    case 'FleetBudgetReturned': {
      const left = { ...ledger.held[event.clusterId] };
      for (const n of event.nodes) delete left[n];
      const { [event.clusterId]: _old, ...held } = ledger.held;
      return { ...ledger, held: Object.keys(left).length > 0 ? { ...held, [event.clusterId]: left } : held };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export const heldTotal = (ledger: BudgetLedger): number => Object.values(ledger.held).reduce((n, nodes) => n + Object.keys(nodes).length, 0);
export const heldBy = (ledger: BudgetLedger, clusterId: string): string[] => Object.keys(ledger.held[clusterId] ?? {});

/** How many more nodes a cluster (or, without one, any cluster) may take now, and why not more. */
export function budgetAllowance(ledger: BudgetLedger, now: Date, clusterId?: string): { allowance: number; reason: string } {
  if (ledger.limit === undefined) return { allowance: 0, reason: 'fleet node budget not sized yet' };
  if (ledger.limit === null) return { allowance: Infinity, reason: 'no fleet node budget' };
  const held = heldTotal(ledger);
  let allowance = ledger.limit - held;
  let reason = `fleet maxUnavailableNodes ${ledger.limit}, ${held} held`;
  if (ledger.window) {
    const since = now.getTime() - ledger.window.windowSeconds * 1000;
    const recent = ledger.grants.reduce((n, g) => (g.at > since ? n + g.count : n), 0);
    if (ledger.window.nodes - recent < allowance) {
      allowance = ledger.window.nodes - recent;
      reason = `fleet maxDisruptionsPerWindow ${ledger.window.nodes} per ${ledger.window.windowSeconds}s, ${recent} used`;
    }
  }
  const proportional = clusterId !== undefined ? ledger.shares?.[clusterId] : undefined;
  const share = proportional ?? (clusterId !== undefined ? ledger.perCluster : undefined);
  if (share !== undefined) {
    const mine = heldBy(ledger, clusterId!).length;
    if (share - mine < allowance) {
      allowance = share - mine;
      reason = `fair share ${share} ${proportional !== undefined ? 'by nodes left to replace' : 'per rolling cluster'}, ${mine} held by this one`;
    }
  }
  return { allowance: Math.max(0, allowance), reason };
}

/** The cluster's held nodes that a view including `viewCommit` shows no longer disrupted: they go back to the fleet. */
export function settledHolds(ledger: BudgetLedger, clusterId: string, disrupted: (nodeName: string) => boolean, viewCommit: number): string[] {
  return Object.entries(ledger.held[clusterId] ?? {})
    .filter(([n, grantedAt]) => grantedAt <= viewCommit && !disrupted(n))
    .map(([n]) => n);
}

/**
 * The budget's size for the fleet's current eligible nodes: a percentage rounds down, but never
 * below 1 (a rollout must be able to move); with `rolling` clusters at once, each may hold at most
 * its share (rounded up, so the shares together can use the whole budget).
 */
export function budgetLimit(
  budget: FleetDisruptionBudget | undefined,
  eligibleNodes: number,
  rolling = 0,
  left: Record<string, number> = {},
): Omit<FleetBudgetSized, 'type' | 'time'> {
  if (!budget) return { limit: null };
  const limit = percentOrCount(budget.maxUnavailableNodes, eligibleNodes);
  const total = Object.values(left).reduce((n, l) => n + l, 0);
  const shares = Object.fromEntries(Object.entries(left).flatMap(([id, l]) => (l > 0 ? [[id, Math.ceil((limit * l) / total)]] : [])));
  return {
    limit,
    ...(budget.maxDisruptionsPerWindow ? { window: budget.maxDisruptionsPerWindow } : {}),
    ...(rolling > 1 ? { perCluster: Math.ceil(limit / rolling) } : {}),
    ...(rolling > 1 && Object.keys(shares).length > 0 ? { shares } : {}),
  };
}

function percentOrCount(value: IntOrString, total: number): number {
  if (typeof value === 'number') return value;
  return Math.max(1, Math.floor((parseInt(value, 10) * total) / 100));
}

export const sameBudgetSize = (ledger: BudgetLedger, size: Omit<FleetBudgetSized, 'type' | 'time'>): boolean =>
  ledger.limit === size.limit &&
  ledger.window?.nodes === size.window?.nodes &&
  ledger.window?.windowSeconds === size.window?.windowSeconds &&
  ledger.perCluster === size.perCluster &&
  JSON.stringify(ledger.shares) === JSON.stringify(size.shares);
