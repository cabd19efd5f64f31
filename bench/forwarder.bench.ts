// The forwarder's memory in a 5,000-node cluster with 100,000 pods (20 a node, one of them a
// daemon pod): the heap after its first lists and a full GC, in a process of its own
// (bench/forwarder-heap.ts), with the informers keeping projections (what it does) and, in the
// same run, whole objects (what it did before: the baseline; both list in pages of 500), and each
// process's peak RSS (the pod's memory limit must hold the first lists).
import { spawn } from 'node:child_process';
import type { V1Pod } from '@kubernetes/client-node';
import { VirtualClock } from '../functions/clock';
import { agentPod, createAgentDaemonSet, startSimulator } from '../test/support/simulator';
import type { BenchSuite } from './emit';

const NODES = Number(process.env.FORWARDER_BENCH_NODES ?? 5_000); // smaller for a quick look
const PODS_PER_NODE = 20;
const MB = 2 ** 20;

/** A workload pod as a Deployment makes it: two containers with resources, env, mounts and probes. */
const workloadPod = (i: number, nodeName: string): V1Pod => ({
  metadata: {
    name: `web-${i}`,
    namespace: 'default',
    labels: { app: 'web', 'pod-template-hash': '7d9f8b6c5d', tier: 'frontend' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d9f8b6c5d',
        uid: '6f1c2d3e-0000-4000-8000-000000000001',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
  },
  spec: {
    nodeName,
    containers: ['app', 'sidecar'].map((name) => ({
      name,
      image: `registry/team/${name}:1.2.3`,
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [1, 2, 3, 4, 5].map((n) => ({ name: `SETTING_${n}`, value: `value-${n}` })),
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      volumeMounts: [
        { name: 'config', mountPath: '/etc/app' },
        { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ],
      readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
    })),
    volumes: [
      { name: 'config', configMap: { name: 'web-config' } },
      { name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } },
    ],
  },
});

function heapOf(cache: 'projected' | 'whole', url: string, token: string): Promise<{ heapUsedBytes: number; peakRssBytes: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', 'bench/forwarder-heap.ts'], {
      env: { ...process.env, FORWARDER_CACHE: cache, SIMULATOR_URL: url, SIMULATOR_TOKEN: token },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`forwarder-heap (${cache}) exited ${code}`)),
    );
  });
}

const suite: BenchSuite = {
  name: 'forwarder',
  async run(emit) {
    const s = await startSimulator({ clock: new VirtualClock(), kubelet: { startDelayMs: 3_600_000, readyDelayMs: 0 }, historyLimit: 1_000 });
    try {
      const ds = createAgentDaemonSet(s.sim);
      let pod = 0;
      for (let n = 0; n < NODES; n++) {
        const node = `node-${n}`;
        s.sim.addNode(node);
        s.sim.createPod(agentPod(`agent-${n}`, node, { ownerUid: ds.metadata!.uid!, resources: { requests: { cpu: '50m', memory: '64Mi' } } }));
        for (let p = 1; p < PODS_PER_NODE; p++) s.sim.createPod(workloadPod(pod++, node));
      }
      const shape = `${NODES}x${NODES * PODS_PER_NODE}`;
      const whole = await heapOf('whole', s.url, s.sim.token);
      const projected = await heapOf('projected', s.url, s.sim.token);
      emit(`forwarder.memory.${shape}.heap_mb`, projected.heapUsedBytes / MB, 'MB');
      emit(`forwarder.memory.${shape}.heap_mb_whole_objects`, whole.heapUsedBytes / MB, 'MB');
      emit(`forwarder.memory.${shape}.heap_ratio_to_whole_objects`, projected.heapUsedBytes / whole.heapUsedBytes, 'ratio');
      emit(`forwarder.memory.${shape}.peak_rss_mb`, projected.peakRssBytes / MB, 'MB');
      emit(`forwarder.memory.${shape}.peak_rss_mb_whole_objects`, whole.peakRssBytes / MB, 'MB');
      emit(`forwarder.memory.${shape}.observations_sent`, projected.sent, 'events');
    } finally {
      await s.close();
    }
  },
};
export default suite;
