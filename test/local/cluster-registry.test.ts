// The cluster registry: registrations in the event-log table, folded on read; credentials turned
// into a working API client (a Secrets Manager token here, against the simulator); EKS tokens
// shaped as `aws eks get-token` makes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLogTable } from '../../functions/adapters/event-store/table';
import { VirtualClock } from '../../functions/clock';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../functions/local/dynalite-server';
import { Simulator } from '../../functions/local/simulator/simulator';
import { localTelemetry } from '../../functions/observability';
import { RegistryClusterConnections } from '../../functions/registry/cluster-connections';
import { DynamoDbClusterRegistry, REGISTRY_STREAM_ID } from '../../functions/registry/cluster-registry';
import { decodeJson, encodeJson } from '../../functions/adapters/event-store/codec';
import { EVENT_LOG_EVENTS_ATTRIBUTE } from '../../functions/adapters/event-store/keys';
import { rawDynamoDbItems } from '../adapters/event-store/raw-dynamodb-items';
import { CLUSTER_SESSION_TAG, type ClusterAws } from '../../functions/registry/cluster-aws';
import type { ClusterRecord } from '../../functions/registry/cluster-record';
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

const ROLE = 'arn:aws:iam::123456789012:role/daemonloop-cluster/prod';
const record = (clusterId: string, endpoint = 'https://k8s.example'): ClusterRecord => ({
  clusterId,
  endpoint,
  credentials: { kind: 'secret', secretArn: `arn:secret:${clusterId}`, roleArn: ROLE },
  labels: {},
  registeredAt: clock.now().toISOString(),
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

  it('refuses to answer from a registry commit rewritten to move a cluster’s endpoint, naming the commit', async () => {
    await createEventLogTable(db.client, 'registry-tampered');
    const writer = new DynamoDbClusterRegistry(db.client, 'registry-tampered', clock);
    await writer.register(record('prod-eu'));
    await writer.label('prod-eu', { tier: 'gold' }, []);
    const items = rawDynamoDbItems(db.client, 'registry-tampered');
    const item = await items.get(REGISTRY_STREAM_ID, 1);
    const [change] = decodeJson<{ cluster: ClusterRecord }[]>(item[EVENT_LOG_EVENTS_ATTRIBUTE] as Uint8Array);
    item[EVENT_LOG_EVENTS_ATTRIBUTE] = encodeJson([{ ...change, cluster: { ...change!.cluster, endpoint: 'https://attacker.example' } }]);
    await items.put(item);
    const reader = new DynamoDbClusterRegistry(db.client, 'registry-tampered', clock);
    await expect(reader.lookup('prod-eu')).rejects.toThrow(
      `stream ${REGISTRY_STREAM_ID}: commit 1 does not match the hash chain: its contents do not match its hash`,
    );
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
      await registry.register({
        clusterId: 'sim',
        endpoint: sim.url,
        credentials: { kind: 'secret', secretArn: 'arn:secret:sim', roleArn: ROLE },
        labels: {},
        registeredAt: '',
      });
      const aws = recordingAws({ 'arn:secret:sim': JSON.stringify({ token: sim.token }) });
      const connections = new RegistryClusterConnections(registry, { clock, aws });
      const api = await connections.api('sim');
      const pod = { metadata: { name: 'probe', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } };
      expect(await api.createPod('default', pod)).toEqual({ outcome: 'succeeded' });
      expect(aws.calls).toEqual([`assume ${ROLE} ${CLUSTER_SESSION_TAG}=sim`, `secret arn:secret:sim as sim`]);
      await expect(connections.api('unknown')).rejects.toThrow(/not registered/);
    } finally {
      await sim.close();
    }
  });

  it("reaches an EKS cluster at the endpoint eks:DescribeCluster answers, as the cluster's own role", async () => {
    const sim = new Simulator();
    await sim.start();
    try {
      const registry = new DynamoDbClusterRegistry(db.client, 'registry-test', clock);
      await registry.register({
        clusterId: 'eks-sim',
        credentials: { kind: 'eks', clusterName: 'Sim_EKS', region: 'eu-west-1', roleArn: ROLE },
        labels: {},
        registeredAt: '',
      });
      const aws = recordingAws({}, sim.url);
      const telemetry = localTelemetry('silent');
      const api = await new RegistryClusterConnections(registry, { clock, aws, telemetry }).api('eks-sim');
      expect(aws.calls).toEqual([`assume ${ROLE} ${CLUSTER_SESSION_TAG}=eks-sim`, 'describe Sim_EKS in eu-west-1 as eks-sim']);
      // The simulator knows no EKS token: a 401 proves the request went to the described endpoint
      // (retryable: a refused token drops the cached client and the next call signs a fresh one).
      expect(await api.createPod('default', { metadata: { name: 'p' }, spec: { containers: [] } })).toMatchObject({ outcome: 'failed', retryable: true });
      expect(telemetry.counts.get('ClusterAuthFailed')).toBe(1); // the described endpoint answered 401
    } finally {
      await sim.close();
    }
  });

  it('refuses a plain-http endpoint that is not on this machine, even when the registry holds one', async () => {
    const lying = { lookup: async () => ({ ...record('far'), endpoint: 'http://10.0.0.1:6443' }) };
    const connections = new RegistryClusterConnections(lying, { clock, aws: recordingAws({ 'arn:secret:far': JSON.stringify({ token: 't' }) }) });
    await expect(connections.api('far')).rejects.toThrow(/only https is allowed/);
  });
});

