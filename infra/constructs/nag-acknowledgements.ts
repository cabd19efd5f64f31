// The cdk-nag findings (AwsSolutions and Serverless packs, test/infra/nag.test.ts) we accept, each
// with its reason. Everything else is fixed, not acknowledged.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CLUSTER_ROLE_PATH } from './cluster-access';

const SQS_SOURCED =
  'An SQS-triggered function fails a record back to its queue; the queue redrive policy (maxReceiveCount 5) parks it in a dead-letter queue, which is alarmed. A Lambda DLQ or an event-source on-failure destination applies only to asynchronous invokes and stream sources.';

export function acknowledgeNagFindings(stack: IConstruct): void {
  const all = (predicate: (c: IConstruct) => boolean) => stack.node.findAll().filter(predicate);
  const type = (c: IConstruct) =>
    (c.node.defaultChild as { cfnResourceType?: string } | undefined)?.cfnResourceType ?? (c as { cfnResourceType?: string }).cfnResourceType;

  for (const fn of all((c) => type(c) === 'AWS::Lambda::Function')) {
    Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: SQS_SOURCED });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'Each observation is followed by its correlation id in the structured logs (observation id on the reconcile log line) and the lag SLI; X-Ray would add a PutTraceSegments grant on * and per-trace cost at 5,000 nodes for no decision we take on it.',
    });
  }
  for (const mapping of all((c) => type(c) === 'AWS::Lambda::EventSourceMapping')) {
    Validations.of(mapping).acknowledge({ id: 'Serverless-LambdaEventSourceMappingDestination', reason: SQS_SOURCED });
  }
  for (const dlq of all((c) => type(c) === 'AWS::SQS::Queue' && c.node.id.endsWith('DeadLetters'))) {
    Validations.of(dlq).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'A dead-letter queue is the end of the line: its messages are inspected and redriven by an operator (docs/operations.md), never retried automatically.',
    });
  }
  const reconcilePolicy = stack.node.tryFindChild('Reconcile')?.node.tryFindChild('Role')?.node.tryFindChild('DefaultPolicy');
  if (reconcilePolicy) {
    Validations.of(reconcilePolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role${CLUSTER_ROLE_PATH}*]`, // this finding only
      reason:
        'Clusters are registered at run time, each with its own role under the /daemonloop-cluster/ path: the path wildcard is the narrowest ARN that names them, and each role trusts reconcile only with the session tag naming its own cluster (constructs/cluster-access.ts).',
    });
  }
  // The tamper-evidence construct (issue 10): checkpoint writer, its bucket and schedule, and the commit guard.
  const tamper = stack.node.tryFindChild('TamperEvidence');
  const child = (...path: string[]) => path.reduce<IConstruct | undefined>((c, id) => c?.node.tryFindChild(id), tamper);
  const checkpointPolicy = child('Checkpoint', 'Role', 'DefaultPolicy');
  if (checkpointPolicy) {
    Validations.of(checkpointPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<TamperEvidenceCheckpoints8E2802AB.Arn>/checkpoints/*]', // this finding only
      reason:
        'Each checkpoint is a new object named by its time under the checkpoints/ prefix: the prefix wildcard is the narrowest ARN for objects not yet written, and object lock keeps every written one.',
    });
  }
  const guardPolicy = child('CommitGuard', 'Role', 'DefaultPolicy');
  if (guardPolicy) {
    Validations.of(guardPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<EventLogTable9CC67CCE.Arn>/stream/*]', // this finding only
      reason:
        "The event-log table's stream ARN ends in a label DynamoDB picks when the stream is enabled: stream/* under this one table is the narrowest ARN that names it.",
    });
  }
  const bucket = child('Checkpoints');
  if (bucket) {
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The checkpoint bucket is write-once (object lock, compliance mode) and only the checkpoint role may put objects: a server access log bucket would be one more bucket to retain, while any write or read attempt is already recorded by CloudTrail.',
    });
  }
  const schedule = child('Every');
  if (schedule) {
    Validations.of(schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'A missed scheduled checkpoint is not replayed: the next hourly one covers every stream head again, and the checkpoint function errors are alarmed (LoopAlarms).',
    });
  }
}
