// DaemonloopControlPlane is the whole loop as one construct: the stack is its thin wrapper, a
// user's own stack can hold it, its stateful resources keep the logical ids they had before the
// move (a new id would replace the table: an empty event log), every resource is tagged, and
// cdk.json sets CDK's recommended feature flags.
import { Stack, TagManager, CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { APP_TAG, COMPONENT_TAG, DaemonloopControlPlane } from '../../infra/control-plane';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { readSettings } from '../../infra/settings';
import { CDK_JSON_CONTEXT, cdkApp } from './cdk-app';

const app = cdkApp({ clusters: 'prod-eu=Prod_EU' });
const stack = new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, any> }>;

describe('DaemonloopControlPlane', () => {
  it('keeps the logical ids the stateful resources had when the stack held them directly (a changed id replaces the resource)', () => {
    const stateful = Object.entries(resources)
      .filter(([, r]) => /^AWS::(DynamoDB::Table|S3::Bucket|KMS::Key|SQS::Queue|Events::EventBus|SNS::Topic)$/.test(r.Type))
      .map(([id, r]) => `${r.Type} ${id}`)
      .sort();
    expect(stateful).toEqual([
      'AWS::DynamoDB::Table EventLogTable9CC67CCE',
      'AWS::Events::EventBus IngestPathBusA5625090',
      'AWS::KMS::Key TamperEvidenceSigningKey45F4D995',
      'AWS::S3::Bucket TamperEvidenceCheckpoints8E2802AB',
      'AWS::SNS::Topic AlarmsTopic3A2DFEBA',
      'AWS::SQS::Queue FleetReconcileFleetB263CE84',
      'AWS::SQS::Queue FleetReconcileFleetDeadLettersAF0C5207',
      'AWS::SQS::Queue IngestPathDeadLettersDC677BA4',
      'AWS::SQS::Queue IngestPathQueueB529A533',
      'AWS::SQS::Queue QueuesReconcileD7E57925',
      'AWS::SQS::Queue QueuesReconcileDeadLetters40DE6359',
      'AWS::SQS::Queue QueuesTimer581478EF',
      'AWS::SQS::Queue QueuesTimerDeadLetters087C5C0A',
    ]);
  });

  it('tags every taggable resource with app and its component', () => {
    const taggable = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TagManager.isTaggable(c));
    expect(taggable.length).toBeGreaterThan(20);
    for (const resource of taggable) {
      const logicalId = stack.getLogicalId(resource);
      const tags = resources[logicalId]?.Properties?.Tags as { Key: string; Value: string }[] | Record<string, string> | undefined;
      const pairs = Array.isArray(tags) ? Object.fromEntries(tags.map((t) => [t.Key, t.Value])) : (tags ?? {});
      expect(pairs[APP_TAG.key], `${resource.cfnResourceType} ${logicalId}`).toBe(APP_TAG.value);
      expect(pairs[COMPONENT_TAG], `${resource.cfnResourceType} ${logicalId}`).toMatch(
        /^(event-log|ingest|reconcile|timer|fleet|forwarder|operator|operations|tamper-evidence)$/,
      );
    }
    expect(resources.EventLogTable9CC67CCE!.Properties!.Tags).toContainEqual({ Key: COMPONENT_TAG, Value: 'event-log' });
  });

  it('goes into a stack of your own, under any id, with typed settings checked as context is', () => {
    const own = new Stack(cdkApp(), 'Platform');
    const loop = new DaemonloopControlPlane(own, 'Daemonloop', { settings: { busName: 'platform-bus', clusters: [{ clusterId: 'edge-1' }] } });
    const t = Template.fromStack(own);
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'platform-bus' });
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'edge-1' });
    expect(loop.settings.reconcileConcurrency).toBe(10); // the defaults fill in the rest
    expect(Object.keys(t.toJSON().Outputs).some((o) => /^DaemonloopEventBusArn[0-9A-F]{8}$/.test(o))).toBe(true); // under the construct's id, as any construct's
    expect(() => new DaemonloopControlPlane(new Stack(cdkApp(), 'Bad'), 'Loop', { settings: { reconcileBatchSize: 11 } })).toThrow(
      /settings reconcileBatchSize: want an integer from 1 to 10/,
    );
    expect(() => new DaemonloopControlPlane(new Stack(cdkApp(), 'Bad'), 'Loop', { settings: { clusters: [{ clusterId: 'queue' }] } })).toThrow(
      /settings clusters: cluster id "queue" is reserved/,
    );
  });
});

describe('cdk.json', () => {
  // Usage data beyond the CLI's: the project opts out of telemetry (cli-telemetry: false).
  const NOT_RECOMMENDED: Record<string, unknown> = { [cxapi.ENABLE_ADDITIONAL_METADATA_COLLECTION]: false };

  it('sets every feature flag CDK recommends today, at the recommended value but for the ones we decline', () => {
    for (const [flag, value] of Object.entries(cxapi.CURRENTLY_RECOMMENDED_FLAGS)) {
      expect(CDK_JSON_CONTEXT[flag], flag).toEqual(flag in NOT_RECOMMENDED ? NOT_RECOMMENDED[flag] : value);
    }
  });
});
