// The fleet loop in the stack (infra/constructs/fleet-reconcile.ts): its own FIFO and function,
// woken by the log's stream (fleet commits), ingest and the timer; its role reads the log,
// appends under `fleet/` only, never the registry, and reaches a member only as that cluster's role.
import { readFileSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { EVENT_LOG_PARTITION_KEY } from '../../functions/adapters/event-store/keys';
import * as configNames from '../../functions/config-names';
import { FLEET_QUEUE_URL_ENV, TABLE_NAME_ENV, TIMER_QUEUE_URL_ENV } from '../../functions/config-names';
import { CLUSTER_SESSION_TAG } from '../../functions/registry/cluster-aws';
import { REGISTRY_STREAM_ID } from '../../functions/registry/cluster-registry';
import { CLUSTER_ROLE_PATH } from '../../infra/constructs/cluster-access';
import { FLEET_TIMEOUT } from '../../infra/constructs/fleet-reconcile';
import { repoPath } from '../../infra/constructs/loop-function';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { readSettings } from '../../infra/settings';

const app = new App({ context: { clusters: 'prod-eu=Prod_EU,dev', 'aws:cdk:bundling-stacks': [] } });
const stack = new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const id = (construct: IConstruct): string => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const byPath = (path: string): IConstruct => path.split('/').reduce<IConstruct>((c, part) => c.node.findChild(part), stack.controlPlane);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const ref = (logicalId: string) => ({ Ref: logicalId });
const arn = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

const table = id(byPath('EventLog/Table'));
const fleetQueue = id(byPath('FleetReconcile/Fleet'));
const fleetDeadLetters = id(byPath('FleetReconcile/FleetDeadLetters'));
const timerQueue = id(byPath('Queues/Timer'));
const fleetFn = byPath('FleetReconcile/Reconcile/Function');
const fleetRole = id(byPath('FleetReconcile/Reconcile/Role'));

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown };
const policiesOf = (roleId: string): Statement[] =>
  ofType('AWS::IAM::Policy')
    .map(([, p]) => p.Properties)
    .filter((p) => p.Roles.some((r: unknown) => JSON.stringify(r) === JSON.stringify(ref(roleId))))
    .flatMap((p) => p.PolicyDocument.Statement as Statement[]);
const render = (resource: unknown): string => {
  const r = resource as Record<string, any>;
  if (typeof resource === 'string') return resource;
  if (r.Ref) return `\${${r.Ref}}`;
  if (r['Fn::GetAtt']) return `\${${r['Fn::GetAtt'][0]}}`;
  if (r['Fn::Join']) return (r['Fn::Join'][1] as unknown[]).map(render).join(r['Fn::Join'][0]);
  throw new Error(`unexpected resource ${JSON.stringify(resource)}`);
};
const access = (roleId: string): Record<string, string[]> => {
  const grants: Record<string, Set<string>> = {};
  for (const s of policiesOf(roleId).filter((s) => s.Effect === 'Allow'))
    for (const r of list(s.Resource)) for (const a of list(s.Action)) (grants[render(r)] ??= new Set()).add(a);
  return Object.fromEntries(Object.entries(grants).map(([r, actions]) => [r, [...actions].sort()]));
};
const like = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  ).test(value);
function mayPut(roleId: string, key: string): boolean {
  const puts = policiesOf(roleId).filter(
    (s) => list(s.Action).includes('dynamodb:PutItem') && list(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(arn(table))),
  );
  const keys = (s: Statement, operator: string) => s.Condition?.[operator]?.['dynamodb:LeadingKeys'] as string[] | undefined;
  const allowed = puts.some((s) => s.Effect === 'Allow' && (keys(s, 'ForAllValues:StringLike') ?? ['*']).some((p) => like(p, key)));
  const denied = puts.some((s) => s.Effect === 'Deny' && (keys(s, 'ForAnyValue:StringLike') ?? []).some((p) => like(p, key)));
  return allowed && !denied;
}

