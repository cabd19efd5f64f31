// What really happened when a decision was applied, as the log's outcome events. Adopt and
// release have no event of their own: a failed one leaves the pod as it was, and the next
// decision asks again.
import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import * as E from '../../domain/events';
import type { DaemonSetKey } from '../../domain/streams';
import type { ActionResult } from '../adapters/kubernetes/cluster-api';
import type { Outcome } from '../adapters/kubernetes/apply-decision';

export function podActionEvents(key: DaemonSetKey, decisionId: string, time: Date, outcomes: Outcome[]): E.PodActionCompleted[] {
  return outcomes.flatMap((o) =>
    o.action === 'create' || o.action === 'delete'
      ? [
          {
            type: E.POD_ACTION_COMPLETED,
            clusterId: key.clusterId,
            schemaVersion: E.EVENT_SCHEMA_VERSION,
            time: time.toISOString(),
            decisionId,
            action: o.action,
            namespace: key.namespace,
            podName: o.podName,
            ...(o.nodeName ? { nodeName: o.nodeName } : {}),
            outcome: o.outcome,
            ...(o.reason ? { reason: o.reason } : {}),
            ...(o.retryable !== undefined ? { retryable: o.retryable } : {}),
            ...(o.nameTaken ? { nameTaken: true } : {}),
          },
        ]
      : [],
  );
}

export function statusWrittenEvent(key: DaemonSetKey, decisionId: string, time: Date, status: V1DaemonSetStatus, result: ActionResult): E.StatusWritten {
  return {
    type: E.STATUS_WRITTEN,
    clusterId: key.clusterId,
    schemaVersion: E.EVENT_SCHEMA_VERSION,
    time: time.toISOString(),
    decisionId,
    status,
    outcome: result.outcome === 'failed' ? 'failed' : 'succeeded',
    ...(result.reason ? { reason: result.reason } : {}),
  };
}
