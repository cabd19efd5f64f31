// The fleet node budget: the ledger's fold, what a cluster may take now (limit and rate window),
// which held nodes go back, and the one hook in the rolling update that honours a grant.
import { describe, expect, it } from 'vitest';
import {
  budgetAllowance,
  budgetLimit,
  emptyLedger,
  evolveBudget,
  heldTotal,
  settledHolds,
  type BudgetEvent,
  type BudgetLedger,
} from '../../../domain/fleet/budget';
import { disruptedNodes } from '../../../domain/fleet/disruption';
import { WAIT_FLEET_BUDGET } from '../../../domain/waits';
import { aDaemonSet, aPod, hashOf, nodes, NOW, RU, run, withImage } from '../builders';
import { at } from './builders';

const fold = (events: BudgetEvent[]): BudgetLedger => events.reduce(evolveBudget, emptyLedger());
const sized = (limit: number | null, window?: { nodes: number; windowSeconds: number }): BudgetEvent => ({
  type: 'FleetBudgetSized',
  time: at(0).toISOString(),
  limit,
  ...(window ? { window } : {}),
});
const grant = (clusterId: string, nodeNames: string[], s = 0, decisionCommit = 1): BudgetEvent => ({
  type: 'FleetBudgetGranted',
  time: at(s).toISOString(),
  clusterId,
  nodes: nodeNames,
  decisionCommit,
});
const giveBack = (clusterId: string, nodeNames: string[], s = 0): BudgetEvent => ({
  type: 'FleetBudgetReturned',
  time: at(s).toISOString(),
  clusterId,
  nodes: nodeNames,
});

describe('the budget ledger', () => {
  it('grants nothing before the fleet has sized it', () => {
    expect(budgetAllowance(emptyLedger(), at(0))).toEqual({ allowance: 0, reason: 'fleet node budget not sized yet' });
  });
  it('is unlimited for a fleet without a node budget', () => {
    expect(budgetAllowance(fold([sized(null)]), at(0)).allowance).toBe(Infinity);
  });
  it('allows what the limit leaves after every cluster’s holds', () => {
    const ledger = fold([sized(5), grant('a', ['n1', 'n2']), grant('b', ['n1']), grant('a', ['n2'])]); // a's n2 twice: held once
    expect(heldTotal(ledger)).toBe(3);
    expect(budgetAllowance(ledger, at(0))).toEqual({ allowance: 2, reason: 'fleet maxUnavailableNodes 5, 3 held' });
    const back = evolveBudget(ledger, giveBack('a', ['n1', 'n2']));
    expect(back.held).toEqual({ b: { n1: 1 } });
    expect(budgetAllowance(back, at(0)).allowance).toBe(4);
  });
  it('never reports a negative allowance when the limit shrinks below the holds', () => {
    expect(budgetAllowance(fold([sized(5), grant('a', ['n1', 'n2', 'n3']), sized(2)]), at(0)).allowance).toBe(0);
  });
  it('caps new disruptions per window, counting grants inside the window only', () => {
    const ledger = fold([
      sized(100, { nodes: 5, windowSeconds: 600 }),
      grant('a', ['n1', 'n2', 'n3'], 0),
      giveBack('a', ['n1', 'n2', 'n3'], 10),
      grant('b', ['n1'], 300),
    ]);
    expect(budgetAllowance(ledger, at(301))).toEqual({ allowance: 1, reason: 'fleet maxDisruptionsPerWindow 5 per 600s, 4 used' });
    expect(budgetAllowance(ledger, at(601)).allowance).toBe(4); // the first grant left the window
  });
  it('caps each cluster at its fair share while several roll at once', () => {
    const ledger = fold([{ type: 'FleetBudgetSized', time: at(0).toISOString(), limit: 100, perCluster: 34 }, grant('a', ['n1', 'n2'])]);
    expect(budgetAllowance(ledger, at(0), 'a')).toEqual({ allowance: 32, reason: 'fair share 34 per rolling cluster, 2 held by this one' });
    expect(budgetAllowance(ledger, at(0), 'b').allowance).toBe(34);
    expect(budgetAllowance(ledger, at(0)).allowance).toBe(98);
    expect(budgetLimit({ maxUnavailableNodes: 100 }, 5000, 3)).toEqual({ limit: 100, perCluster: 34 });
  });
  it('shares the budget by the nodes each rolling cluster has left, so one that fell behind catches up', () => {
    const size = budgetLimit({ maxUnavailableNodes: 100 }, 1500, 3, { a: 466, b: 466, c: 468 });
    expect(size).toEqual({ limit: 100, perCluster: 34, shares: { a: 34, b: 34, c: 34 } });
    expect(budgetLimit({ maxUnavailableNodes: 100 }, 1500, 3, { a: 40, b: 20, c: 0 })).toEqual({ limit: 100, perCluster: 34, shares: { a: 67, b: 34 } }); // c has none left: held to perCluster
    const ledger = fold([
      { type: 'FleetBudgetSized', time: at(0).toISOString(), limit: 100, perCluster: 34, shares: { a: 67, b: 34 } },
      grant('a', ['n1', 'n2']),
    ]);
    expect(budgetAllowance(ledger, at(0), 'a')).toEqual({ allowance: 65, reason: 'fair share 67 by nodes left to replace, 2 held by this one' });
    expect(budgetAllowance(ledger, at(0), 'c').allowance).toBe(34);
    // the fleet-wide limit still binds whatever the shares add up to
    const full = fold([
      { type: 'FleetBudgetSized', time: at(0).toISOString(), limit: 100, shares: { a: 67, b: 34 } },
      grant(
        'a',
        Array.from({ length: 67 }, (_, i) => `a${i}`),
      ),
    ]);
    expect(budgetAllowance(full, at(0), 'b').allowance).toBe(33);
  });
  it('returns the held nodes that are no longer disrupted', () => {
    const ledger = fold([sized(5), grant('a', ['n1', 'n2', 'n3'], 0, 7)]);
    expect(settledHolds(ledger, 'a', (n) => n === 'n2', 7)).toEqual(['n1', 'n3']);
    expect(settledHolds(ledger, 'b', () => false, 7)).toEqual([]);
  });
  it('keeps a hold while the view predates the decision it was granted for', () => {
    const ledger = fold([sized(5), grant('a', ['n1'], 0, 7)]);
    expect(settledHolds(ledger, 'a', () => false, 6)).toEqual([]); // that decision's delete is not in this view yet
  });
  it('sizes a percentage of eligible nodes rounding down, never below one', () => {
    expect(budgetLimit({ maxUnavailableNodes: '10%' }, 1234)).toEqual({ limit: 123 });
    expect(budgetLimit({ maxUnavailableNodes: '10%' }, 3)).toEqual({ limit: 1 });
    expect(budgetLimit({ maxUnavailableNodes: 7, maxDisruptionsPerWindow: { nodes: 50, windowSeconds: 600 } }, 3)).toEqual({
      limit: 7,
      window: { nodes: 50, windowSeconds: 600 },
    });
    expect(budgetLimit(undefined, 3)).toEqual({ limit: null });
  });
});

