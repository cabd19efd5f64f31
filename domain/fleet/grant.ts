// One per-cluster reconcile's dealings with the fleet node budget, as pure steps around the
// DaemonSet's decision: (1) which held nodes go back and how many more it may take, (2) which
// nodes its decision newly makes unavailable — those it takes — and (3) the ledger commit that
// records both. Taken nodes are found by comparing availability before and after the decision,
// so whatever step makes a node unavailable, it is counted.
import type { V1Pod } from '@kubernetes/client-node';
import type { ReconcileInput, ReconcileResult } from '../types';
import { budgetAllowance, evolveBudget, settledHolds, type BudgetEvent, type BudgetLedger } from './budget';
import { disruptedNodes } from './disruption';

export interface GrantPlan {
  returned: string[];
  allowance: number; // Infinity: the fleet has no node budget
  reason: string;
}

export function planGrant(ledger: BudgetLedger, clusterId: string, input: ReconcileInput, viewCommit: number, now: Date): GrantPlan {
  const returned = settledHolds(ledger, clusterId, disruptedNodes(input), viewCommit);
  const after = returned.length > 0 ? evolveBudget(ledger, { type: 'FleetBudgetReturned', time: now.toISOString(), clusterId, nodes: returned }) : ledger;
  return { returned, ...budgetAllowance(after, now, clusterId) };
}

/** Nodes with an available daemon pod before the decision and none after it. */
export function takenNodes(input: ReconcileInput, result: ReconcileResult): string[] {
  if (result.delete.length === 0) return [];
  const before = disruptedNodes(input);
  const deleted = new Set(result.delete.map((d) => d.podName));
  const pods: V1Pod[] = input.pods.filter((p) => !deleted.has(p.metadata?.name ?? ''));
  for (const c of result.create) pods.push(c.pod); // not yet Ready: unavailable
  const after = disruptedNodes({ ...input, pods });
  const nodes = new Set(result.delete.flatMap((d) => (d.nodeName !== undefined && !before(d.nodeName) && after(d.nodeName) ? [d.nodeName] : [])));
  return [...nodes].sort();
}

export function grantEvents(clusterId: string, plan: GrantPlan, taken: string[], decisionCommit: number, now: Date): BudgetEvent[] {
  const time = now.toISOString();
  if (taken.length > plan.allowance)
    throw new Error(`fleet budget: the decision takes ${taken.length} node(s) but only ${plan.allowance} were allowed (${plan.reason})`);
  return [
    ...(plan.returned.length > 0 ? [{ type: 'FleetBudgetReturned' as const, time, clusterId, nodes: plan.returned }] : []),
    ...(taken.length > 0 ? [{ type: 'FleetBudgetGranted' as const, time, clusterId, nodes: taken, decisionCommit }] : []),
  ];
}
