// The synthesized stack holds every resource of the loop with its key settings, and every IAM
// statement grants one function exactly the actions and resources its handler uses.
import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { cdkApp } from './cdk-app';
import { EVENT_LOG_SNAPSHOT_SUFFIX, PENDING_RECONCILE_PREFIX, EVENT_LOG_STREAMS_INDEX } from '../../functions/adapters/event-store/keys';
import { eventLogTableShape } from '../../functions/adapters/event-store/table';
import { INGEST_RULE_PATTERN } from '../../functions/bus/patterns';
import * as configNames from '../../functions/config-names';
import {
  INGEST_QUEUE_URL_ENV,
  FLEET_QUEUE_URL_ENV,
  CLUSTER_BURST_ENV,
  CLUSTER_QPS_ENV,
  RECONCILE_QUEUE_URL_ENV,
  SNAPSHOT_EVERY_ENV,
  TABLE_NAME_ENV,
  TIMER_QUEUE_URL_ENV,
} from '../../functions/config-names';
import { OLDEST_RECONCILE_AGE_SECONDS } from '../../infra/constructs/alarms';
import { repoPath } from '../../infra/constructs/loop-function';
import { MAX_RECEIVE_COUNT } from '../../infra/constructs/reconcile-queues';
import { forwarderSource } from '../../functions/bus/patterns';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability';
import { CLUSTER_SESSION_TAG } from '../../functions/registry/cluster-aws';
import { REGISTRY_STREAM_ID } from '../../functions/registry/cluster-registry';
import { CLUSTER_ROLE_PATH } from '../../infra/constructs/cluster-access';
import { FORWARDER_ROLE_PATH } from '../../infra/constructs/forwarder-role';
import type { FleetReconcile } from '../../infra/constructs/fleet-reconcile';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { readSettings } from '../../infra/settings';

// Built as infra/app.ts builds it, with every parameter away from its default (as `-c key=value`
// passes them: strings), and without bundling: synth.test.ts runs the real esbuild.
const context = {
  busName: 'test-bus',
  tableName: 'test-log',
  ingestConcurrency: '4',
  ingestBatchSize: '250',
  reconcileConcurrency: '7',
  reconcileBatchSize: '3',
  clusterQps: '15',
  clusterBurst: '25',
  snapshotEvery: '40',
  clusters: 'prod-eu=Prod_EU',
};
const app = cdkApp(context);
const stack = new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;

/** The logical id of a construct's CloudFormation resource (its default child for an L2). */
const id = (construct: IConstruct): string => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const byPath = (path: string): IConstruct => path.split('/').reduce<IConstruct>((c, part) => c.node.findChild(part), stack.controlPlane);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const ref = (logicalId: string) => ({ Ref: logicalId });
/** A resource's properties without the app/component tags (tags.test.ts checks those). */
const untagged = (properties: Record<string, any>) => Object.fromEntries(Object.entries(properties).filter(([key]) => key !== 'Tags'));
const arn = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

const table = id(byPath('EventLog/Table'));
const bus = id(byPath('IngestPath/Bus'));
const ingestDeadLetters = id(byPath('IngestPath/DeadLetters'));
const ingestQueue = id(byPath('IngestPath/Queue'));
const reconcileQueue = id(byPath('Queues/Reconcile'));
const reconcileDeadLetters = id(byPath('Queues/ReconcileDeadLetters'));
const timerQueue = id(byPath('Queues/Timer'));
const timerDeadLetters = id(byPath('Queues/TimerDeadLetters'));
const fleetQueue = id(byPath('FleetReconcile/Fleet')); // the fleet loop's own FIFO (test/infra/fleet-reconcile.test.ts)
const functions = { ingest: stack.ingest, reconcile: stack.reconcile, timer: stack.timer };

