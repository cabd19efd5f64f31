// The stack pages for what an on-call engineer must hear about, and shows it on one dashboard.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cdkApp } from './cdk-app';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { INGEST_AGE_ALARM_SECONDS, LAG_P99_ALARM_MS } from '../../infra/constructs/operations';
import { readSettings } from '../../infra/settings';

const app = cdkApp();
const stack = new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
const template = Template.fromStack(stack);
const alarms: Record<string, any>[] = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, a]) => ({ id, ...a.Properties }));
const named = (prefix: string) => alarms.filter((a) => a.id.startsWith(`Operations${prefix}`));

describe('operations alarms and dashboard', () => {
  it('has an alarm for each failure an operator must hear about, all to the alarm topic', () => {
    for (const name of [
      'RejectedEvents',
      'IngestEventAge',
      'TimerQueueAge',
      'IngestThrottles',
      'ReconcileThrottles',
      'TimerThrottles',
      'RuleDeliveryFailures',
      'RuleDeadLetterFailures',
      'ClusterAuthFailures',
      'DynamoDbThrottles',
      'ConditionalCheckFailures',
      'ReconcileDurationNearTimeout',
      'ObservationToDecisionLag',
    ]) {
      expect(named(name), name).toHaveLength(1);
      expect(named(name)[0]!.AlarmActions, name).toHaveLength(1);
    }
  });

  it('alarms on the SLI at p99 of the observation-to-decision lag, and on ingest event age', () => {
    expect(named('ObservationToDecisionLag')[0]).toMatchObject({
      MetricName: 'ObservationToDecisionLag',
      ExtendedStatistic: 'p99',
      Threshold: LAG_P99_ALARM_MS,
    });
    expect(named('IngestEventAge')[0]).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: INGEST_AGE_ALARM_SECONDS });
  });

  it('pages before reconcile hits its timeout: p99 duration at 80% of it', () => {
    expect(named('ReconcileDurationNearTimeout')[0]).toMatchObject({ MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: 0.8 * 90_000 });
  });

  it('draws one dashboard with the lag p50 and p99 per cluster', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const stat of ['p50', 'p99']) expect(body).toContain(`MetricName=\\\\\\"ObservationToDecisionLag\\\\\\"', '${stat}'`);
  });

  it('lets only this account’s CloudWatch alarms publish to the topic, over TLS', () => {
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0]!.Properties.PolicyDocument.Statement as Record<string, any>[];
    expect(policy.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
    expect(policy.some((s) => s.Effect === 'Allow' && s.Principal?.Service === 'cloudwatch.amazonaws.com')).toBe(true);
  });
});
