// The whole loop in one stack (docs/DESIGN.md §1): bus → ingest → log → FIFO → reconcile → timer queue → timer.
// Env-agnostic: ARNs use the deploying account and region, so synth needs no account.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
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
import { EventLog } from './constructs/event-log';
import { FleetReconcile } from './constructs/fleet-reconcile';
import { ForwarderRole, onlyForwardersPut } from './constructs/forwarder-role';
import { IngestPath } from './constructs/ingest-path';
import { LoopFunction } from './constructs/loop-function';
import { OperatorRole } from './constructs/operator-role';
import { acknowledgeNagFindings } from './constructs/nag-acknowledgements';
import { Operations } from './constructs/operations';
import { ReconcileVpc, readVpcPlacement } from './constructs/reconcile-vpc';
import { ReconcileQueues } from './constructs/reconcile-queues';
import { TamperEvidence } from './constructs/tamper-evidence';
import { FUNCTION_MEMORY_MB, type LoopSettings } from './settings';

// One reconcile's worst case: ~500 pod calls at 20 QPS (25 s), a hung slow-start batch, the deletes
// and the status write each cut at the 10 s request deadline (30 s): ~55 s, with margin under 90 s.
const RECONCILE_TIMEOUT = Duration.seconds(90);
const TIMER_TIMEOUT = Duration.seconds(30);

export class DaemonloopStack extends Stack {
  readonly ingest: LoopFunction;
  readonly reconcile: LoopFunction;
  readonly timer: LoopFunction;
  readonly tamperEvidence: TamperEvidence;

  constructor(scope: Construct, id: string, props: StackProps & { settings: LoopSettings }) {
    super(scope, id, props);
    const { settings } = props;
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

    const vpcPlacement = readVpcPlacement(this.node);
    const placement = vpcPlacement ? new ReconcileVpc(this, 'ReconcileVpc', vpcPlacement) : undefined; // docs/deploy-to-aws.md: private clusters
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
      new ClusterAccessRole(this, `Cluster-${clusterId}`, { clusterId, reconcileRole: this.reconcile.role, ...(eksCluster ? { eksCluster: { name: eksCluster } } : {}) });
    }
    // Timer: record TimerFired in the DaemonSet's stream, wake it, or wait again.
    log.grantRead(this.timer.role);
    log.grantAppend(this.timer.role, KEYS.daemonSetStreams, KEYS.snapshots);
    log.grantPendingMarks(this.timer.role, ['dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    queues.timer.grantSendMessages(this.timer.role);
    queues.reconcile.grantSendMessages(this.timer.role);

    const forwarder = new ForwarderRole(this, 'Forwarder', { bus: ingestPath.bus });
    onlyForwardersPut(ingestPath.bus);
    const operator = new OperatorRole(this, 'Operator', { log });
    new FleetReconcile(this, 'FleetReconcile', { log, timerQueue: queues.timer, ingest: this.ingest, timer: this.timer, reconcile: this.reconcile, operator: operator.role, ...(placement ? { placement } : {}) });
    const alarms = new LoopAlarms(this, 'Alarms', {
      functions: { Ingest: this.ingest.fn, Reconcile: this.reconcile.fn, Timer: this.timer.fn },
      deadLetterQueues: {
        Ingest: ingestPath.deadLetters,
        Reconcile: queues.reconcileDeadLetters,
        Timer: queues.timerDeadLetters,
      },
      reconcileQueue: queues.reconcile,
      refusals: {
        [SOURCE_MISMATCH_METRIC]: 'ingest rejected an event whose source is not its cluster\'s forwarder (a forgery, or a misconfigured forwarder)',
        [DECISION_REFUSED_METRIC]: 'reconcile refused a decision: the cluster\'s API server does not have the DaemonSet the log holds',
      },
    });

    this.tamperEvidence = new TamperEvidence(this, 'TamperEvidence', { log, alarmTopic: alarms.topic });

    new Operations(this, 'Operations', {
      action: new SnsAction(alarms.topic),
      functions: { Ingest: this.ingest.fn, Reconcile: this.reconcile.fn, Timer: this.timer.fn },
      reconcile: { fn: this.reconcile.fn, timeout: RECONCILE_TIMEOUT },
      ingestQueue: ingestPath.queue,
      timerQueue: queues.timer,
      rule: ingestPath.rule,
      busName: settings.busName,
      table: log.table,
    });
    acknowledgeNagFindings(this);

    new CfnOutput(this, 'EventBusName', { value: ingestPath.bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: log.table.tableName });
    new CfnOutput(this, 'ReconcileRoleArn', { value: this.reconcile.role.roleArn });
    new CfnOutput(this, 'ForwarderRoleArn', { value: forwarder.role.roleArn });
    new CfnOutput(this, 'OperatorRoleArn', { value: operator.role.roleArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }
}
