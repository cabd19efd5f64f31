// The whole loop as one construct (docs/DESIGN.md §1): bus → ingest queue → ingest → log → FIFO →
// reconcile → timer queue → timer, with its roles, alarms, dashboard and tamper evidence. Put it in
// any stack of your own CDK app (docs/deploy-to-aws.md); infra/daemonloop-stack.ts is the thin
// wrapper `npx cdk deploy` uses. Env-agnostic: ARNs use the deploying account and region.
//
// Construct ids are the logical ids' source: the wrapper adds this construct with the id `Default`,
// which CDK leaves out of logical ids, so the table, bucket and keys keep the ids they had when
// this body was the stack's (test/infra/control-plane.test.ts pins them). Renaming a child
// replaces its resources: a new, empty event log.
import { CfnOutput, Duration, Tags } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct, type IConstruct } from 'constructs';
import {
  CLUSTER_BURST_ENV,
  CLUSTER_QPS_ENV,
  RECONCILE_QUEUE_URL_ENV,
  SNAPSHOT_EVERY_ENV,
  TABLE_NAME_ENV,
  TIMER_QUEUE_URL_ENV,
} from '../functions/config-names';
import { TABLE_KEY_PATTERNS as KEYS } from '../functions/adapters/event-store/keys';
import { DECISION_REFUSED_METRIC } from '../functions/loop/confirm-spec';
import { SOURCE_MISMATCH_METRIC } from '../functions/loop/source-binding';
import { LoopAlarms } from './constructs/alarms';
import { ClusterAccessRole, grantAssumeClusterRoles } from './constructs/cluster-access';
import { ClusterAlarms } from './constructs/cluster-alarms';
import { EventLog } from './constructs/event-log';
import { FleetReconcile } from './constructs/fleet-reconcile';
import { ForwarderRole, onlyForwardersPut } from './constructs/forwarder-role';
import { IngestPath } from './constructs/ingest-path';
import { LoopFunction } from './constructs/loop-function';
import { OperatorRole } from './constructs/operator-role';
import { acknowledgeNagFindings } from './constructs/nag-acknowledgements';
import { Operations } from './constructs/operations';
import { ReconcileVpc, type VpcPlacementSettings } from './constructs/reconcile-vpc';
import { ReconcileQueues } from './constructs/reconcile-queues';
import { TamperEvidence } from './constructs/tamper-evidence';
import { checkSettings, FUNCTION_MEMORY_MB, type LoopSettings } from './settings';

// One reconcile's worst case: ~500 pod calls at 20 QPS (25 s), a hung slow-start batch, the deletes
// and the status write each cut at the 10 s request deadline (30 s): ~55 s, with margin under 90 s.
export const RECONCILE_TIMEOUT = Duration.seconds(90);
const TIMER_TIMEOUT = Duration.seconds(30);

/** Every resource carries `app: daemonloop` and the `component` it belongs to (cost allocation, IAM conditions, the console's tag filter). */
export const APP_TAG = { key: 'app', value: 'daemonloop' } as const;
export const COMPONENT_TAG = 'component';

export interface DaemonloopControlPlaneProps {
  /** Names (bus, table), concurrency, cluster API rate, and the clusters that get an access role; defaults from infra/settings.ts. Checked like `-c` context. */
  settings?: Partial<LoopSettings>;
  /** Run reconcile in these subnets (private cluster endpoints); default: outside any VPC. */
  reconcileVpc?: VpcPlacementSettings;
}

export class DaemonloopControlPlane extends Construct {
  readonly settings: LoopSettings;
  readonly log: EventLog;
  readonly queues: ReconcileQueues;
  readonly ingestPath: IngestPath;
  readonly ingest: LoopFunction;
  readonly reconcile: LoopFunction;
  readonly timer: LoopFunction;
  readonly forwarder: ForwarderRole;
  readonly operator: OperatorRole;
  readonly alarms: LoopAlarms;
  readonly operations: Operations;
  readonly clusterAlarms: ClusterAlarms;
  readonly tamperEvidence: TamperEvidence;

