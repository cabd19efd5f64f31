// The forwarder in a process of its own (spawned by bench/forwarder.bench.ts), so its heap is
// measured apart from the simulator's: it lists and watches the cluster at SIMULATOR_URL, sends to
// a sink that keeps nothing, and once it has sent its first lists prints its heap after a full GC.
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigFor } from '../functions/adapters/kubernetes/kubeconfig';
import { runForwarder } from '../functions/forwarder';
import { localTelemetry } from '../functions/observability';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('forwarder-heap: run with --expose-gc');
const cache = process.env.FORWARDER_CACHE === 'whole' ? 'whole' : 'projected';
const kubeConfig: KubeConfig = kubeConfigFor({ server: process.env.SIMULATOR_URL!, token: process.env.SIMULATOR_TOKEN! });
let sent = 0;
const forwarder = await runForwarder({
  clusterId: 'bench',
  eventBus: 'daemonloop',
  kubeConfig,
  cache,
  telemetry: localTelemetry('error'),
  sink: { send: async (observations) => void (sent += observations.length) },
});
await forwarder.idle();
for (let i = 0; i < 3; i++) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const { heapUsed } = process.memoryUsage();
const cached = forwarder.health().informers.length;
const peakRssBytes = process.resourceUsage().maxRSS * 1024; // the first lists' peak, whatever GC left
process.stdout.write(`${JSON.stringify({ cache, heapUsedBytes: heapUsed, peakRssBytes, sent, informers: cached })}\n`);
await forwarder.stop({ drain: false });
process.exit(0);