/** ClusterAws that answers from memory and records who asked for what, as which cluster's role. */
function recordingAws(secrets: Record<string, string>, eksEndpoint = 'https://eks.example'): ClusterAws & { calls: string[] } {
  const calls: string[] = [];
  const as = (credentials: unknown) => (credentials as { accessKeyId: string }).accessKeyId;
  return {
    calls,
    assumeClusterRole: (roleArn, clusterId) => {
      calls.push(`assume ${roleArn} ${CLUSTER_SESSION_TAG}=${clusterId}`);
      return { accessKeyId: clusterId, secretAccessKey: 'x' };
    },
    readSecret: async (arn, credentials) => {
      calls.push(`secret ${arn} as ${as(credentials)}`);
      return secrets[arn]!;
    },
    describeEksCluster: async (name, region, credentials) => {
      calls.push(`describe ${name} in ${region} as ${as(credentials)}`);
      return { endpoint: eksEndpoint, caData: Buffer.from('not a CA').toString('base64') };
    },
  };
}

describe('registration rules', () => {
  const registry = () => new DynamoDbClusterRegistry(db.client, 'registry-test', clock);

  it('refuses a bad cluster id, naming the rule, and writes nothing', async () => {
    await expect(registry().register(record('queue'))).rejects.toThrow(/cluster id "queue" is reserved/);
    await expect(registry().register(record('a/b'))).rejects.toThrow(/is not a DNS-1123 label/);
    await expect(registry().register(record('Prod#1'))).rejects.toThrow(/is not a DNS-1123 label/);
    expect((await registry().list()).map((c) => c.clusterId)).not.toContain('queue');
  });

  it('refuses plain http off this machine, and a stored endpoint or CA for EKS', async () => {
    await expect(registry().register(record('plain', 'http://k8s.example'))).rejects.toThrow(/only https is allowed/);
    await expect(registry().register({ ...record('eks'), credentials: { kind: 'eks', clusterName: 'eks', roleArn: ROLE } })).rejects.toThrow(
      /eks:DescribeCluster/,
    );
    await registry().register(record('loopback', 'http://127.0.0.1:6443'));
  });

  it('keeps labels, sets and removes them, and merges label edits that race', async () => {
    const r = registry();
    await r.register({ ...record('labeled'), labels: { env: 'prod', region: 'eu' } });
    await Promise.all([r.label('labeled', { tier: 'gold' }, ['region']), registry().label('labeled', { team: 'infra' }, [])]);
    expect((await r.list()).find((c) => c.clusterId === 'labeled')?.labels).toEqual({ env: 'prod', tier: 'gold', team: 'infra' });
    await expect(r.label('labeled', { 'bad key!': 'x' }, [])).rejects.toThrow(/label key "bad key!"/);
    await expect(r.label('nobody', { a: 'b' }, [])).rejects.toThrow(/not registered/);
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
  it("delays timers in whole seconds rounded up, never past SQS's 900, and keeps dedup ids within 128 characters", () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect([0, 1, 1001, 5000, 3_600_000, -5].map((ms) => delaySecondsUntil(new Date(now.getTime() + ms), now))).toEqual([0, 1, 2, 5, 900, 0]);
    const key = { clusterId: 'c', namespace: 'ns', name: 'ds' };
    expect(reconcileDedupId(key, 'c/NodeObserved/u/5')).toBe('c/daemonsets/ns/ds#c/NodeObserved/u/5');
    expect(reconcileDedupId(key, 'x'.repeat(200))).toMatch(/^[0-9a-f]{64}$/);
  });
});