  constructor(scope: Construct, id: string, props: DaemonloopControlPlaneProps = {}) {
    super(scope, id);
    const settings = checkSettings(props.settings);
    this.settings = settings;
    const log = new EventLog(this, 'EventLog', { tableName: settings.tableName });
    const queues = new ReconcileQueues(this, 'Queues', {
      reconcileConsumerTimeout: RECONCILE_TIMEOUT,
      timerConsumerTimeout: TIMER_TIMEOUT,
    });
    // handlers/aws-deps.ts builds every handler's dependencies from these three, so each function gets them all.
    const loop = {
      [TABLE_NAME_ENV]: log.table.tableName,
      [RECONCILE_QUEUE_URL_ENV]: queues.reconcile.queueUrl,
      [TIMER_QUEUE_URL_ENV]: queues.timer.queueUrl,
    };

    const ingestPath = new IngestPath(this, 'IngestPath', {
      busName: settings.busName,
      environment: loop,
      concurrency: settings.ingestConcurrency,
      batchSize: settings.ingestBatchSize,
    });
    this.ingest = ingestPath.ingest;

    const placement = props.reconcileVpc ? new ReconcileVpc(this, 'ReconcileVpc', props.reconcileVpc) : undefined; // docs/deploy-to-aws.md: private clusters
    this.reconcile = new LoopFunction(this, 'Reconcile', {
      ...(placement ? { vpc: placement.vpc, vpcSubnets: placement.vpcSubnets, securityGroups: [placement.securityGroup] } : {}),
      handler: 'reconcile',
      description: 'daemonloop reconcile: rebuild a DaemonSet, decide, append, apply to its cluster',
      timeout: RECONCILE_TIMEOUT,
      memorySize: FUNCTION_MEMORY_MB.reconcile,
      recursive: true,
      environment: {
        ...loop,
        [CLUSTER_QPS_ENV]: String(settings.clusterQps),
        [CLUSTER_BURST_ENV]: String(settings.clusterBurst),
        [SNAPSHOT_EVERY_ENV]: String(settings.snapshotEvery),
      },
    });
    this.reconcile.fn.addEventSource(
      new SqsEventSource(queues.reconcile, {
        batchSize: settings.reconcileBatchSize,
        maxConcurrency: settings.reconcileConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.timer = new LoopFunction(this, 'Timer', {
      handler: 'timer',
      description: 'daemonloop timer: wake a DaemonSet when its delay is due, else wait up to 900 s more',
      timeout: TIMER_TIMEOUT,
      memorySize: FUNCTION_MEMORY_MB.timer,
      recursive: true,
      environment: loop,
    });
    this.timer.fn.addEventSource(new SqsEventSource(queues.timer, { batchSize: 10, reportBatchItemFailures: true }));

    // Least privilege, one line per access path; test/infra checks the synthesized statements.
    // Each role appends only to the streams it owns (dynamodb:LeadingKeys); none writes the registry.
    // Ingest: append observations, find a cluster's DaemonSets, ask for their reconciles.
    log.grantRead(this.ingest.role);
    log.grantAppend(this.ingest.role, KEYS.observationStreams, KEYS.snapshots);
    log.grantListStreams(this.ingest.role);
    log.grantPendingMarks(this.ingest.role, ['dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    queues.reconcile.grantSendMessages(this.ingest.role);
    // Reconcile: rebuild (snapshots included), append decisions and outcomes, set timers, reach clusters.
    log.grantRead(this.reconcile.role);
    log.grantAppend(this.reconcile.role, [...KEYS.daemonSetStreams, ...KEYS.snapshots, ...KEYS.rateLimits]); // and its cluster's shared API token bucket (ratelimit/…)
    log.grantSnapshotPruning(this.reconcile.role);
    log.grantPendingMarks(this.reconcile.role, ['dynamodb:DeleteItem']);
    queues.timer.grantSendMessages(this.reconcile.role);
    grantAssumeClusterRoles(this.reconcile.role); // each cluster only as its own role (constructs/cluster-access.ts)
    for (const { clusterId, eksCluster } of settings.clusters) {
      new ClusterAccessRole(this, `Cluster-${clusterId}`, {
        clusterId,
        reconcileRole: this.reconcile.role,
        ...(eksCluster ? { eksCluster: { name: eksCluster } } : {}),
      });
    }
    // Timer: record TimerFired in the DaemonSet's stream, wake it, or wait again.
    log.grantRead(this.timer.role);
    log.grantAppend(this.timer.role, KEYS.daemonSetStreams, KEYS.snapshots);
    log.grantPendingMarks(this.timer.role, ['dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    queues.timer.grantSendMessages(this.timer.role);
    queues.reconcile.grantSendMessages(this.timer.role);

    this.log = log;
    this.queues = queues;
    this.ingestPath = ingestPath;
    const forwarder = new ForwarderRole(this, 'Forwarder', { bus: ingestPath.bus });
    onlyForwardersPut(ingestPath.bus);
    const operator = new OperatorRole(this, 'Operator', { log });
    const fleet = new FleetReconcile(this, 'FleetReconcile', {
      log,
      timerQueue: queues.timer,
      ingest: this.ingest,
      timer: this.timer,
      reconcile: this.reconcile,
      operator: operator.role,
      ...(placement ? { placement } : {}),
    });
    this.forwarder = forwarder;
    this.operator = operator;
    const alarms = new LoopAlarms(this, 'Alarms', {
      functions: { Ingest: this.ingest.fn, Reconcile: this.reconcile.fn, Timer: this.timer.fn, Fleet: fleet.fleet.fn },
      deadLetterQueues: {
        Ingest: ingestPath.deadLetters,
        Reconcile: queues.reconcileDeadLetters,
        Timer: queues.timerDeadLetters,
        Fleet: fleet.deadLetters,
      },
      reconcileQueue: queues.reconcile,
      refusals: {
        [SOURCE_MISMATCH_METRIC]: "ingest rejected an event whose source is not its cluster's forwarder (a forgery, or a misconfigured forwarder)",
        [DECISION_REFUSED_METRIC]: "reconcile refused a decision: the cluster's API server does not have the DaemonSet the log holds",
      },
    });

    this.tamperEvidence = new TamperEvidence(this, 'TamperEvidence', { log, alarmTopic: alarms.topic });

    this.alarms = alarms;
    this.operations = new Operations(this, 'Operations', {
      action: new SnsAction(alarms.topic),
      functions: { Ingest: this.ingest.fn, Reconcile: this.reconcile.fn, Timer: this.timer.fn },
      reconcile: { fn: this.reconcile.fn, timeout: RECONCILE_TIMEOUT },
      ingestQueue: ingestPath.queue,
      timerQueue: queues.timer,
      rule: ingestPath.rule,
      busName: settings.busName,
      table: log.table,
    });
    this.clusterAlarms = new ClusterAlarms(this, 'ClusterAlarms', { action: new SnsAction(alarms.topic), clusters: settings.clusters });
    acknowledgeNagFindings(this);

    // What deploying a cluster needs (docs/deploy-to-aws.md reads them with `aws cloudformation describe-stacks`).
    new CfnOutput(this, 'EventBusName', { value: ingestPath.bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: ingestPath.bus.eventBusArn });
    new CfnOutput(this, 'TableName', { value: log.table.tableName });
    new CfnOutput(this, 'ReconcileRoleArn', { value: this.reconcile.role.roleArn });
    new CfnOutput(this, 'ForwarderRoleArn', { value: forwarder.role.roleArn });
    new CfnOutput(this, 'OperatorRoleArn', { value: operator.role.roleArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'IngestQueueUrl', { value: ingestPath.queue.queueUrl });
    new CfnOutput(this, 'ReconcileQueueUrl', { value: queues.reconcile.queueUrl });
    new CfnOutput(this, 'TimerQueueUrl', { value: queues.timer.queueUrl });
    new CfnOutput(this, 'IngestDeadLetterQueueUrl', { value: ingestPath.deadLetters.queueUrl });
    new CfnOutput(this, 'ReconcileDeadLetterQueueUrl', { value: queues.reconcileDeadLetters.queueUrl });
    new CfnOutput(this, 'TimerDeadLetterQueueUrl', { value: queues.timerDeadLetters.queueUrl });

    Tags.of(this).add(APP_TAG.key, APP_TAG.value);
    const component = (name: string, ...constructs: (IConstruct | undefined)[]) => {
      for (const c of constructs) if (c) Tags.of(c).add(COMPONENT_TAG, name);
    };
    component('event-log', log);
    component('ingest', ingestPath);
    component('reconcile', this.reconcile, queues, placement, ...settings.clusters.map((c) => this.node.tryFindChild(`Cluster-${c.clusterId}`)));
    component('timer', this.timer);
    component('fleet', fleet);
    component('forwarder', forwarder);
    component('operator', operator);
    component('operations', alarms, this.operations, this.clusterAlarms);
    component('tamper-evidence', this.tamperEvidence);
  }
}
