// The two queues of the reconcile loop, each with its dead-letter queue (docs/DESIGN.md §1):
// - reconcile: SQS FIFO, MessageGroupId = DaemonSet stream id, so one reconcile per DaemonSet at a time;
// - timer: standard SQS, because only a standard queue takes a per-message DelaySeconds.
import { Duration } from 'aws-cdk-lib';
import { DeduplicationScope, FifoThroughputLimit, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Deliveries before a message is parked: enough for a throttled cluster API, few enough to notice. */
export const MAX_RECEIVE_COUNT = 5;
export const DEAD_LETTER_RETENTION = Duration.days(14); // SQS's maximum: time to inspect and redrive

export interface ReconcileQueuesProps {
  /** The consuming functions' timeouts: a queue's visibility timeout must outlast its consumer's. */
  reconcileConsumerTimeout: Duration;
  timerConsumerTimeout: Duration;
}

// AWS advises six times the function timeout, so a throttled batch is retried before redelivery.
const visibilityFor = (consumerTimeout: Duration) => Duration.seconds(6 * consumerTimeout.toSeconds());

export class ReconcileQueues extends Construct {
  readonly reconcile: Queue;
  readonly reconcileDeadLetters: Queue;
  readonly timer: Queue;
  readonly timerDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: ReconcileQueuesProps) {
    super(scope, id);
    this.reconcileDeadLetters = new Queue(this, 'ReconcileDeadLetters', {
      fifo: true, // a FIFO queue's dead-letter queue must be FIFO too
      retentionPeriod: DEAD_LETTER_RETENTION,
      enforceSSL: true,
    });
    this.reconcile = new Queue(this, 'Reconcile', {
      fifo: true,
      contentBasedDeduplication: false, // senders set MessageDeduplicationId = <stream id>#<log high-water mark>
      // High-throughput FIFO: the throughput limit applies per DaemonSet, not per queue.
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: visibilityFor(props.reconcileConsumerTimeout),
      deadLetterQueue: { queue: this.reconcileDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      enforceSSL: true,
    });
    this.timerDeadLetters = new Queue(this, 'TimerDeadLetters', { retentionPeriod: DEAD_LETTER_RETENTION, enforceSSL: true });
    this.timer = new Queue(this, 'Timer', {
      visibilityTimeout: visibilityFor(props.timerConsumerTimeout),
      deadLetterQueue: { queue: this.timerDeadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      enforceSSL: true,
    });
  }
}
