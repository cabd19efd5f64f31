// A rotated cluster token is picked up by the warm process: the API server's 401 drops the cached
// client (counted as ClusterAuthFailed, which is alarmed), the failure is retryable, and the next
// call reads the secret again — no cold start. Unrefused, a secret's token is re-read after its TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/clock';
import { localTelemetry } from '../../functions/observability';
import { RegistryClusterConnections, SECRET_TOKEN_REUSE_MS } from '../../functions/registry/cluster-connections';
import type { ClusterRecord } from '../../functions/registry/cluster-record';
import { startSimulator, type StartedSimulator } from '../support/simulator';

let s: StartedSimulator;
beforeAll(async () => {
  s = await startSimulator({ token: 'token-1' });
});
afterAll(() => s.close());

describe('a rotated cluster token', () => {
  it('recovers on the next call after a 401, and is re-read after the TTL without one', async () => {
    const clock = new VirtualClock(new Date('2026-01-01T00:00:00Z'));
    const telemetry = localTelemetry('silent');
    let secret = 'token-1';
    let reads = 0;
    const record: ClusterRecord = {
      clusterId: 'c1',
      endpoint: s.url,
      credentials: { kind: 'secret', secretArn: 'arn:secret', roleArn: 'arn:aws:iam::1:role/daemonloop-cluster/c1' },
      labels: {},
      registeredAt: '',
    };
    const connections = new RegistryClusterConnections(
      { lookup: async () => record },
      {
        clock,
        qps: 1000,
        burst: 1000,
        telemetry,
        aws: {
          // the cluster's own role reads its secret (cluster-aws.ts); each read is one GetSecretValue
          assumeClusterRole: () => ({ accessKeyId: 'a', secretAccessKey: 's' }),
          readSecret: async () => {
            reads++;
            return JSON.stringify({ token: secret });
          },
          describeEksCluster: async () => {
            throw new Error('not an EKS cluster');
          },
        },
      },
    );
    const probe = async () => (await connections.api('c1')).deletePod('default', 'absent', 'uid'); // 404: already done, if we get in

    expect(await probe()).toMatchObject({ outcome: 'already-done' });
    s.sim.rotateToken('token-2');
    secret = 'token-2';
    expect(await probe()).toMatchObject({ outcome: 'failed', retryable: true }); // the old token, refused
    expect(telemetry.counts.get('ClusterAuthFailed')).toBe(1);
    expect(await probe()).toMatchObject({ outcome: 'already-done' }); // the same process, the new token
    expect(reads).toBe(2);

    s.sim.rotateToken('token-3');
    secret = 'token-3';
    clock.advance(SECRET_TOKEN_REUSE_MS);
    expect(await probe()).toMatchObject({ outcome: 'already-done' }); // re-read after the TTL, before any refusal
    expect(reads).toBe(3);
  });
});