describe('disruptedNodes', () => {
  const ds = aDaemonSet({ strategy: RU(2) });
  const input = (pods: ReturnType<typeof aPod>[]) => ({ daemonSet: ds, nodes: nodes(1, 3), pods, now: NOW });
  it('holds a node while its pod is missing, terminating or unready, and releases it once a pod is available', () => {
    const disrupted = disruptedNodes(
      input([aPod('p1', 'node-1', ds, { ready: true }), aPod('p2', 'node-2', ds, { ready: false }), aPod('p3', 'node-3', ds, { ready: true, deleting: NOW })]),
    );
    expect(['node-1', 'node-2', 'node-3', 'gone'].map(disrupted)).toEqual([false, true, true, false]);
  });
});

describe('rolling update under a fleet grant', () => {
  const old = aDaemonSet({ strategy: RU(3) });
  const ds = withImage(old, 'foo/bar:v2');
  const pods = [1, 2, 3, 4, 5].map((i) => aPod(`old-${i}`, `node-${i}`, old, { ready: true }));
  it('deletes no more old pods than the grant allows, and says the fleet budget holds the rest', () => {
    const r = run(ds, nodes(1, 5), pods, { disruptionAllowance: 1 });
    expect(r.delete.map((d) => d.podName)).toEqual(['old-1']);
    expect(r.waits.filter((w) => w.reason.startsWith(WAIT_FLEET_BUDGET)).map((w) => w.nodeName)).toEqual(['node-2', 'node-3']);
    expect(hashOf(ds)).not.toBe(hashOf(old));
  });
  it('deletes nothing with a zero grant, and as upstream without one', () => {
    expect(run(ds, nodes(1, 5), pods, { disruptionAllowance: 0 }).delete).toEqual([]);
    expect(run(ds, nodes(1, 5), pods).delete).toHaveLength(3);
  });
  it('still replaces an old pod that is down anyway', () => {
    const down = [aPod('old-1', 'node-1', old, { ready: false }), ...pods.slice(1)];
    expect(run(ds, nodes(1, 5), down, { disruptionAllowance: 0 }).delete.map((d) => d.podName)).toEqual(['old-1']);
  });
});
