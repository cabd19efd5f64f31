// updateDaemonSetStatus (daemon_controller.go), our InvalidSpec condition, and kubectl's
// DaemonSetStatusViewer (rollout_status.go).
import type { V1DaemonSet, V1DaemonSetCondition, V1DaemonSetStatus, V1Pod } from '@kubernetes/client-node';
import { withDefaults } from './defaults';
import type { SyncScope } from './manage';
import { isPodAvailable, isPodReady } from './pod-readiness';
import { compareOldestFirst } from './pods-by-node';
import { isPodUpdated } from './rolling-update';
import { controlledRolloutStatus, rolloutOf } from './rollout-control/rollout-message';
import type { ValidationError } from './validation';

export type StatusCounts = Pick<
  V1DaemonSetStatus,
  | 'desiredNumberScheduled'
  | 'currentNumberScheduled'
  | 'numberMisscheduled'
  | 'numberReady'
  | 'numberAvailable'
  | 'numberUnavailable'
  | 'updatedNumberScheduled'
>;

/** Existing nodes only; on an eligible node only the oldest pod is examined. */
export function statusCounts(scope: SyncScope, byNode: ReadonlyMap<string, V1Pod[]>, generation: number | undefined): Required<StatusCounts> {
  let desired = 0,
    current = 0,
    misscheduled = 0,
    ready = 0,
    available = 0,
    updated = 0;
  for (const node of scope.nodes) {
    const name = node.metadata?.name ?? '';
    const pods = byNode.get(name);
    if (!scope.eligibility.get(name)!.shouldRun) {
      if (pods) misscheduled++; // includes pods kept on a NoSchedule-tainted node
      continue;
    }
    desired++;
    if (!pods) continue;
    current++;
    let oldest = pods[0]!;
    for (let i = 1; i < pods.length; i++) if (compareOldestFirst(pods[i]!, oldest) < 0) oldest = pods[i]!;
    if (isPodReady(oldest)) {
      ready++;
      if (isPodAvailable(oldest, scope.minReadySeconds, scope.now)) available++;
    }
    if (isPodUpdated(oldest, scope.hash, generation)) updated++;
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    numberAvailable: available,
    numberUnavailable: desired - available,
    updatedNumberScheduled: updated,
  };
}

/** Upstream defines no condition types; this one is ours, so a rejected spec is visible on the object. */
export const INVALID_SPEC_CONDITION = 'InvalidSpec';

/** Sets or clears our condition, keeping every other condition and an unchanged condition's transition time. */
export function withSpecCondition(
  conditions: V1DaemonSetCondition[] | undefined,
  errors: readonly ValidationError[],
  now: Date,
): V1DaemonSetCondition[] | undefined {
  const list = Array.isArray(conditions) ? conditions : [];
  const others = list.filter((c) => c?.type !== INVALID_SPEC_CONDITION);
  if (errors.length === 0) return conditions ? others : undefined;
  const previous = list.find((c) => c?.type === INVALID_SPEC_CONDITION && c.status === 'True');
  const message = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return [
    ...others,
    { type: INVALID_SPEC_CONDITION, status: 'True', reason: 'FieldValueInvalid', message, lastTransitionTime: previous?.lastTransitionTime ?? now },
  ];
}

/**
 * kubectl rollout status for a DaemonSet; under rollout control, with the wave, the soak countdown
 * (from `now`), and `failed` when only the user can move it on (a failure-budget stop, a deadline breach).
 */
export function rolloutStatus(daemonSet: V1DaemonSet, now?: Date): { done: boolean; message: string; failed?: boolean } {
  const ds = withDefaults(daemonSet);
  const name = JSON.stringify(ds.metadata?.name ?? '');
  if (ds.spec?.updateStrategy?.type !== 'RollingUpdate') {
    return { done: false, message: 'rollout status is only available for RollingUpdate strategy type' };
  }
  const status: Partial<V1DaemonSetStatus> = ds.status ?? {};
  if ((ds.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
  }
  const controlled = rolloutOf(ds.status);
  if (controlled) return controlledRolloutStatus(ds, controlled, now);
  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (updated < desired) {
    return { done: false, message: `Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...` };
  }
  if (available < desired) {
    return { done: false, message: `Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...` };
  }
  return { done: true, message: `daemon set ${name} successfully rolled out` };
}
