// Forwarder → bus → rule → ingest function. The rule invokes the function directly (asynchronously):
// ingest is idempotent and order-tolerant, so it needs no queue's ordering, and Lambda's own event
// queue absorbs a burst beyond its reserved concurrency. Two retry layers end in one dead-letter
// queue whose messages are the original bus events: the rule's (the invoke failed) and the
// function's (ingest failed after Lambda's retries).
import { Duration } from 'aws-cdk-lib';
import { EventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_RULE_PATTERN } from '../../functions/bus/patterns';
import { LoopFunction } from './loop-function';
import { DEAD_LETTER_RETENTION } from './reconcile-queues';

export interface IngestPathProps {
  busName: string;
  environment: Record<string, string>;
  /**
   * Reserved concurrency. Every observation of a cluster's nodes appends to one stream, so a relist
   * run a thousand wide would mostly lose optimistic-concurrency races; Lambda queues the excess.
   */
  concurrency: number;
}

export class IngestPath extends Construct {
  readonly bus: EventBus;
  readonly ingest: LoopFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: IngestPathProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName });
    this.deadLetters = new Queue(this, 'DeadLetters', { retentionPeriod: DEAD_LETTER_RETENTION, enforceSSL: true });
    this.ingest = new LoopFunction(this, 'Ingest', {
      handler: 'ingest',
      description: 'daemonloop ingest: validate a forwarded observation, append it, enqueue reconciles',
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: props.environment,
      reservedConcurrentExecutions: props.concurrency,
      retryAttempts: 2,
      deadLetterQueue: this.deadLetters,
    });
    new Rule(this, 'Rule', {
      eventBus: this.bus,
      description: 'Forwarded observations to the ingest function',
      eventPattern: { source: INGEST_RULE_PATTERN.source.flatMap((s) => Match.prefix(s.prefix)), detailType: [...INGEST_RULE_PATTERN['detail-type']] },
      targets: [
        new LambdaFunction(this.ingest.fn, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 20,
          maxEventAge: Duration.hours(1), // a later relist repairs anything lost; the dead-letter alarm says so sooner
        }),
      ],
    });
  }
}