describe('fleet reconcile: resources', () => {
  it('runs the fleet handler on its own FIFO queue (content dedup off, per-group throughput), parked in a FIFO dead-letter queue', () => {
    const fn = resources[id(fleetFn)]!.Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: FLEET_TIMEOUT.toSeconds(),
      RecursiveLoop: 'Allow',
    });
    const queue = resources[fleetQueue]!.Properties;
    expect(queue).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      VisibilityTimeout: 6 * FLEET_TIMEOUT.toSeconds(),
    });
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: arn(fleetDeadLetters), maxReceiveCount: 5 });
    expect(resources[fleetDeadLetters]!.Properties.FifoQueue).toBe(true);
    const mappings = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, m]) => {
        const { Tags: _tags, ...properties } = m.Properties;
        return properties;
      })
      .filter((m) => JSON.stringify(m.FunctionName) === JSON.stringify(ref(id(fleetFn))));
    expect(mappings).toContainEqual({
      EventSourceArn: arn(fleetQueue),
      FunctionName: ref(id(fleetFn)),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it("is woken by new commits under fleet/ in the log's stream (an operator's apply, approve, pause), filtered to inserts", () => {
    const [stream] = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties)
      .filter((m) => m.StartingPosition && JSON.stringify(m.FunctionName) === JSON.stringify(ref(id(fleetFn))));
    expect(stream!.EventSourceArn).toEqual({ 'Fn::GetAtt': [table, 'StreamArn'] });
    expect(stream!.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { Keys: { [EVENT_LOG_PARTITION_KEY]: { S: [{ prefix: 'fleet/' }] } } } },
    ]);
  });

  it('sets on the fleet function each variable fleet-aws-deps.ts requires, and the fleet queue on ingest and timer (who ask for fleet reconciles)', () => {
    const env = resources[id(fleetFn)]!.Properties.Environment.Variables;
    expect(env).toMatchObject({ [TABLE_NAME_ENV]: ref(table), [FLEET_QUEUE_URL_ENV]: ref(fleetQueue), [TIMER_QUEUE_URL_ENV]: ref(timerQueue) });
    const source = readFileSync(repoPath('functions/handlers/fleet-aws-deps.ts'), 'utf8');
    const required = [...source.matchAll(/requireEnv\(([A-Z_]+_ENV)\b/g)].map((m) => (configNames as Record<string, string>)[m[1]!]!);
    expect(required).toEqual(expect.arrayContaining([TABLE_NAME_ENV, FLEET_QUEUE_URL_ENV, TIMER_QUEUE_URL_ENV]));
    for (const name of required) expect(Object.keys(env), name).toContain(name);
    for (const asker of [stack.ingest, stack.timer])
      expect(resources[id(asker.fn)]!.Properties.Environment.Variables[FLEET_QUEUE_URL_ENV]).toEqual(ref(fleetQueue));
  });
});

describe('fleet reconcile: IAM', () => {
  it('lets the fleet role read the log and its stream, consume and send its queue, send wake-ups, and assume only per-cluster roles', () => {
    const logs = id(byPath('FleetReconcile/Reconcile/Logs'));
    expect(access(fleetRole)).toEqual({
      [`\${${logs}}`]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [`\${${table}}`]: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], // PutItem: fleet/ only (below)
      [`\${${table}}/stream/*`]: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      [`\${${fleetQueue}}`]: [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ],
      [`\${${timerQueue}}`]: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
      [`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${CLUSTER_ROLE_PATH}*`]: ['sts:AssumeRole', 'sts:TagSession'],
    });
    const assume = policiesOf(fleetRole).find((s) => list(s.Action).includes('sts:AssumeRole'))!;
    expect(assume.Condition).toEqual({ StringLike: { [`aws:RequestTag/${CLUSTER_SESSION_TAG}`]: '?*' } });
  });

  it('lets the fleet role PutItem only under fleet/ (its stream and its ledger): never a DaemonSet stream, snapshot, mark or the registry', () => {
    const keys = {
      fleet: 'fleet/agents',
      fleetLedger: 'fleet/agents/budget',
      daemonSet: 'c1/daemonsets/kube-system/agent',
      nodes: 'c1/nodes',
      pods: 'c1/pods/kube-system',
      snapshot: 'c1/daemonsets/kube-system/agent#snapshot',
      registry: REGISTRY_STREAM_ID,
      mark: 'queue/c1/daemonsets/kube-system/agent',
      rateLimit: 'ratelimit/c1',
    };
    expect(
      Object.entries(keys)
        .filter(([, key]) => mayPut(fleetRole, key))
        .map(([name]) => name),
    ).toEqual(['fleet', 'fleetLedger']);
    // Reconcile may add to a ledger (a member takes node budget) but not to a fleet's own stream.
    expect(mayPut(id(stack.reconcile.role), 'fleet/agents/budget')).toBe(true);
    expect(mayPut(id(stack.reconcile.role), 'fleet/agents')).toBe(false);
    // No update, delete or batch write: fleet commits stay append-only.
    const writes = policiesOf(fleetRole)
      .flatMap((s) => list(s.Action))
      .filter((a) => /dynamodb:(UpdateItem|DeleteItem|BatchWriteItem)/.test(a));
    expect(writes).toEqual([]);
  });

  it("admits the fleet role into each cluster's access role only with the session tag naming that cluster", () => {
    for (const clusterId of ['prod-eu', 'dev']) {
      const trust = resources[id(byPath(`Cluster-${clusterId}/Role`))]!.Properties.AssumeRolePolicyDocument.Statement as Statement[];
      const fleet = trust.filter((s) => JSON.stringify(s.Principal).includes(fleetRole));
      expect(fleet).toHaveLength(1);
      expect(fleet[0]!.Condition).toEqual({ StringEquals: { [`aws:RequestTag/${CLUSTER_SESSION_TAG}`]: clusterId } });
      expect(list(fleet[0]!.Action).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    }
  });
});
