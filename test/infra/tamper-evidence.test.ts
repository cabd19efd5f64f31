// The log's tamper evidence in the synthesized stack: a signing key only the checkpoint function
// may use, a write-once bucket only it may write, a checkpoint function that cannot write the log,
// and an alarm on any MODIFY/REMOVE of a commit fed by the table's DynamoDB stream.
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { cdkApp } from './cdk-app';
import { EVENT_LOG_EVENTS_ATTRIBUTE } from '../../functions/adapters/event-store/keys';
import { CHECKPOINT_BUCKET_ENV, CHECKPOINT_KEY_ID_ENV, COMMIT_REWRITTEN_METRIC } from '../../functions/checkpoints/config-names';
import { TABLE_NAME_ENV } from '../../functions/config-names';
import { CHECKPOINT_RETENTION_DAYS } from '../../infra/constructs/tamper-evidence';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { readSettings } from '../../infra/settings';

const app = cdkApp();
const stack = new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const id = (construct: IConstruct): string => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const evidence = stack.tamperEvidence;
const writerRole = id(evidence.checkpoint.role);
const key = id(evidence.key);
const bucket = id(evidence.bucket);
const table = id(stack.controlPlane.node.findChild('EventLog').node.findChild('Table'));
const roleArn = { 'Fn::GetAtt': [writerRole, 'Arn'] };

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
/** Every identity-policy statement, with the roles it is attached to. */
const identityStatements = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
  (p.Properties.PolicyDocument.Statement as Statement[]).map((s) => ({ ...s, roles: (p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref) })),
);
const grantsOf = (action: string) => identityStatements.filter((s) => list(s.Action).includes(action));

describe('the checkpoint signing key', () => {
  const keyPolicy = resources[key]!.Properties.KeyPolicy.Statement as Statement[];

  it('is an ECDSA P-256 signing key, kept when the stack goes', () => {
    expect(resources[key]!.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  it('lets the checkpoint role sign and denies kms:Sign to every other principal, administrators included', () => {
    const allowsSign = keyPolicy.filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a === 'kms:Sign' || a === 'kms:*'));
    expect(allowsSign).toEqual([expect.objectContaining({ Principal: { AWS: roleArn } })]);
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'kms:Sign', Principal: { AWS: '*' }, Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArn } } }),
    );
    const administer = keyPolicy.find((s) => s.Sid === 'Administer')!;
    expect(list(administer.Action).some((a) => a === 'kms:*' || a.startsWith('kms:Sign') || a === 'kms:S*')).toBe(false);
  });

  it('is used by the checkpoint role alone, for kms:Sign on this key only', () => {
    const kms = identityStatements.filter((s) => list(s.Action).some((a) => a.startsWith('kms:')));
    expect(kms).toEqual([expect.objectContaining({ Action: 'kms:Sign', Resource: { 'Fn::GetAtt': [key, 'Arn'] }, roles: [writerRole] })]);
  });
});

describe('the checkpoint bucket', () => {
  const policy = ofType('AWS::S3::BucketPolicy')[0]![1].Properties.PolicyDocument.Statement as Statement[];

  it('locks every object in compliance mode for the retention period, versioned, never public', () => {
    expect(resources[bucket]!.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: CHECKPOINT_RETENTION_DAYS } } },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('denies PutObject to all but the checkpoint role, and object deletion (even a delete marker) to everyone', () => {
    expect(policy).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:PutObject',
        Principal: { AWS: '*' },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArn } },
      }),
    );
    const noDelete = policy.find((s) => s.Sid === 'NoOneDeletes')!;
    expect(noDelete).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(list(noDelete.Action)).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion']));
    expect(noDelete.Condition).toBeUndefined();
  });

  it('is written by the checkpoint role alone, under checkpoints/', () => {
    const puts = grantsOf('s3:PutObject');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.roles).toEqual([writerRole]);
    expect(puts[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/checkpoints/*']] });
  });
});

describe('the checkpoint function', () => {
  it('runs every five minutes with the table, bucket and key it needs', () => {
    const fn = resources[id(evidence.checkpoint.fn)]!.Properties;
    expect(Object.keys(fn.Environment.Variables)).toEqual(expect.arrayContaining([TABLE_NAME_ENV, CHECKPOINT_BUCKET_ENV, CHECKPOINT_KEY_ID_ENV]));
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id(evidence.checkpoint.fn), 'Arn'] } })],
    });
  });

  it('reads the log but cannot write it, and no loop function can sign or write checkpoints', () => {
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const s of identityStatements.filter((s) => s.roles.includes(writerRole))) {
      for (const action of list(s.Action)) expect(writes).not.toContain(action);
    }
    for (const loop of [stack.ingest, stack.reconcile, stack.timer]) {
      const actions = identityStatements.filter((s) => s.roles.includes(id(loop.role))).flatMap((s) => list(s.Action));
      expect(actions.filter((a) => a.startsWith('kms:') || a.startsWith('s3:'))).toEqual([]);
    }
  });
});

describe('the commit guard', () => {
  it('streams the table with old images, into the guard filtered to MODIFY/REMOVE of items holding events', () => {
    expect(resources[table]!.Properties.StreamSpecification).toEqual({ StreamViewType: 'OLD_IMAGE' });
    const mapping = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties)
      .find((m) => m.StartingPosition && m.FunctionName?.Ref === id(evidence.guard.fn))!; // the fleet reconcile reads the stream too (fleet-reconcile.test.ts)
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [table, 'StreamArn'] },
      FunctionName: { Ref: id(evidence.guard.fn) },
      StartingPosition: 'TRIM_HORIZON',
    });
    const patterns = (mapping.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern));
    expect(patterns).toEqual([{ eventName: ['MODIFY', 'REMOVE'], dynamodb: { OldImage: { [EVENT_LOG_EVENTS_ATTRIBUTE]: { B: [{ exists: true }] } } } }]);
  });

  it('reads only this table’s stream', () => {
    const stream = grantsOf('dynamodb:GetRecords');
    const own = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/stream/*']] };
    expect(stream).toContainEqual(expect.objectContaining({ roles: [id(evidence.guard.role)], Resource: own }));
    expect(stream).toHaveLength(2); // and the fleet reconcile's, woken by fleet commits (fleet-reconcile.test.ts)
    for (const grant of stream) expect(grant.Resource).toEqual(own);
  });

  it('alarms to the topic on the first CommitRewritten', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'daemonloop',
      MetricName: COMMIT_REWRITTEN_METRIC,
      Dimensions: [{ Name: 'service', Value: 'daemonloop' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: id(stack.controlPlane.node.findChild('Alarms').node.findChild('Topic')) }],
    });
  });
});
