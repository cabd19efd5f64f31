// What an operator must hear about, sent to one SNS topic: a parked message (any dead-letter
// queue not empty), a handler error, a reconcile backlog (the oldest message waits too long), and
// anything turned away at a trust boundary (a forged event, a decision the cluster did not confirm).
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alarm, type AlarmProps, ComparisonOperator, type IAlarmAction, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability';

/** A DaemonSet's reconcile should start within seconds; five minutes means a stuck group or no consumer. */
export const OLDEST_RECONCILE_AGE_SECONDS = 300;

export interface LoopAlarmsProps {
  functions: Record<string, IFunction>;
  deadLetterQueues: Record<string, IQueue>;
  reconcileQueue: IQueue;
  /** Handler metrics (functions/observability.ts) that count something turned away at a trust boundary: one is an alarm. */
  refusals: Record<string, string>; // metric name → what it means
}

export class LoopAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: LoopAlarmsProps) {
    super(scope, id);
    // enforceSSL writes a topic policy, which replaces the default one: so CloudWatch's alarms of this account are let in by name.
    this.topic = new Topic(this, 'Topic', { displayName: 'daemonloop alarms', enforceSSL: true });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    const action = new SnsAction(this.topic);
    const oneMinute = Duration.minutes(1);
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(this, `${name}DeadLetters`, action, {
        alarmDescription: `${name} dead-letter queue holds messages: inspect, fix, then redrive`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: oneMinute, statistic: 'Maximum' }),
        threshold: 1,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(this, `${name}Errors`, action, {
        alarmDescription: `${name} function errors (a crash or timeout, not a rejected event)`,
        metric: fn.metricErrors({ period: oneMinute, statistic: 'Sum' }),
        threshold: 1,
      });
    }
    for (const [metricName, meaning] of Object.entries(props.refusals)) {
      alarm(this, metricName, action, {
        alarmDescription: meaning,
        metric: new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME }, period: oneMinute, statistic: 'Sum' }),
        threshold: 1,
      });
    }
    alarm(this, 'ReconcileBacklog', action, {
      alarmDescription: `the oldest reconcile message is older than ${OLDEST_RECONCILE_AGE_SECONDS} s`,
      metric: props.reconcileQueue.metricApproximateAgeOfOldestMessage({ period: oneMinute, statistic: 'Maximum' }),
      threshold: OLDEST_RECONCILE_AGE_SECONDS,
      evaluationPeriods: 3,
    });
  }
}

function alarm(
  scope: Construct,
  id: string,
  action: IAlarmAction,
  props: Pick<AlarmProps, 'alarmDescription' | 'metric' | 'threshold'> & { evaluationPeriods?: number },
): void {
  new Alarm(scope, id, {
    ...props,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING, // an idle loop publishes no datapoints
  }).addAlarmAction(action);
}
