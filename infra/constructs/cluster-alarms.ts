// What is paged per cluster, beside operations.ts's stack-wide alarms:
// - ForwarderHeartbeat, one alarm per cluster the stack knows (settings.clusters), missing data
//   breaching: a forwarder that stops (crashed, evicted, partitioned, lost its role) publishes
//   nothing, and only an alarm that watches that cluster's own series can see nothing. A query
//   across clusters cannot: a Metrics Insights SUM or COUNT simply drops a series that stopped,
//   and its total only dips by one beat in hundreds. So the stack takes the cluster list, as it
//   does for the clusters' access roles; a cluster registered later gets its alarm on the next deploy.
// - Observation-to-decision lag p99 per known cluster: the stack-wide p99 hides one slow cluster
//   among many fast ones.
// - Kubernetes API failures that mean trouble (5xx, 429, timeouts), across every cluster, listed or
//   not, as one Metrics Insights query: a failing API server publishes, so a sum sees it; the
//   dashboard and the reconcile logs name the cluster and code.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { FORWARDER_HEARTBEAT_METRIC } from '../../functions/loop/ingest-batch';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability';
import { KUBERNETES_API_FAILURES_METRIC } from '../../functions/registry/cluster-connections';
import { LAG_P99_ALARM_MS } from './operations';

/** Minutes without a beat before the page: a beat a minute, so three missed ones, not one late one. */
export const HEARTBEAT_MISSING_MINUTES = 3;
/** The API failure codes that page (api-errors.ts failureCode): the server is failing, overloaded, or not answering. */
export const PAGED_API_FAILURE_CODES = ['5xx', '429', 'timeout'] as const;
/** Minutes with such failures, out of five, before the page: a rolling control-plane upgrade blips, an outage persists. */
export const API_FAILURE_MINUTES = 3;

export interface ClusterAlarmsProps {
  action: IAlarmAction;
  clusters: { clusterId: string }[];
}

export class ClusterAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ClusterAlarmsProps) {
    super(scope, id);
    const minute = Duration.minutes(1);
    const perCluster = (metricName: string, clusterId: string, statistic: string) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME, ClusterId: clusterId }, statistic, period: minute });

    for (const { clusterId } of props.clusters) {
      this.add(
        props.action,
        new Alarm(this, `Heartbeat-${clusterId}`, {
          alarmDescription: `cluster ${clusterId}: no forwarder heartbeat for ${HEARTBEAT_MISSING_MINUTES} minutes — its forwarder is down or cannot reach the bus, so the cluster is unmanaged (docs/operations.md)`,
          metric: perCluster(FORWARDER_HEARTBEAT_METRIC, clusterId, 'Sum'),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: HEARTBEAT_MISSING_MINUTES,
          datapointsToAlarm: HEARTBEAT_MISSING_MINUTES,
          treatMissingData: TreatMissingData.BREACHING, // no data is the failure
        }),
      );
      this.add(
        props.action,
        new Alarm(this, `Lag-${clusterId}`, {
          alarmDescription: `cluster ${clusterId}: observation-to-decision lag p99 over ${LAG_P99_ALARM_MS / 1000} s (the SLI)`,
          metric: perCluster('ObservationToDecisionLag', clusterId, 'p99'),
          threshold: LAG_P99_ALARM_MS,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 5,
          treatMissingData: TreatMissingData.NOT_BREACHING, // no decisions to make is no lag
        }),
      );
    }

    const codes = PAGED_API_FAILURE_CODES.map((c) => `Code = '${c}'`).join(' OR ');
    this.add(
      props.action,
      new Alarm(this, 'KubernetesApiFailures', {
        alarmDescription: `a cluster API answers ${PAGED_API_FAILURE_CODES.join(', ')} in ${API_FAILURE_MINUTES} of 5 minutes: see the dashboard's API failures by cluster and code`,
        metric: new MathExpression({
          expression: `SELECT SUM(${KUBERNETES_API_FAILURES_METRIC}) FROM SCHEMA("${METRICS_NAMESPACE}", ClusterId, Code, service) WHERE ${codes}`,
          label: 'paged Kubernetes API failures',
          period: minute,
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: API_FAILURE_MINUTES,
        treatMissingData: TreatMissingData.NOT_BREACHING, // no failures publish nothing
      }),
    );
  }

  private add(action: IAlarmAction, alarm: Alarm): void {
    alarm.addAlarmAction(action);
    this.alarms.push(alarm);
  }
}
