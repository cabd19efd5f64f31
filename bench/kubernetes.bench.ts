// The Kubernetes side's throughput: pod creates through client-node over HTTP into the simulator,
// and the forwarder's path simulator → informers → projection → PutEvents (the real EventBridge
// client against a local endpoint), for a 5,000-node cluster's initial list and for live changes.
import { KubernetesCluster } from '../functions/adapters/kubernetes/kubernetes-cluster';
import { systemClock } from '../functions/clock';
import { eventBridgeSink, runForwarder } from '../functions/forwarder';
import { localTelemetry } from '../functions/observability';
import { agentPod, createAgentDaemonSet, startSimulator } from '../test/support/simulator';
import { startPutEventsEndpoint } from '../test/forwarder/put-events-endpoint';
import { median, type BenchSuite } from './emit';

const RUNS = 3;
const CREATES = 2_000;
const IN_FLIGHT = 32;
const NODES = 5_000;
const LIVE_CHANGES = 1_000;

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

/** Pod creates a second: CREATES pods, IN_FLIGHT at a time, through the adapter (rate limit lifted). */
async function podCreatesPerSecond(): Promise<number> {
  const s = await startSimulator({ kubelet: { startDelayMs: 3_600_000, readyDelayMs: 0 } });
  try {
    const cluster = new KubernetesCluster(s.kubeConfig, { qps: 1e9, burst: 1e9 });
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < CREATES) {
          const i = next++;
          const result = await cluster.createPod('default', agentPod(`agent-${i}`, `node-${i}`));
          if (result.outcome !== 'succeeded') throw new Error(`create failed: ${result.reason}`);
        }
      }),
    );
    return CREATES / ((performance.now() - start) / 1000);
  } finally {
    await s.close();
  }
}

/** The same creates without HTTP (the simulator's own cost): the baseline for the figure above. */
async function inProcessPodCreatesPerSecond(): Promise<number> {
  const s = await startSimulator({ kubelet: { startDelayMs: 3_600_000, readyDelayMs: 0 } });
  try {
    const start = performance.now();
    for (let i = 0; i < CREATES; i++) s.sim.createPod(agentPod(`agent-${i}`, `node-${i}`));
    return CREATES / ((performance.now() - start) / 1000);
  } finally {
    await s.close();
  }
}

/** Observations a second reaching PutEvents: the initial list of NODES nodes and daemon pods, then LIVE_CHANGES pod changes. */
async function forwarderEventsPerSecond(): Promise<{ initial: number; live: number }> {
  const s = await startSimulator({ kubelet: { startDelayMs: 3_600_000, readyDelayMs: 0 } });
  const bus = await startPutEventsEndpoint();
  try {
    const ds = createAgentDaemonSet(s.sim);
    for (let i = 0; i < NODES; i++) {
      s.sim.addNode(`node-${i}`);
      s.sim.createPod(agentPod(`agent-${i}`, `node-${i}`, { ownerUid: ds.metadata!.uid! }));
    }
    const sink = eventBridgeSink({ eventBus: 'daemonloop', clock: systemClock, client: bus.client() });
    let start = performance.now();
    const forwarder = await runForwarder({ clusterId: 'bench', kubeConfig: s.kubeConfig, eventBus: 'daemonloop', sink, telemetry: localTelemetry('silent') });
    await forwarder.idle();
    const initial = bus.accepted.length / ((performance.now() - start) / 1000);

    const before = bus.accepted.length;
    start = performance.now();
    for (let i = 0; i < LIVE_CHANGES; i++) s.sim.labelPod('default', `agent-${i}`, { revision: '2' });
    await until(() => bus.accepted.length >= before + LIVE_CHANGES);
    await forwarder.idle();
    const live = LIVE_CHANGES / ((performance.now() - start) / 1000);
    await forwarder.stop();
    return { initial, live };
  } finally {
    await bus.close();
    await s.close();
  }
}

const suite: BenchSuite = {
  name: 'kubernetes',
  async run(emit) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const creates: number[] = [];
    for (let i = 0; i < RUNS; i++) creates.push(await podCreatesPerSecond());
    emit('sim.pod_creates_per_s', median(creates), 'pods/s');
    const inProcess: number[] = [];
    for (let i = 0; i < RUNS; i++) inProcess.push(await inProcessPodCreatesPerSecond());
    emit('sim.pod_creates_per_s.in_process_over_http', median(inProcess) / median(creates), 'ratio'); // what HTTP and client-node cost

    const forwarded: { initial: number; live: number }[] = [];
    for (let i = 0; i < RUNS; i++) forwarded.push(await forwarderEventsPerSecond());
    emit('forwarder.events_per_s', median(forwarded.map((f) => f.live)), 'events/s');
    emit('forwarder.initial_list_5000_nodes.events_per_s', median(forwarded.map((f) => f.initial)), 'events/s');
  },
};
export default suite;
