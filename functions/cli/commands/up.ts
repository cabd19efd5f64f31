// `daemonloop up [--nodes N | --kubeconfig PATH] [--state DIR]`: the local control plane — the
// embedded runtime against a simulated cluster of N nodes (default 3) or a real one — serving
// until Ctrl-C. It writes the cluster's kubeconfig to DIR/kubeconfig (default .daemonloop/), which
// the other commands (and kubectl) use to reach it; the log persists in DIR/data.
// With --clusters N it runs N simulated clusters of --nodes each for fleets (dev, staging, then
// prod, labelled env=… and region=…), each with its kubeconfig in DIR/<cluster>/kubeconfig.
import type { LocalFleetCluster } from '../../local/fleet';
import { startLocalRuntime } from '../../local/runtime';
import { localTelemetry } from '../../observability';
import type { CliIo } from '../io';
import { positiveInteger, stringOption, type CommandOptions } from '../options';
import { dataDirIn, DEFAULT_STATE_DIR } from '../state-dir';

/** The simulated kubelet: a pod is Ready half a second after it is created, like a small image on a warm node. */
export const DEMO_KUBELET = { startDelayMs: 300, readyDelayMs: 200 };

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const stateDir = stringOption(options, 'state') ?? DEFAULT_STATE_DIR;
  const kubeconfigPath = stringOption(options, 'kubeconfig');
  const fleetClusters = options.values.clusters !== undefined ? fleetOf(positiveInteger(options, 'clusters', 1), positiveInteger(options, 'nodes', 3)) : [];
  const runtime = await startLocalRuntime({
    stateDir,
    dataDir: dataDirIn(stateDir),
    cluster: kubeconfigPath
      ? { kubeconfigPath }
      : { nodes: fleetClusters.length > 0 ? 0 : positiveInteger(options, 'nodes', 3), simulatorOptions: { kubelet: DEMO_KUBELET } },
    fleetClusters,
    telemetry: localTelemetry('info'),
  });
  for (const [id, c] of runtime.fleet.clusters) io.err(`cluster ${id}: ${c.simulator.nodes().length} nodes, kubeconfig ${c.kubeconfigPath}`);
  // Fleet commands write to the log from another process: look at every fleet every 2 s (a resync, as informers have).
  const resync = setInterval(
    () => void runtime.fleet.store.listFleets().then((names) => Promise.all(names.map((n) => runtime.fleet.requests.request(n)))),
    2_000,
  );
  io.err(`daemonloop control plane up (${kubeconfigPath ? `cluster of ${kubeconfigPath}` : `simulated cluster at ${runtime.simulator!.url}`})`);
  io.err(`kubeconfig: ${runtime.kubeconfigPath} — try: daemonloop apply -f examples/fluentd-elasticsearch.yaml`);
  io.err('Ctrl-C to stop');
  await io.interrupted();
  io.err('stopping…');
  clearInterval(resync);
  await runtime.stop();
  return 0;
}

/** dev, staging, then prod clusters, alternating regions. */
export function fleetOf(count: number, nodes: number): LocalFleetCluster[] {
  const envs = ['dev', 'staging', ...Array<string>(Math.max(0, count - 2)).fill('prod')].slice(0, count);
  const seen: Record<string, number> = {};
  return envs.map((env, i) => {
    seen[env] = (seen[env] ?? 0) + 1;
    return {
      clusterId: `${env}-${seen[env]}`,
      labels: { env, region: i % 2 === 0 ? 'us-east-1' : 'eu-west-1' },
      nodes,
      simulatorOptions: { kubelet: DEMO_KUBELET },
    };
  });
}
