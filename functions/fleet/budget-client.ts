// How a per-cluster reconcile takes and returns fleet node budget: read the ledger (cached, read
// on from the last commit seen), plan the grant on the same input the decision reads, then — after
// the decision — append the returns and the nodes it takes at the ledger's expected commit. A
// lost race is a StreamVersionConflict, which reconcileOne already answers by deciding again.
import { emptyLedger, evolveBudget, type BudgetEvent, type BudgetLedger } from '../../domain/fleet/budget';
import { grantEvents, planGrant, takenNodes, type GrantPlan } from '../../domain/fleet/grant';
import { FLEET_NAME_ANNOTATION } from '../../domain/fleet/types';
import type { InputMarks } from '../../domain/events';
import type { DaemonSetKey } from '../../domain/streams';
import type { ReconcileInput, ReconcileResult } from '../../domain/types';
import { fleetBudgetStreamId, type FleetStore } from '../adapters/fleet-store/port';

export interface FleetGrant {
  /** The input to decide on: with the grant as `disruptionAllowance` when the fleet has a budget. */
  input: ReconcileInput;
  marks(marks: InputMarks): InputMarks;
  /** Whether the decision gives nothing back and takes nothing: then its commit would append nothing to the ledger. */
  touchesNothing(result: ReconcileResult): boolean;
  /** Records the returns and the nodes the decision takes (commit = the decision's DaemonSet-stream commit). */
  commit(result: ReconcileResult, decisionCommit: number): Promise<void>;
}

export class FleetBudget {
  private readonly ledgers = new Map<string, { commit: number; ledger: BudgetLedger }>();

  constructor(private readonly store: FleetStore) {}

  /** Undefined when the DaemonSet belongs to no fleet. */
  async grant(key: DaemonSetKey, input: ReconcileInput, viewCommit: number): Promise<FleetGrant | undefined> {
    const fleet = input.daemonSet.metadata?.annotations?.[FLEET_NAME_ANNOTATION];
    if (!fleet) return undefined;
    const streamId = fleetBudgetStreamId(fleet);
    const { commit, ledger } = await this.read(streamId);
    const plan: GrantPlan = planGrant(ledger, key.clusterId, input, viewCommit, input.now);
    const limited = Number.isFinite(plan.allowance);
    const decided = limited ? { ...input, disruptionAllowance: plan.allowance } : input;
    return {
      input: decided,
      marks: (marks) => (limited ? { ...marks, disruptionAllowance: plan.allowance } : marks),
      touchesNothing: (result) => plan.returned.length === 0 && takenNodes(decided, result).length === 0,
      commit: async (result, decisionCommit) => {
        const events = grantEvents(key.clusterId, plan, takenNodes(decided, result), decisionCommit, input.now);
        if (events.length > 0) await this.store.append(streamId, commit, events);
      },
    };
  }

  private async read(streamId: string): Promise<{ commit: number; ledger: BudgetLedger }> {
    const known = this.ledgers.get(streamId) ?? { commit: 0, ledger: emptyLedger() };
    let { commit, ledger } = known;
    for (const c of await this.store.read<BudgetEvent>(streamId, commit + 1)) {
      ledger = c.events.reduce(evolveBudget, ledger);
      commit = c.commit;
    }
    const current = { commit, ledger };
    this.ledgers.set(streamId, current);
    return current;
  }
}
