// Why progress is held back on a node: the audit trail of a decision (ReconcileResult.waits).
// Each reason starts with a fixed phrase a reader or a CLI can group by; the rest is detail.
import type { Wait } from './types';

export const WAIT_BACKOFF = 'failed-pod backoff';
export const WAIT_TERMINATING = 'terminating pod';
export const WAIT_BUDGET = 'budget exhausted';
export const WAIT_MIN_READY = 'waiting for minReadySeconds';
export const WAIT_NOT_READY = 'waiting for the updated pod to become ready';
export const WAIT_ON_DELETE = 'OnDelete';
export const WAIT_BURST = 'burst limit';
export const WAIT_INELIGIBLE = 'ineligible node drained later';
export const WAIT_FLEET_BUDGET = 'fleet node budget';

export const waitFor = {
  backoff: (nodeName: string, delaySeconds: number): Wait => ({
    nodeName,
    reason: `${WAIT_BACKOFF}: the failed pod is deleted once ${delaySeconds}s have passed since the last deletion`,
  }),
  terminating: (nodeName: string): Wait => ({ nodeName, reason: `${WAIT_TERMINATING}: a new pod is created once it is gone` }),
  budget: (nodeName: string, budget: 'maxUnavailable' | 'maxSurge', used: number, max: number): Wait => ({
    nodeName,
    reason: `${WAIT_BUDGET}: ${budget} ${max}, ${used} in use`,
  }),
  minReady: (nodeName: string, seconds: number): Wait => ({ nodeName, reason: `${WAIT_MIN_READY}: available in ${seconds}s` }),
  notReady: (nodeName: string): Wait => ({ nodeName, reason: WAIT_NOT_READY }),
  onDelete: (nodeName: string): Wait => ({ nodeName, reason: `${WAIT_ON_DELETE}: the old pod is replaced once someone deletes it` }),
  burst: (action: 'creates' | 'deletes', deferred: number): Wait => ({
    reason: `${WAIT_BURST}: ${deferred} ${action} deferred to the next pass (at most 250 per pass)`,
  }),
  fleetBudget: (nodeName: string, allowance: number): Wait => ({
    nodeName,
    reason: `${WAIT_FLEET_BUDGET}: ${allowance} more node(s) granted to this cluster now`,
  }),
  ineligible: (nodeName: string): Wait => ({
    nodeName,
    reason: `${WAIT_INELIGIBLE}: its pod stays until more pods are available than desired`,
  }),
};
