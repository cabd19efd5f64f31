// The log's tamper evidence on AWS (functions/checkpoints/): an asymmetric KMS key only the
// checkpoint function may sign with; an S3 bucket with Object Lock (compliance mode) only that
// function may write, under one prefix, and no one may delete from; the scheduled checkpoint
// function; and the commit guard — the table's DynamoDB stream, filtered to MODIFY/REMOVE of
// commit items, counted and alarmed.
//
// Why a scheduled function writes checkpoints, not the loop's functions: signing stays with a role
// that parses no untrusted input and cannot write the log (ingest parses every cluster's events;
// a role that could both append and sign could vouch for its own forgery), and its cost follows the
// number of streams (one keys-only index scan and one head query per stream), not the traffic.
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AccountRootPrincipal, AnyPrincipal, ArnPrincipal, Effect, Grant, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EVENT_LOG_EVENTS_ATTRIBUTE, EVENT_LOG_STREAMS_INDEX } from '../../functions/adapters/event-store/keys';
import { CHECKPOINT_BUCKET_ENV, CHECKPOINT_KEY_ID_ENV, COMMIT_REWRITTEN_METRIC } from '../../functions/checkpoints/config-names';
import { CHECKPOINT_PREFIX } from '../../functions/checkpoints/s3-checkpoint-store';
import { TABLE_NAME_ENV } from '../../functions/config-names';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability';
import type { EventLog } from './event-log';
import { LoopFunction } from './loop-function';

export const CHECKPOINT_EVERY = Duration.minutes(5);
/** How long no one — not even the account root — can delete or overwrite a checkpoint. */
export const CHECKPOINT_RETENTION_DAYS = 400; // an audit year, plus slack

/** KMS's key administration actions: everything but using the key (no kms:Sign for administrators). */
const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

export class TamperEvidence extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;
  readonly checkpoint: LoopFunction;
  readonly guard: LoopFunction;

  constructor(scope: Construct, id: string, props: { log: EventLog; alarmTopic: ITopic }) {
    super(scope, id);
    const table = props.log.table;

    this.checkpoint = new LoopFunction(this, 'Checkpoint', {
      handler: 'checkpoint',
      description: 'daemonloop checkpoint: sign the event log stream heads, write them to the Object Lock bucket',
      timeout: Duration.minutes(2),
      memorySize: 512,
      reservedConcurrentExecutions: 1, // one writer: sequences never race in practice (and If-None-Match settles it when they do)
    });
    const writer = this.checkpoint.role;

    // The signing key: ECDSA P-256. The key policy alone decides who signs: the checkpoint role, nobody else.
    this.key = new Key(this, 'SigningKey', {
      description: 'daemonloop: signs event-log checkpoints (verify with its public key alone)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN, // old checkpoints verify against it for years
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({ sid: 'Administer', principals: [new AccountRootPrincipal()], actions: KEY_ADMIN_ACTIONS, resources: ['*'] }),
          new PolicyStatement({ sid: 'CheckpointWriterSigns', principals: [new ArnPrincipal(writer.roleArn)], actions: ['kms:Sign'], resources: ['*'] }),
          new PolicyStatement({
            sid: 'NobodyElseSigns',
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: ['kms:Sign'],
            resources: ['*'],
            conditions: { ArnNotEquals: { 'aws:PrincipalArn': writer.roleArn } },
          }),
        ],
      }),
    });
    Grant.addToPrincipal({ grantee: writer, actions: ['kms:Sign'], resourceArns: [this.key.keyArn] });

    // Write-once storage: Object Lock in compliance mode locks every checkpoint for the retention period.
    this.bucket = new Bucket(this, 'Checkpoints', {
      objectLockEnabled: true,
      versioned: true, // Object Lock needs it (S3 would turn it on anyway)
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(CHECKPOINT_RETENTION_DAYS)),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const checkpoints = this.bucket.arnForObjects(`${CHECKPOINT_PREFIX}*`);
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheCheckpointWriterWrites',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': writer.roleArn } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'NoOneDeletes', // not even a delete marker, which Object Lock alone would allow
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutLifecycleConfiguration'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    Grant.addToPrincipal({ grantee: writer, actions: ['s3:PutObject', 's3:GetObject'], resourceArns: [checkpoints] });
    Grant.addToPrincipal({ grantee: writer, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    // Read-only on the log: list streams through the index, query each head. No PutItem.
    Grant.addToPrincipal({ grantee: writer, actions: ['dynamodb:Scan'], resourceArns: [`${table.tableArn}/index/${EVENT_LOG_STREAMS_INDEX}`] });
    Grant.addToPrincipal({ grantee: writer, actions: ['dynamodb:Query'], resourceArns: [table.tableArn] });
    this.checkpoint.fn.addEnvironment(TABLE_NAME_ENV, table.tableName);
    this.checkpoint.fn.addEnvironment(CHECKPOINT_BUCKET_ENV, this.bucket.bucketName);
    this.checkpoint.fn.addEnvironment(CHECKPOINT_KEY_ID_ENV, this.key.keyArn);
    // A refused checkpoint (history shortened or a head changed in place) fails the invocation.
    new Alarm(this, 'CheckpointErrors', {
      alarmDescription: 'The checkpoint function failed: a checkpoint may have been refused (see its log) or not written',
      metric: this.checkpoint.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(props.alarmTopic));
    new Rule(this, 'Every', { schedule: Schedule.rate(CHECKPOINT_EVERY), targets: [new LambdaFunction(this.checkpoint.fn, { retryAttempts: 2 })] });

    // The commit guard: any MODIFY or REMOVE of an item holding events (a commit) is counted and alarmed.
    this.guard = new LoopFunction(this, 'CommitGuard', {
      handler: 'commit-guard',
      description: 'daemonloop commit guard: alarm on any change to a commit of the event log',
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    const changed = (B: unknown) => ({ eventName: FilterRule.or('MODIFY', 'REMOVE'), dynamodb: { OldImage: { [EVENT_LOG_EVENTS_ATTRIBUTE]: B } } });
    // Not DynamoEventSource: its grant adds dynamodb:ListStreams on `*`; this table's streams suffice.
    this.guard.fn.addEventSourceMapping('TableStream', {
      eventSourceArn: table.tableStreamArn!,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      retryAttempts: 10,
      bisectBatchOnError: true,
      // Every commit — the log's, the registry's, the fleets' — holds its events as binary (chained-commits.ts).
      filters: [FilterCriteria.filter(changed({ B: FilterRule.exists() }))],
    });
    Grant.addToPrincipal({
      grantee: this.guard.role,
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      resourceArns: [`${table.tableArn}/stream/*`],
    });
    new Alarm(this, 'CommitRewritten', {
      alarmDescription: 'A commit of the event log was modified or deleted: run `daemonloop log verify` and investigate the logged identity',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: COMMIT_REWRITTEN_METRIC,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(props.alarmTopic));

    new CfnOutput(Stack.of(this), 'CheckpointBucketName', { value: this.bucket.bucketName });
    new CfnOutput(Stack.of(this), 'CheckpointKeyArn', { value: this.key.keyArn });
  }
}
