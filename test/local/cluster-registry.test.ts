// The cluster registry: registrations in the event-log table, folded on read; credentials turned
// into a working API client (a Secrets Manager token here, against the simulator); EKS tokens
// shaped as `aws eks get-token` makes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLogTable } from '../../functions/adapters/event-store/table';
import { VirtualClock } from '../../functions/clock';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../functions/local/dynalite-server';
import { Simulator } from '../../functions/local/simulator/simulator';
import { RegistryClusterConnections } from '../../functions/registry/cluster-connections';
import { DynamoDbClusterRegistry } from '../../functions/registry/cluster-registry';
import { eksToken } from '../../functions/registry/eks-token';
import { delaySecondsUntil } from '../../functions/adapters/sqs/timer-queue';
import { reconcileDedupId } from '../../functions/adapters/sqs/reconcile-queue';

let db: LocalDynamoDb;
const clock = new VirtualClock();
beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createEventLogTable(db.client, 'registry-test');
});
afterAll(async () => db?.close());

const record = (clusterId: string, endpoint = 'https://k8s.example') => ({
  clusterId, endpoint, credentials: { kind: 'eks' as const, clusterName: clusterId }, registeredAt: clock.now().toISOString(),
});

describe('DynamoDbClusterRegistry', () => {
  it('finds a cluster registered by another process at once, and forgets a deregistered one', async () => {
    const reader = new DynamoDbClusterRegistry(db.client, 'registry-test', clock);
    const writer = new DynamoDbClusterRegistry(db.client, 'registry-test', clock);
    expect(await reader.lookup('prod-eu')).toBeUndefined();
    await writer.register(record('prod-eu'));
    await writer.register(record('prod-us'));
    expect(await reader.lookup('prod-eu')).toMatchObject({ endpoint: 'https://k8s.example' });
    await writer.register(record('prod-eu', 'https://moved.example'));
    await writer.deregister('prod-us');
    clock.advance(31_000); // past the reader's cache
    expect(await reader.lookup('prod-eu')).toMatchObject({ endpoint: 'https://moved.example' });
    expect(await reader.lookup('prod-us')).toBeUndefined();
    expect((await reader.list()).map((c) => c.clusterId)).toEqual(['prod-eu']);
  });

  it('keeps every registration when writers race', async () => {
    const writers = Array.from({ length: 4 }, () => new DynamoDbClusterRegistry(db.client, 'registry-test', clock));
    await Promise.all(writers.map((w, i) => w.register(record(`race-${i}`))));
    const ids = (await writers[0]!.list()).map((c) => c.clusterId).filter((id) => id.startsWith('race-'));
    expect(ids.sort()).toEqual(['race-0', 'race-1', 'race-2', 'race-3']);
  });
});

describe('RegistryClusterConnections', () => {
  it('reaches a cluster with the bearer token its Secrets Manager secret holds', async () => {
    const sim = new Simulator();
    await sim.start();
    try {
      sim.addNode('n1');
      const registry = new DynamoDbClusterRegistry(db.client, 'registry-test', clock);
      await registry.register({ clusterId: 'sim', endpoint: sim.url, credentials: { kind: 'secret', secretArn: 'arn:secret:sim' }, registeredAt: '' });
      const secrets: Record<string, string> = { 'arn:secret:sim': JSON.stringify({ token: sim.token }) };
      const connections = new RegistryClusterConnections(registry, { clock, readSecret: async (arn) => secrets[arn]! });
      const api = await connections.api('sim');
      const pod = { metadata: { name: 'probe', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } };
      expect(await api.createPod('default', pod)).toEqual({ outcome: 'succeeded' });
      await expect(connections.api('unknown')).rejects.toThrow(/not registered/);
    } finally {
      await sim.close();
    }
  });
});

describe('eksToken', () => {
  it('is k8s-aws-v1. + base64url of a presigned STS GetCallerIdentity URL that signs the cluster name header', async () => {
    const token = await eksToken('prod-eu', 'eu-west-1', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, new Date('2026-01-01T00:00:00Z'));
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260101T000000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260101/eu-west-1/sts/aws4_request');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('SQS message attributes', () => {
  it('delays timers in whole seconds rounded up, never past SQS\'s 900, and keeps dedup ids within 128 characters', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect([0, 1, 1001, 5000, 3_600_000, -5].map((ms) => delaySecondsUntil(new Date(now.getTime() + ms), now))).toEqual([0, 1, 2, 5, 900, 0]);
    const key = { clusterId: 'c', namespace: 'ns', name: 'ds' };
    expect(reconcileDedupId(key, 'c/NodeObserved/u/5')).toBe('c/daemonsets/ns/ds#c/NodeObserved/u/5');
    expect(reconcileDedupId(key, 'x'.repeat(200))).toMatch(/^[0-9a-f]{64}$/);
  });
});
