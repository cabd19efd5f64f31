// The stack's parameters come from CDK context: defaults when absent, `-c key=value` strings
// parsed, and a bad value stops the synth with the key's name.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { EVENT_LOG_TABLE_NAME } from '../../functions/adapters/event-store/keys';
import { DEFAULT_SETTINGS, readSettings, readStackName } from '../../infra/settings';

const settingsFrom = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

describe('readSettings', () => {
  it('falls back to the defaults, the table named as keys.ts names it', () => {
    expect(settingsFrom({})).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.tableName).toBe(EVENT_LOG_TABLE_NAME);
  });

  it('takes numbers given as `-c` strings and as JSON numbers (cdk.json)', () => {
    expect(settingsFrom({ reconcileConcurrency: '50', clusterQps: 5, busName: 'fleet-bus' })).toMatchObject({
      reconcileConcurrency: 50,
      clusterQps: 5,
      busName: 'fleet-bus',
    });
  });

  it('reads the clusters that get an access role: id, or id=EKS cluster name; a bad id fails by its rule', () => {
    expect(settingsFrom({ clusters: 'prod-eu=Prod_EU, on-prem-1' }).clusters).toEqual([
      { clusterId: 'prod-eu', eksCluster: 'Prod_EU' },
      { clusterId: 'on-prem-1' },
    ]);
    expect(() => settingsFrom({ clusters: 'ok,queue' })).toThrow(/context clusters: cluster id "queue" is reserved/);
  });

  it.each([
    ['reconcileConcurrency', '1', /reconcileConcurrency: want an integer from 2 to 1000/], // Lambda's minimum is 2
    ['reconcileBatchSize', 11, /reconcileBatchSize: want an integer from 1 to 10/], // a FIFO source takes ≤ 10
    ['clusterQps', '2.5', /clusterQps/],
    ['snapshotEvery', 'often', /snapshotEvery/],
    ['clusterBurst', '', /clusterBurst/],
    ['tableName', 'log table', /tableName: want 3–64 characters/],
    ['busName', 'x', /busName/],
  ])('rejects %s = %j by name', (key, value, message) => {
    expect(() => settingsFrom({ [key]: value })).toThrow(message);
  });
});

describe('readStackName', () => {
  const nameFrom = (context: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => readStackName(new App({ context }).node, env);

  it('takes `-c stackName`, then DAEMONLOOP_STACK_NAME, then Daemonloop', () => {
    expect(nameFrom({})).toBe('Daemonloop');
    expect(nameFrom({}, { DAEMONLOOP_STACK_NAME: 'daemonloop-staging' })).toBe('daemonloop-staging');
    expect(nameFrom({ stackName: 'Loop-Prod' }, { DAEMONLOOP_STACK_NAME: 'daemonloop-staging' })).toBe('Loop-Prod');
  });

  it('rejects a name CloudFormation would', () => {
    expect(() => nameFrom({ stackName: 'my_stack' })).toThrow(/stackName .*want a letter/);
    expect(() => nameFrom({}, { DAEMONLOOP_STACK_NAME: '1st' })).toThrow(/DAEMONLOOP_STACK_NAME/);
  });
});
