// What the on-call engineer is paged for beyond alarms.ts (parked messages, handler errors, the
// reconcile backlog), after AWS's recommended alarms for Lambda, SQS, EventBridge and DynamoDB, and
// one dashboard with all of it and the SLI per cluster:
// - rejected events (invalid or from an unregistered cluster): a forwarder or a registry is wrong;
// - ingest event age and throttles: observations wait; timer-queue age: wake-ups are late;
// - rule delivery failures: the bus cannot reach the ingest queue, and — worse, the event is then
//   lost — cannot reach the dead-letter queue either (InvocationsFailedToBeSentToDlq);
// - cluster API auth failures: a token nobody rotated back in stalls a cluster;
// - DynamoDB throttles and a conditional-check-failure storm (writers racing on one stream);
// - reconcile duration near its timeout: the next hung API server kills the batch;
// - the SLI, observation-to-decision lag p99.
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability';

/** An observation should reach a decision within seconds; half a minute at p99 is an incident. */
export const LAG_P99_ALARM_MS = 30_000;
/** Ingest batches within a second or two; a minute means ingest is down or throttled. */
export const INGEST_AGE_ALARM_SECONDS = 60;
/** Timer messages wait their delay (≤ 900 s) before they count as late. */
export const TIMER_AGE_ALARM_SECONDS = 900 + 300;
/** Reconcile's p99 duration this close to its timeout pages before a batch is killed. */
export const DURATION_NEAR_TIMEOUT = 0.8;
/** Conditional writes lose races by design (leases, marks, commits); thousands a minute means a hot stream. */
export const CONDITIONAL_FAILURES_PER_MINUTE = 1_000;

/** The operations the loop sends to its table (an alarm takes at most ten metrics). */
const LOG_OPERATIONS = [Operation.GET_ITEM, Operation.PUT_ITEM, Operation.QUERY, Operation.UPDATE_ITEM, Operation.DELETE_ITEM, Operation.BATCH_WRITE_ITEM];

export interface OperationsProps {
  action: IAlarmAction;
  functions: Record<string, IFunction>;
  reconcile: { fn: IFunction; timeout: Duration };
  ingestQueue: IQueue;
  timerQueue: IQueue;
  rule: IRule & { ruleName: string };
  busName: string;
  table: ITable;
}

