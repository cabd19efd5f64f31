// The per-cluster pages: a forwarder heartbeat alarm for every cluster the stack is given, on the
// exact metric and dimensions ingest publishes (test/handlers/heartbeat-ingest.test.ts), with
// missing data breaching; the SLI's p99 per cluster; the API failures that matter across every
// cluster; the rule's lost events; and the dashboard graphs of both per-cluster metrics.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { FORWARDER_HEARTBEAT_METRIC } from '../../functions/loop/ingest-batch';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability';
import { KUBERNETES_API_FAILURES_METRIC } from '../../functions/registry/cluster-connections';
import { HEARTBEAT_MISSING_MINUTES, PAGED_API_FAILURE_CODES } from '../../infra/constructs/cluster-alarms';
import { LAG_P99_ALARM_MS } from '../../infra/constructs/operations';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { readSettings } from '../../infra/settings';
import { cdkApp } from './cdk-app';

const synth = (clusters: string) => {
  const app = cdkApp({ clusters });
  const template = Template.fromStack(new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) }));
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, a]) => ({ id, ...a.Properties }) as Record<string, any>);
  return { template, alarms };
};
const { template, alarms } = synth('prod-eu=Prod_EU,edge-1');
const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
const dimensionsOf = (alarm: Record<string, any>) => Object.fromEntries((alarm.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]));

describe('per-cluster alarms', () => {
  it('pages when a listed cluster’s forwarder heartbeat is missing for three minutes: one alarm per cluster, no data breaching', () => {
    const beats = alarms.filter((a) => a.MetricName === FORWARDER_HEARTBEAT_METRIC);
    expect(beats.map(dimensionsOf)).toEqual([
      { ClusterId: 'prod-eu', service: SERVICE_NAME },
      { ClusterId: 'edge-1', service: SERVICE_NAME },
    ]); // as ingest publishes it
    for (const beat of beats) {
      expect(beat).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: HEARTBEAT_MISSING_MINUTES,
        DatapointsToAlarm: HEARTBEAT_MISSING_MINUTES,
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: topic }],
      });
    }
    expect(synth('').alarms.filter((a) => a.MetricName === FORWARDER_HEARTBEAT_METRIC)).toEqual([]);
  });

  it('pages on the SLI per cluster: observation-to-decision lag p99 of each listed cluster', () => {
    const lags = alarms.filter((a) => a.MetricName === 'ObservationToDecisionLag' && a.Dimensions.some((d: { Name: string }) => d.Name === 'ClusterId'));
    expect(lags.map((a) => dimensionsOf(a).ClusterId)).toEqual(['prod-eu', 'edge-1']);
    for (const lag of lags) expect(lag).toMatchObject({ ExtendedStatistic: 'p99', Threshold: LAG_P99_ALARM_MS, TreatMissingData: 'notBreaching' });
  });

  it('pages on 5xx, 429 and timeouts from any cluster’s API, listed or registered later, through one Metrics Insights query', () => {
    const [failures, ...more] = alarms.filter((a) => JSON.stringify(a.Metrics ?? '').includes(KUBERNETES_API_FAILURES_METRIC));
    expect(more).toEqual([]);
    const expression = failures!.Metrics[0].Expression as string;
    expect(expression).toMatch(
      new RegExp(`^SELECT SUM\\(${KUBERNETES_API_FAILURES_METRIC}\\) FROM SCHEMA\\("${METRICS_NAMESPACE}", ClusterId, Code, service\\) WHERE `),
    );
    for (const code of PAGED_API_FAILURE_CODES) expect(expression).toContain(`Code = '${code}'`);
    expect(expression).not.toContain("'404'"); // a delete of a pod already gone is no failure
    expect(failures).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
    });
  });

  it('pages when the bus rule loses an event (it reached neither the ingest queue nor its dead-letter queue)', () => {
    const lost = alarms.filter((a) => a.MetricName === 'InvocationsFailedToBeSentToDlq');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ Namespace: 'AWS/Events', Statistic: 'Sum', Threshold: 1, AlarmActions: [{ Ref: topic }] });
    expect(Object.keys(dimensionsOf(lost[0]!)).sort()).toEqual(['EventBusName', 'RuleName']);
  });

  it('draws heartbeats by cluster and API failures by cluster and code on the dashboard', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    expect(body).toContain(`{${METRICS_NAMESPACE},ClusterId,service} MetricName=\\\\\\"${FORWARDER_HEARTBEAT_METRIC}\\\\\\"`);
    expect(body).toContain(`{${METRICS_NAMESPACE},ClusterId,Code,service} MetricName=\\\\\\"${KUBERNETES_API_FAILURES_METRIC}\\\\\\"`);
    expect(body).toContain('InvocationsFailedToBeSentToDlq');
  });
});
