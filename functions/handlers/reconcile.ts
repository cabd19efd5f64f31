// Lambda entry point: a batch from the reconcile FIFO queue. Messages of one group (one
// DaemonSet) come in order; every request for a DaemonSet in the batch is served by one
// reconcile, since each was enqueued after its events were appended. Clearing the pending mark
// before the rebuild lets events appended from then on ask for the next one. A failure fails
// only its own group (skipGroupOnError), which SQS then redelivers in order.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { daemonSetStreamId } from '../../domain/streams';
import { causeOfReconcileRequest, parseReconcileRequest } from '../adapters/sqs/messages';
import { retryFailedSoon } from '../adapters/sqs/redelivery';
import type { ReconcileHandlerDeps, RedeliveryDeps } from '../loop/deps';
import { reconcileOne, type ReconcileOutcome } from '../loop/reconcile-one';
import { reconcileAwsDeps } from './reconcile-aws-deps';

type Deps = ReconcileHandlerDeps & RedeliveryDeps;

export function makeHandler(deps: Deps | (() => Deps)) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const d = typeof deps === 'function' ? deps() : deps;
    const runs = new Map<string, Promise<ReconcileOutcome>>();
    const onRecord = async (record: SQSRecord) => {
      const key = parseReconcileRequest(record.body);
      const id = daemonSetStreamId(key);
      if (!runs.has(id))
        runs.set(
          id,
          d.pending
            .started(key)
            .then(() => reconcileOne(key, d))
            .catch((error: unknown) => failed(id, error, d)),
        );
      const outcome = await runs.get(id)!;
      const cause = causeOfReconcileRequest(record.body);
      if (cause) {
        // The SLI: from the forwarder's observation to the decision that saw it (recorded or unchanged).
        d.telemetry.timing('ObservationToDecisionLag', d.clock.now().getTime() - cause.observedAt.getTime(), key.clusterId);
        d.telemetry.info('reconciled', { correlationId: cause.observation, daemonSet: id, outcome });
      }
      return outcome;
    };
    try {
      // A processor per invocation: the local runtime runs several groups' batches at once.
      const response = await processPartialResponse(event, onRecord, new SqsFifoPartialProcessorAsync(), {
        context,
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      });
      await retryFailedSoon(response, event.Records, d.redelivery?.reconcile, d.telemetry); // the group's skipped records too
      return response;
    } finally {
      d.telemetry.flush();
    }
  };
}

/** Logged and counted here; rethrown so the batch reports the record failed and SQS redelivers it. */
function failed(daemonSet: string, error: unknown, deps: ReconcileHandlerDeps): never {
  deps.telemetry.error('reconcile failed', { daemonSet, error: error instanceof Error ? error.message : String(error) });
  deps.telemetry.count('ReconcileFailed');
  throw error;
}

export const handler = makeHandler(reconcileAwsDeps);
