// Every failed cluster API request is counted as KubernetesApiFailures with its ClusterId and
// Code — the 4xx as is, 5xx grouped, a deadline as `timeout` — through the real client-node against
// the simulator. The stack alarms per cluster on 5xx, 429 and timeouts (infra/constructs/cluster-alarms.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { VirtualClock } from '../../functions/clock';
import { localTelemetry } from '../../functions/observability';
import { KUBERNETES_API_FAILURES_METRIC, RegistryClusterConnections } from '../../functions/registry/cluster-connections';
import type { ClusterRecord } from '../../functions/registry/cluster-record';
import { startSimulator, type StartedSimulator } from '../support/simulator';

let s: StartedSimulator;
beforeAll(async () => {
  s = await startSimulator({ token: 'token-1' });
});
afterAll(() => s.close());

const pod = (name: string): V1Pod => ({ metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } });

describe('cluster API failures by code', () => {
  it('counts each failed request under its cluster and code, and nothing for one that succeeds', async () => {
    const telemetry = localTelemetry('silent');
    const record: ClusterRecord = {
      clusterId: 'edge-7',
      endpoint: s.url,
      credentials: { kind: 'secret', secretArn: 'arn:secret', roleArn: 'arn:aws:iam::1:role/daemonloop-cluster/edge-7' },
      labels: {},
      registeredAt: '',
    };
    const connections = new RegistryClusterConnections(
      { lookup: async () => record },
      {
        clock: new VirtualClock(),
        qps: 1000,
        burst: 1000,
        telemetry,
        requestTimeoutMs: 300,
        aws: {
          assumeClusterRole: () => ({ accessKeyId: 'a', secretAccessKey: 's' }),
          readSecret: async () => JSON.stringify({ token: 'token-1' }),
          describeEksCluster: async () => {
            throw new Error('not an EKS cluster');
          },
        },
      },
    );
    const api = await connections.api('edge-7');
    s.sim.failNext({ verb: 'create', path: '/pods', code: 503 });
    s.sim.failNext({ verb: 'create', path: '/pods', code: 500 });
    s.sim.failNext({ verb: 'create', path: '/pods', code: 429, retryAfterSeconds: 1 });
    s.sim.failNext({ verb: 'create', path: '/pods', code: 'hang' });
    for (let i = 0; i < 4; i++) expect(await api.createPod('default', pod(`p${i}`))).toMatchObject({ outcome: 'failed', retryable: true });
    expect(await api.deletePod('default', 'absent', 'uid')).toMatchObject({ outcome: 'already-done' }); // a 404, counted though harmless
    expect(await api.createPod('default', pod('ok'))).toMatchObject({ outcome: 'succeeded' });

    const byCode = Object.fromEntries([...telemetry.counts].filter(([k]) => k.startsWith(`${KUBERNETES_API_FAILURES_METRIC}{`)));
    expect(byCode).toEqual({
      [`${KUBERNETES_API_FAILURES_METRIC}{ClusterId=edge-7,Code=5xx}`]: 2,
      [`${KUBERNETES_API_FAILURES_METRIC}{ClusterId=edge-7,Code=429}`]: 1,
      [`${KUBERNETES_API_FAILURES_METRIC}{ClusterId=edge-7,Code=timeout}`]: 1,
      [`${KUBERNETES_API_FAILURES_METRIC}{ClusterId=edge-7,Code=404}`]: 1,
    });
    expect(telemetry.counts.get(KUBERNETES_API_FAILURES_METRIC)).toBe(5);
  });
});
