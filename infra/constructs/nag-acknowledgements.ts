// The cdk-nag findings (AwsSolutions and Serverless packs, test/infra/nag.test.ts) we accept, each
// with its reason. Everything else is fixed, not acknowledged.
import { Validations, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CLUSTER_SECRET_PREFIX } from '../../functions/config-names';

const SQS_SOURCED =
  'An SQS-triggered function fails a record back to its queue; the queue redrive policy (maxReceiveCount 5) parks it in a dead-letter queue, which is alarmed. A Lambda DLQ or an event-source on-failure destination applies only to asynchronous invokes and stream sources.';

export function acknowledgeNagFindings(stack: Stack): void {
  const all = (predicate: (c: IConstruct) => boolean) => stack.node.findAll().filter(predicate);
  const type = (c: IConstruct) => (c.node.defaultChild as { cfnResourceType?: string } | undefined)?.cfnResourceType ?? (c as { cfnResourceType?: string }).cfnResourceType;

  for (const fn of all((c) => type(c) === 'AWS::Lambda::Function')) {
    Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: SQS_SOURCED });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason: 'Each observation is followed by its correlation id in the structured logs (observation id on the reconcile log line) and the lag SLI; X-Ray would add a PutTraceSegments grant on * and per-trace cost at 5,000 nodes for no decision we take on it.',
    });
  }
  for (const mapping of all((c) => type(c) === 'AWS::Lambda::EventSourceMapping')) {
    Validations.of(mapping).acknowledge({ id: 'Serverless-LambdaEventSourceMappingDestination', reason: SQS_SOURCED });
  }
  for (const dlq of all((c) => type(c) === 'AWS::SQS::Queue' && c.node.id.endsWith('DeadLetters'))) {
    Validations.of(dlq).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: 'A dead-letter queue is the end of the line: its messages are inspected and redriven by an operator (docs/operations.md), never retried automatically.' });
  }
  const reconcilePolicy = stack.node.tryFindChild('Reconcile')?.node.tryFindChild('Role')?.node.tryFindChild('DefaultPolicy');
  if (reconcilePolicy) {
    Validations.of(reconcilePolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${CLUSTER_SECRET_PREFIX}*]`, // this finding only
      reason: 'Cluster token secrets are registered at run time under the daemonloop/clusters/ prefix, and a secret ARN ends in a random suffix: the prefix wildcard is the narrowest ARN that can name them.',
    });
  }
}