export class Operations extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const minute = Duration.minutes(1);
    const loopMetric = (metricName: string, statistic: string): Metric =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME }, statistic, period: minute });

    const rejected = new MathExpression({
      expression: 'FILL(invalid, 0) + FILL(unregistered, 0)',
      usingMetrics: { invalid: loopMetric('IngestRejectedInvalid', 'Sum'), unregistered: loopMetric('IngestRejectedUnregisteredCluster', 'Sum') },
      label: 'rejected events',
      period: minute,
    });
    const lagP99 = loopMetric('ObservationToDecisionLag', 'p99');
    const ruleFailures = new Metric({
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensionsMap: { RuleName: props.rule.ruleName, EventBusName: props.busName },
      statistic: 'Sum',
      period: minute,
    });
    const ruleDeadLetterFailures = new Metric({
      namespace: 'AWS/Events',
      metricName: 'InvocationsFailedToBeSentToDlq',
      dimensionsMap: { RuleName: props.rule.ruleName, EventBusName: props.busName },
      statistic: 'Sum',
      period: minute,
    });
    const reconcileDuration = props.reconcile.fn.metricDuration({ statistic: 'p99', period: minute });
    const dynamoThrottles = props.table.metricThrottledRequestsForOperations({ operations: LOG_OPERATIONS, period: minute });
    const conditionalFailures = props.table.metricConditionalCheckFailedRequests({ statistic: 'Sum', period: minute });

    this.page('RejectedEvents', props.action, rejected, 1, 'forwarded events were rejected (invalid, or from an unregistered cluster): see the ingest logs');
    this.page(
      'IngestEventAge',
      props.action,
      props.ingestQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: minute }),
      INGEST_AGE_ALARM_SECONDS,
      `an observation has waited over ${INGEST_AGE_ALARM_SECONDS} s for ingest`,
      3,
    );
    this.page(
      'TimerQueueAge',
      props.action,
      props.timerQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: minute }),
      TIMER_AGE_ALARM_SECONDS,
      'a wake-up is late: the timer function is failing or throttled',
      3,
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.page(`${name}Throttles`, props.action, fn.metricThrottles({ statistic: 'Sum', period: minute }), 1, `${name} invocations were throttled`, 3);
    }
    this.page(
      'RuleDeliveryFailures',
      props.action,
      ruleFailures,
      1,
      'the bus rule failed to deliver to the ingest queue (events go to the ingest dead-letter queue)',
    );
    this.page(
      'RuleDeadLetterFailures',
      props.action,
      ruleDeadLetterFailures,
      1,
      'the bus rule could deliver an event neither to the ingest queue nor to its dead-letter queue: the event is lost until the next relist',
    );
    this.page(
      'ClusterAuthFailures',
      props.action,
      loopMetric('ClusterAuthFailed', 'Sum'),
      1,
      'a cluster API refused our credentials (401/403): rotate the secret or fix the access entry',
    );
    this.page('DynamoDbThrottles', props.action, dynamoThrottles, 1, 'the event-log table throttled requests');
    this.page(
      'ConditionalCheckFailures',
      props.action,
      conditionalFailures,
      CONDITIONAL_FAILURES_PER_MINUTE,
      'writers are racing on one stream (a hot stream or a retry storm)',
      5,
    );
    this.page(
      'ReconcileDurationNearTimeout',
      props.action,
      reconcileDuration,
      DURATION_NEAR_TIMEOUT * props.reconcile.timeout.toMilliseconds(),
      `reconcile p99 duration is over ${DURATION_NEAR_TIMEOUT * 100}% of its ${props.reconcile.timeout.toSeconds()} s timeout`,
      3,
    );
    this.page(
      'ObservationToDecisionLag',
      props.action,
      lagP99,
      LAG_P99_ALARM_MS,
      `the SLI: observation-to-decision lag p99 over ${LAG_P99_ALARM_MS / 1000} s`,
      5,
    );

    // Per cluster, through a SEARCH (dashboards can; alarms cannot): p50 and p99 of the SLI.
    const perCluster = (stat: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},ClusterId,service} MetricName="ObservationToDecisionLag"', '${stat}', 60)`,
        label: `lag ${stat}`,
        period: minute,
      });
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${Stack.of(this).stackName}-operations` });
    const graph = (title: string, left: IMetric[]) => new GraphWidget({ title, left, width: 12 });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# daemonloop\nThe SLI is observation-to-decision lag. Alarms page the topic in the AlarmTopicArn output; docs/operations.md says what each means.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('SLI: observation-to-decision lag p50 by cluster', [perCluster('p50')]),
      graph('SLI: observation-to-decision lag p99 by cluster', [perCluster('p99')]),
    );
    this.dashboard.addWidgets(
      graph('Ingest: accepted, rejected, age of the oldest event', [
        loopMetric('IngestAccepted', 'Sum'),
        rejected,
        props.ingestQueue.metricApproximateAgeOfOldestMessage({ period: minute }),
      ]),
      graph('Reconcile: duration p99, conflicts, unchanged decisions', [
        reconcileDuration,
        loopMetric('ReconcileConflict', 'Sum'),
        loopMetric('ReconcileUnchanged', 'Sum'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Cluster API: auth failures, pod creates and deletes', [
        loopMetric('ClusterAuthFailed', 'Sum'),
        loopMetric('PodCreates', 'Sum'),
        loopMetric('PodDeletes', 'Sum'),
      ]),
      graph('DynamoDB: throttles and conditional-check failures', [dynamoThrottles, conditionalFailures]),
    );
    // Per cluster, from the dimensioned counts (cluster-alarms.ts pages on them).
    const search = (dimensions: string, metricName: string, label: string) =>
      new MathExpression({ expression: `SEARCH('{${METRICS_NAMESPACE},${dimensions}} MetricName="${metricName}"', 'Sum', 60)`, label, period: minute });
    this.dashboard.addWidgets(
      graph('Forwarder heartbeats by cluster (one a minute; a line at 0 is an unmanaged cluster)', [
        search('ClusterId,service', 'ForwarderHeartbeat', 'heartbeats'),
      ]),
      graph('Kubernetes API failures by cluster and code', [search('ClusterId,Code,service', 'KubernetesApiFailures', 'failures')]),
    );
    this.dashboard.addWidgets(
      graph('Throttles and rule delivery failures', [
        ...Object.values(props.functions).map((fn) => fn.metricThrottles({ period: minute })),
        ruleFailures,
        ruleDeadLetterFailures,
      ]),
      graph('Timer queue: age of the oldest wake-up', [props.timerQueue.metricApproximateAgeOfOldestMessage({ period: minute })]),
    );
  }

  private page(id: string, action: IAlarmAction, metric: IMetric, threshold: number, description: string, evaluationPeriods = 1): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods,
      alarmDescription: description,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING, // an idle loop publishes nothing
    });
    alarm.addAlarmAction(action);
    this.alarms.push(alarm);
  }
}
