// The fleet loop on AWS (issue 12): its own FIFO queue (MessageGroupId = the fleet's stream id, so
// one fleet reconcile runs per fleet at a time) and function, woken three ways —
//   1. a new commit in a `fleet/<name>` partition (an operator's apply, approve, pause, undo), read
//      from the log's DynamoDB stream, filtered to inserts under `fleet/`;
//   2. a member DaemonSet's observation (ingest asks for its fleet's reconcile: its status moved);
//   3. the fleet's wake-ups (soak end, progress deadline, retry) on the loop's timer queue, which
//      the timer function hands back to the fleet FIFO when due.
// Least privilege by key: the fleet role reads the log (fleet streams, members' DaemonSet streams,
// the registry) and appends only under `fleet/` (its stream and its budget ledger); it never
// writes the registry, the marks, a DaemonSet stream or a snapshot. It reaches a member cluster
// only as that cluster's own role, the path reconcile takes: each ClusterAccessRole admits it with
// the session tag naming that cluster. Reconcile gains one grant: appending to the ledgers
// (`fleet/<name>/budget`), where a member takes and returns the fleet's node budget.
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Effect, Grant, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { DeduplicationScope, FifoThroughputLimit, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_LOG_PARTITION_KEY } from '../../functions/adapters/event-store/keys';
import { fleetBudgetStreamId, fleetStreamId } from '../../functions/adapters/fleet-store/port';
import { FLEET_QUEUE_URL_ENV, TABLE_NAME_ENV, TIMER_QUEUE_URL_ENV } from '../../functions/config-names';
import { ClusterAccessRole, CLUSTER_ROLE_PATH, grantAssumeClusterRoles } from './cluster-access';
import type { EventLog } from './event-log';
import { LoopFunction } from './loop-function';
import { DEAD_LETTER_RETENTION, MAX_RECEIVE_COUNT } from './reconcile-queues';

/** A fleet pass reads every member's DaemonSet and writes the started ones: like a reconcile, bounded by the cluster calls. */
export const FLEET_TIMEOUT = Duration.seconds(90);
/** The partitions the fleet role may append to: `fleet/<name>` and `fleet/<name>/budget`. */
export const FLEET_KEYS = [fleetStreamId('*')];
/** The partitions reconcile may append to for a fleet member: the ledgers only. */
export const FLEET_LEDGER_KEYS = [fleetBudgetStreamId('*')];

export interface FleetReconcileProps {
  log: EventLog;
  /** The loop's timer queue: the fleet's wake-ups ride it. */
  timerQueue: Queue;
  /** Whose observations and wake-ups ask for a fleet reconcile. */
  ingest: LoopFunction;
  timer: LoopFunction;
  /** Takes and returns node budget in the ledgers. */
  reconcile: LoopFunction;
  /** The operator's CLI appends to fleet streams (`fleet apply|approve|rollout pause|resume|undo`). */
  operator?: IRole;
  /** Where reconcile runs for private clusters (docs/deploy-to-aws.md): the fleet writes to the same clusters. */
  placement?: { vpc: IVpc; vpcSubnets: SubnetSelection; securityGroup: ISecurityGroup };
}

export class FleetReconcile extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly fleet: LoopFunction;

  constructor(scope: Construct, id: string, props: FleetReconcileProps) {
    super(scope, id);
    const { log, placement } = props;
    this.deadLetters = new Queue(this, 'FleetDeadLetters', { fifo: true, retentionPeriod: DEAD_LETTER_RETENTION, enforceSSL: true });
    this.queue = new Queue(this, 'Fleet', {
      fifo: true,
      contentBasedDeduplication: false, // senders name the commit or wake-up that asked (adapters/sqs/fleet-queue.ts)
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(6 * FLEET_TIMEOUT.toSeconds()),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      enforceSSL: true,
    });

    this.fleet = new LoopFunction(this, 'Reconcile', {
      ...(placement ? { vpc: placement.vpc, vpcSubnets: placement.vpcSubnets, securityGroups: [placement.securityGroup] } : {}),
      handler: 'fleet',
      description: 'daemonloop fleet reconcile: fold a fleet, read its members, decide, append, write member DaemonSets',
      timeout: FLEET_TIMEOUT,
      memorySize: 1024,
      recursive: true, // fleet → timer queue → timer → fleet queue → fleet: every hop is a wait from the log
      environment: { [TABLE_NAME_ENV]: log.table.tableName, [FLEET_QUEUE_URL_ENV]: this.queue.queueUrl, [TIMER_QUEUE_URL_ENV]: props.timerQueue.queueUrl },
    });
    this.fleet.fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));
    // Not DynamoEventSource: its grant adds dynamodb:ListStreams on `*`; this table's stream suffices.
    this.fleet.fn.addEventSourceMapping('FleetCommits', {
      eventSourceArn: log.table.tableStreamArn!,
      startingPosition: StartingPosition.LATEST,
      batchSize: 100,
      retryAttempts: 10,
      bisectBatchOnError: true,
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: { [EVENT_LOG_PARTITION_KEY]: { S: FilterRule.beginsWith(fleetStreamId('')) } } },
        }),
      ],
    });
    Grant.addToPrincipal({
      grantee: this.fleet.role,
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      resourceArns: [`${log.table.tableArn}/stream/*`],
    });

    // The fleet role: read the log, append under fleet/ only, its queues, each member as its own role.
    log.grantRead(this.fleet.role);
    log.grantAppend(this.fleet.role, FLEET_KEYS);
    this.queue.grantSendMessages(this.fleet.role); // a stream commit asks for a pass; a failed record comes back soon
    props.timerQueue.grantSendMessages(this.fleet.role); // its wake-ups
    grantAssumeClusterRoles(this.fleet.role);
    for (const access of scope.node.findAll().filter((c): c is ClusterAccessRole => c instanceof ClusterAccessRole)) access.admit(this.fleet.role);

    // Who asks for a fleet reconcile: ingest (a member's DaemonSet moved), the timer (a fleet wake-up is due).
    for (const asker of [props.ingest, props.timer]) {
      asker.fn.addEnvironment(FLEET_QUEUE_URL_ENV, this.queue.queueUrl);
      this.queue.grantSendMessages(asker.role);
    }
    // Reconcile takes and returns a fleet member's node budget in its fleet's ledger, nowhere else under fleet/.
    log.grantAppend(props.reconcile.role, FLEET_LEDGER_KEYS);
    if (props.operator) {
      // Not log.grantAppend: its deny on the registry would take the operator's registry write away.
      Grant.addToPrincipal({
        grantee: props.operator,
        actions: ['dynamodb:PutItem'],
        resourceArns: [log.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': FLEET_KEYS } },
      });
      props.operator.addToPrincipalPolicy(
        new PolicyStatement({
          // never a ledger: node budget is taken and returned by the loop only
          effect: Effect.DENY,
          actions: ['dynamodb:PutItem'],
          resources: [log.table.tableArn],
          conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': FLEET_LEDGER_KEYS } },
        }),
      );
    }

    const policy = this.fleet.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role${CLUSTER_ROLE_PATH}*]`,
        reason:
          'Clusters are registered at run time, each with its own role under the /daemonloop-cluster/ path: the path wildcard is the narrowest ARN that names them, and each role trusts the fleet role only with the session tag naming its own cluster (constructs/cluster-access.ts).',
      });
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(log.table.node.defaultChild as CfnElement)}.Arn>/stream/*]`, // this finding only
        reason:
          "The event-log table's stream ARN ends in a label DynamoDB picks when the stream is enabled: stream/* under this one table is the narrowest ARN that names it.",
      });
    }
  }
}
