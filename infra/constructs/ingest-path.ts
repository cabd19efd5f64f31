// Forwarder → bus → rule → ingest queue → ingest function, in batches. One commit per stream per
// batch (functions/loop/ingest-batch.ts) turns a 5,000-node relist into a few appends instead of
// 5,000 racing ones, so it no longer holds another cluster's events behind it.
//
// Why a standard queue, not FIFO or a fair queue: a bus rule's SQS target takes one fixed
// MessageGroupId (SqsParameters.MessageGroupId is a string, not a path), so neither FIFO groups
// per cluster+stream nor SQS fair-queue tenants can be keyed from the event without a hop of our
// own. Fairness comes from the batch instead: whatever the mix, a batch costs one commit per
// stream it touches, so another cluster's event waits at most ⌈backlog / (batch × pollers)⌉
// batches (test/handlers/ingest-batch.test.ts), and the queue-age alarm bounds the wait.
import { Duration } from 'aws-cdk-lib';
import { EventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_RULE_PATTERN } from '../../functions/bus/patterns';
import { INGEST_QUEUE_URL_ENV } from '../../functions/config-names';
import { LoopFunction } from './loop-function';
import { DEAD_LETTER_RETENTION, MAX_RECEIVE_COUNT } from './reconcile-queues';
import { FUNCTION_MEMORY_MB } from '../settings';

export const INGEST_TIMEOUT = Duration.seconds(30);
/** How long the event source gathers a batch: the latency a quiet cluster's event pays for batching. */
export const INGEST_BATCHING_WINDOW = Duration.seconds(1);

export interface IngestPathProps {
  busName: string;
  environment: Record<string, string>;
  /** Events per invocation (≤ 10,000; each envelope ≈ 2 KB, so 500 stays far under Lambda's 6 MB payload). */
  batchSize: number;
  /** Concurrent ingest batches (the event source's maximum concurrency, 2–1000). */
  concurrency: number;
}

export class IngestPath extends Construct {
  readonly bus: EventBus;
  readonly queue: Queue;
  readonly ingest: LoopFunction;
  readonly deadLetters: Queue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: IngestPathProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName });
    this.deadLetters = new Queue(this, 'DeadLetters', { retentionPeriod: DEAD_LETTER_RETENTION, enforceSSL: true });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(6 * INGEST_TIMEOUT.toSeconds()), // AWS's advice: six times the consumer's timeout
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      enforceSSL: true,
    });
    this.ingest = new LoopFunction(this, 'Ingest', {
      handler: 'ingest',
      description: 'daemonloop ingest: validate forwarded observations, append one commit per stream, enqueue reconciles',
      timeout: INGEST_TIMEOUT,
      memorySize: FUNCTION_MEMORY_MB.ingest,
      environment: { ...props.environment, [INGEST_QUEUE_URL_ENV]: this.queue.queueUrl }, // to shorten a failed record's visibility
    });
    this.ingest.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: INGEST_BATCHING_WINDOW,
        maxConcurrency: props.concurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.rule = new Rule(this, 'Rule', {
      eventBus: this.bus,
      description: 'Forwarded observations to the ingest queue',
      eventPattern: { source: INGEST_RULE_PATTERN.source.flatMap((s) => Match.prefix(s.prefix)), detailType: [...INGEST_RULE_PATTERN['detail-type']] },
      targets: [
        new SqsQueue(this.queue, {
          deadLetterQueue: this.deadLetters, // the rule could not deliver (the queue's policy, a KMS key, …)
          retryAttempts: 20,
          maxEventAge: Duration.hours(1), // a later relist repairs anything lost; the dead-letter alarm says so sooner
        }),
      ],
    });
  }
}