describe('resources', () => {
  it('builds the log table the adapter creates locally (keys.ts: stream id and commit, the sparse cluster index), on demand, PITR, protected', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        ...eventLogTableShape('test-log'), // exactly the table the local runtime and the tests create
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(1);
  });

  it('routes exactly INGEST_RULE_PATTERN from the named bus to the ingest queue, retrying into a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'test-bus' });
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern); // not the checkpoint schedule
    expect(rules).toHaveLength(1);
    const rule = rules[0]![1].Properties;
    expect(rule.EventBusName).toEqual(ref(bus));
    expect(rule.EventPattern).toEqual(JSON.parse(JSON.stringify(INGEST_RULE_PATTERN)));
    expect(rule.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: arn(ingestQueue),
        DeadLetterConfig: { Arn: arn(ingestDeadLetters) },
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
      },
    ]);
  });

  it('drains the ingest queue in large batches at the concurrency from context, with no reserved concurrency to throttle the poller', () => {
    expect(ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => untagged(m.Properties))).toContainEqual({
      EventSourceArn: arn(ingestQueue),
      FunctionName: ref(id(stack.ingest.fn)),
      BatchSize: 250,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    for (const loop of Object.values(functions)) expect(resources[id(loop.fn)]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('parks an event in the same dead-letter queue when ingest fails it a few times', () => {
    expect(resources[ingestQueue]!.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: arn(ingestDeadLetters), maxReceiveCount: MAX_RECEIVE_COUNT });
    expect(resources[ingestQueue]!.Properties.FifoQueue).toBeUndefined(); // a rule's SQS target takes no per-event group id
  });

  it('makes the reconcile queue FIFO without content-based dedup, parked after a few receives in a FIFO dead-letter queue', () => {
    expect(resources[reconcileQueue]!.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      RedrivePolicy: { deadLetterTargetArn: arn(reconcileDeadLetters), maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    expect(resources[reconcileDeadLetters]!.Properties.FifoQueue).toBe(true);
  });

  it('makes the timer queue a standard queue (only those take a per-message delay) with its own dead-letter queue', () => {
    expect(resources[timerQueue]!.Properties.FifoQueue).toBeUndefined();
    expect(resources[timerQueue]!.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: arn(timerDeadLetters),
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(resources[timerDeadLetters]!.Properties.FifoQueue).toBeUndefined();
    expect(resources[ingestDeadLetters]!.Properties.FifoQueue).toBeUndefined(); // EventBridge cannot target a FIFO DLQ
  });

  it('keeps parked messages for 14 days, SQS’s longest, in every dead-letter queue', () => {
    for (const queue of [ingestDeadLetters, reconcileDeadLetters, timerDeadLetters]) {
      expect(resources[queue]!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
  });

  it('consumes both queues with partial batch failures; batch size and concurrency of reconcile come from context', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, m]) => untagged(m.Properties))
      .filter((m) => !m.StartingPosition); // not the commit guard's table stream
    expect(mappings).toHaveLength(4); // and the fleet FIFO's (fleet-reconcile.test.ts)
    expect(mappings).toContainEqual({
      EventSourceArn: arn(reconcileQueue),
      FunctionName: ref(id(stack.reconcile.fn)),
      BatchSize: 3,
      ScalingConfig: { MaximumConcurrency: 7 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mappings).toContainEqual({
      EventSourceArn: arn(timerQueue),
      FunctionName: ref(id(stack.timer.fn)),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('holds a message invisible for six times its consumer’s timeout, so a slow batch is not delivered twice', () => {
    const timeout = (fn: keyof typeof functions) => resources[id(functions[fn].fn)]!.Properties.Timeout as number;
    expect(resources[ingestQueue]!.Properties.VisibilityTimeout).toBe(6 * timeout('ingest'));
    expect(resources[reconcileQueue]!.Properties.VisibilityTimeout).toBe(6 * timeout('reconcile'));
    expect(resources[timerQueue]!.Properties.VisibilityTimeout).toBe(6 * timeout('timer'));
  });

  it('lets reconcile and timer loop through their queues (Lambda would stop a long rollout after ~16 hops), and not ingest', () => {
    expect(resources[id(stack.reconcile.fn)]!.Properties.RecursiveLoop).toBe('Allow');
    expect(resources[id(stack.timer.fn)]!.Properties.RecursiveLoop).toBe('Allow');
    expect(resources[id(stack.ingest.fn)]!.Properties.RecursiveLoop).toBe('Terminate');
  });

  it('runs every handler on nodejs24.x, arm64, with JSON logs into its own log group with retention', () => {
    expect(ofType('AWS::Lambda::Function')).toHaveLength(6); // the loop's three, the fleet reconcile, checkpoint and commit guard; no CDK helper functions (e.g. a log-retention one)
    for (const loop of Object.values(functions)) {
      const fn = resources[id(loop.fn)]!.Properties;
      expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
      expect(fn.LoggingConfig.LogFormat).toBe('JSON');
      const logGroup = resources[fn.LoggingConfig.LogGroup.Ref]!;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    }
  });

  it('gives each function the environment handlers/aws-deps.ts reads, parameters from context', () => {
    const env = (fn: keyof typeof functions) => resources[id(functions[fn].fn)]!.Properties.Environment.Variables;
    const loop = {
      [TABLE_NAME_ENV]: ref(table),
      [RECONCILE_QUEUE_URL_ENV]: ref(reconcileQueue),
      [TIMER_QUEUE_URL_ENV]: ref(timerQueue),
      NODE_OPTIONS: '--enable-source-maps',
    };
    expect(env('ingest')).toEqual({ ...loop, [INGEST_QUEUE_URL_ENV]: ref(ingestQueue), [FLEET_QUEUE_URL_ENV]: ref(fleetQueue) });
    expect(env('reconcile')).toEqual({ ...loop, [CLUSTER_QPS_ENV]: '15', [CLUSTER_BURST_ENV]: '25', [SNAPSHOT_EVERY_ENV]: '40' });
    expect(env('timer')).toEqual({ ...loop, [FLEET_QUEUE_URL_ENV]: ref(fleetQueue) }); // a fleet's wake-up goes back to the fleet FIFO
  });

  it('sets on every function each variable handlers/aws-deps.ts requires, or a cold start would fail by name', () => {
    const source = readFileSync(repoPath('functions/handlers/aws-deps.ts'), 'utf8');
    const required = [...source.matchAll(/requireEnv\(([A-Z_]+_ENV)\b/g)].map((m) => (configNames as Record<string, string>)[m[1]!]!);
    expect(required).toContain(TABLE_NAME_ENV); // the pattern still finds what it looks for
    expect(required).not.toContain(undefined);
    for (const loop of Object.values(functions)) {
      const variables = Object.keys(resources[id(loop.fn)]!.Properties.Environment.Variables);
      for (const name of required) expect(variables, name).toContain(name);
    }
  });

  it('alarms on every dead-letter queue, every handler’s errors and the age of the oldest reconcile message', () => {
    const fleet = stack.controlPlane.node.findChild('FleetReconcile') as FleetReconcile;
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const topic = ofType('AWS::SNS::Topic')[0]![0];
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([ref(topic)]);
    const watched = (metric: string) => alarms.filter((a) => a.MetricName === metric).map((a) => a.Dimensions[0].Value);
    expect(watched('ApproximateNumberOfMessagesVisible')).toEqual(
      [ingestDeadLetters, reconcileDeadLetters, timerDeadLetters, id(fleet.deadLetters)].map((q) => ({ 'Fn::GetAtt': [q, 'QueueName'] })),
    );
    expect(watched('Errors')).toEqual([...Object.values(functions), fleet.fleet, stack.tamperEvidence.checkpoint].map((f) => ref(id(f.fn))));
    const backlog = alarms.find((a) => a.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(backlog).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [reconcileQueue, 'QueueName'] } }],
      Threshold: OLDEST_RECONCILE_AGE_SECONDS,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const ours = alarms.filter((a) => a.Namespace === METRICS_NAMESPACE); // the refusals, CommitRewritten, operations.test.ts's ClusterAuthFailed and lag SLI, cluster-alarms.test.ts's heartbeat and lag of prod-eu
    expect(ours.map((a) => a.MetricName).sort()).toEqual([
      'ClusterAuthFailed',
      'CommitRewritten',
      'DecisionRefused',
      'ForwarderHeartbeat',
      'IngestRejectedSource',
      'ObservationToDecisionLag',
      'ObservationToDecisionLag',
    ]);
    const refusals = ours.filter((a) => a.MetricName === 'DecisionRefused' || a.MetricName === 'IngestRejectedSource');
    for (const a of refusals) expect(a).toMatchObject({ Dimensions: [{ Name: 'service', Value: SERVICE_NAME }], Statistic: 'Sum', Threshold: 1 });
    expect(alarms).toHaveLength(13 + 13 + 3); // + the fleet function's errors and dead letters, checkpoint errors and CommitRewritten (test/infra/tamper-evidence.test.ts), operations.test.ts's thirteen, cluster-alarms.test.ts's three (one cluster's heartbeat and lag, API failures)
  });

  it('outputs what deploying a cluster needs: bus, table, the reconcile, forwarder and operator roles, the alarm topic, the queues', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual([
      'AlarmTopicArn',
      'CheckpointBucketName',
      'CheckpointKeyArn',
      'EventBusArn',
      'EventBusName',
      'ForwarderRoleArn',
      'IngestDeadLetterQueueUrl',
      'IngestQueueUrl',
      'OperatorRoleArn',
      'ReconcileDeadLetterQueueUrl',
      'ReconcileQueueUrl',
      'ReconcileRoleArn',
      'TableName',
      'TimerDeadLetterQueueUrl',
      'TimerQueueUrl',
    ]);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.EventBusArn!.Value).toEqual(arn(bus));
    expect(outputs.TableName!.Value).toEqual(ref(table));
    expect(outputs.ReconcileQueueUrl!.Value).toEqual(ref(reconcileQueue));
    expect(outputs.TimerDeadLetterQueueUrl!.Value).toEqual(ref(timerDeadLetters));
  });
});

// ── IAM ──────────────────────────────────────────────────────────────────────
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const policies = ofType('AWS::IAM::Policy').map(([, p]) => p.Properties);
const statements: Statement[] = policies.flatMap((p) => p.PolicyDocument.Statement);
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** A resource as readable text: `${LogicalId}` for a reference, pseudo parameters as `${AWS::Region}`. */
const render = (resource: unknown): string => {
  const r = resource as Record<string, any>;
  if (typeof resource === 'string') return resource;
  if (r.Ref) return `\${${r.Ref}}`;
  if (r['Fn::GetAtt']) return `\${${r['Fn::GetAtt'][0]}}`;
  if (r['Fn::Join']) return (r['Fn::Join'][1] as unknown[]).map(render).join(r['Fn::Join'][0]);
  throw new Error(`unexpected resource ${JSON.stringify(resource)}`);
};

/** What a role may do: rendered resource → sorted actions, over every policy attached to it. */
const access = (roleId: string): Record<string, string[]> => {
  const grants: Record<string, Set<string>> = {};
  for (const policy of policies.filter((p) => p.Roles.some((r: unknown) => JSON.stringify(r) === JSON.stringify(ref(roleId))))) {
    for (const s of (policy.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow')) {
      for (const resource of list(s.Resource)) for (const action of list(s.Action)) (grants[render(resource)] ??= new Set()).add(action);
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([r, actions]) => [r, [...actions].sort()]));
};

const logs = (fn: keyof typeof functions) => ({
  [`\${${id(functions[fn].node.findChild('Logs'))}}`]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
});
const send = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const consume = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];

/** IAM StringLike: `*` any run of characters (`/` included), `?` one. */
const like = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  ).test(value);

/** Whether the role's policies let it PutItem an item whose partition key is `key` (Allow by LeadingKeys, minus any Deny). */
function mayPut(roleId: string, key: string): boolean {
  const own = policies
    .filter((p) => p.Roles.some((r: unknown) => JSON.stringify(r) === JSON.stringify(ref(roleId))))
    .flatMap((p) => p.PolicyDocument.Statement as Statement[]);
  const puts = own.filter((s) => list(s.Action).includes('dynamodb:PutItem') && list(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(arn(table))));
  const leadingKeys = (s: Statement, operator: string): string[] | undefined =>
    (s.Condition as Record<string, Record<string, string[]>> | undefined)?.[operator]?.['dynamodb:LeadingKeys'];
  const allowed = puts.some((s) => s.Effect === 'Allow' && (leadingKeys(s, 'ForAllValues:StringLike') ?? ['*']).some((p) => like(p, key)));
  const denied = puts.some((s) => s.Effect === 'Deny' && (leadingKeys(s, 'ForAnyValue:StringLike') ?? []).some((p) => like(p, key)));
  return allowed && !denied;
}

describe('IAM', () => {
  it('never allows a wildcard action or a `*` resource (no action the loop uses needs one)', () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      for (const action of list(s.Action)) expect(action, JSON.stringify(s)).not.toContain('*');
      for (const resource of list(s.Resource)) expect(resource, JSON.stringify(s)).not.toBe('*');
    }
  });

  it('attaches no managed policy (AWSLambdaBasicExecutionRole would log to `*`)', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets ingest consume its queue, read and append the log, mark a reconcile as requested and send to the reconcile queue', () => {
    expect(access(id(stack.ingest.role))).toEqual({
      ...logs('ingest'),
      [`\${${table}}`]: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], // PutItem: its streams only (below)
      [`\${${table}}/index/${EVENT_LOG_STREAMS_INDEX}`]: ['dynamodb:Query'],
      [`\${${reconcileQueue}}`]: send,
      [`\${${ingestQueue}}`]: consume,
      [`\${${fleetQueue}}`]: send, // a member DaemonSet moved: its fleet looks again
    });
  });

  it('lets reconcile consume its FIFO queue, read and append the log, prune snapshots, send timers, and reach a cluster only as its per-cluster role', () => {
    expect(access(id(stack.reconcile.role))).toEqual({
      ...logs('reconcile'),
      [`\${${table}}`]: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      [`\${${reconcileQueue}}`]: consume,
      [`\${${timerQueue}}`]: send,
      [`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${CLUSTER_ROLE_PATH}*`]: ['sts:AssumeRole', 'sts:TagSession'],
    });
    const assume = statements.find((s) => list(s.Action).includes('sts:AssumeRole'))!;
    expect(assume.Condition).toEqual({ StringLike: { [`aws:RequestTag/${CLUSTER_SESSION_TAG}`]: '?*' } });
    // Only a cluster's own role reads a secret, and only its cluster's.
    const secretReads = statements.filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue')).map((s) => render(s.Resource));
    expect(secretReads).toEqual([`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:daemonloop/clusters/prod-eu-??????`]);
  });

  it('lets timer consume and re-send to the delay queue, record that a timer fired, mark and send a reconcile request', () => {
    expect(access(id(stack.timer.role))).toEqual({
      ...logs('timer'),
      [`\${${table}}`]: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      [`\${${timerQueue}}`]: [...new Set([...consume, ...send])].sort(),
      [`\${${reconcileQueue}}`]: send,
      [`\${${fleetQueue}}`]: send,
    });
  });

  it('keeps commits append-only: updates and deletes reach reconcile-request marks only, batch writes snapshot partitions only', () => {
    const dynamodb = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
    const actions = new Set(dynamodb.flatMap((s) => list(s.Action)));
    expect(actions).toEqual(
      new Set([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Scan',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
      ]), // the checkpoint writer's index scan, the commit guard's stream
    );
    for (const s of dynamodb.filter((s) => list(s.Action).includes('dynamodb:BatchWriteItem'))) {
      expect(s.Action).toBe('dynamodb:BatchWriteItem');
      expect(s.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`*${EVENT_LOG_SNAPSHOT_SUFFIX}`] } });
    }
    for (const s of dynamodb.filter((s) => list(s.Action).some((a) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:DeleteItem'))) {
      expect(list(s.Action).every((a) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:DeleteItem')).toBe(true);
      expect(s.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${PENDING_RECONCILE_PREFIX}*`] } });
    }
  });

  it("lets the forwarder role, assumable only by this account's forwarder pods (namespace and service account pinned), put events under its own cluster's source alone", () => {
    const forwarder = ofType('AWS::IAM::Role').find(([logicalId]) => logicalId.startsWith('Forwarder'))!;
    expect(forwarder[1].Properties.Path).toBe(FORWARDER_ROLE_PATH);
    expect(forwarder[1].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: {
            'aws:SourceAccount': ref('AWS::AccountId'),
            'aws:RequestTag/kubernetes-namespace': 'daemonloop-system',
            'aws:RequestTag/kubernetes-service-account': 'daemonloop-forwarder',
          },
        },
      },
    ]);
    expect(access(forwarder[0])).toEqual({ [`\${${bus}}`]: ['events:PutEvents'] });
    const put = statements.find((s) => list(s.Action).includes('events:PutEvents'))!;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the IAM policy variable the role's condition carries
    expect(put.Condition).toEqual({ StringEquals: { 'events:source': forwarderSource('${aws:PrincipalTag/eks-cluster-name}') } });
  });

  it('denies PutEvents on the bus to every principal but a forwarder role, whatever its own policy says', () => {
    const [[, policy]] = ofType('AWS::Events::EventBusPolicy') as unknown as [[string, { Properties: { Statement: Record<string, unknown> } }]];
    expect(policy.Properties.Statement).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: arn(bus),
      Condition: {
        ArnNotLike: {
          'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::', ref('AWS::AccountId'), `:role${FORWARDER_ROLE_PATH}*`]] },
        },
      },
    });
  });

  it('lets each function PutItem only in the streams it appends to (reconcile also its cluster token bucket), and none the registry, which only the operator role writes', () => {
    const streams = {
      nodes: 'c1/nodes',
      pods: 'c1/pods/kube-system',
      daemonSet: 'c1/daemonsets/kube-system/agent',
      daemonSetSnapshot: 'c1/daemonsets/kube-system/agent#snapshot',
      nodesSnapshot: 'c1/nodes#snapshot',
      registry: REGISTRY_STREAM_ID,
      mark: 'queue/c1/daemonsets/kube-system/agent',
      rateLimit: 'ratelimit/c1', // the cluster's shared API token bucket (shared-token-bucket.ts): reconcile's only
      fleet: 'fleet/agents',
      fleetLedger: 'fleet/agents/budget', // a fleet member takes node budget: reconcile's too
    };
    const writable = (roleId: string) =>
      Object.entries(streams)
        .filter(([, key]) => mayPut(roleId, key))
        .map(([name]) => name);
    expect(writable(id(stack.ingest.role))).toEqual(['nodes', 'pods', 'daemonSet']);
    expect(writable(id(stack.reconcile.role))).toEqual(['daemonSet', 'daemonSetSnapshot', 'nodesSnapshot', 'rateLimit', 'fleetLedger']);
    expect(writable(id(stack.timer.role))).toEqual(['daemonSet']);
    expect(writable(id(byPath('Operator/Role')))).toEqual(['registry', 'fleet']); // fleet apply, approve, pause, undo; never a ledger
  });

  it('builds an access role per cluster named in context, under the path reconcile may assume', () => {
    const role = resources[id(byPath('Cluster-prod-eu/Role'))]!.Properties;
    expect(role).toMatchObject({ Path: CLUSTER_ROLE_PATH, RoleName: 'prod-eu' });
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain(id(stack.reconcile.role));
  });

  it('lets only Lambda assume the function roles', () => {
    for (const loop of Object.values(functions)) {
      expect(resources[id(loop.role)]!.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
  });
});
