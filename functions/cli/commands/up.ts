// `daemonloop up [--nodes N | --kubeconfig PATH] [--state DIR]`: the local control plane — the
// embedded runtime against a simulated cluster of N nodes (default 3) or a real one — serving
// until Ctrl-C. It writes the cluster's kubeconfig to DIR/kubeconfig (default .daemonloop/), which
// the other commands (and kubectl) use to reach it; the log persists in DIR/data.
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
  const runtime = await startLocalRuntime({
    stateDir,
    dataDir: dataDirIn(stateDir),
    cluster: kubeconfigPath ? { kubeconfigPath } : { nodes: positiveInteger(options, 'nodes', 3), simulatorOptions: { kubelet: DEMO_KUBELET } },
    telemetry: localTelemetry('info'),
  });
  io.err(`daemonloop control plane up (${kubeconfigPath ? `cluster of ${kubeconfigPath}` : `simulated cluster at ${runtime.simulator!.url}`})`);
  io.err(`kubeconfig: ${runtime.kubeconfigPath} — try: daemonloop apply -f examples/fluentd-elasticsearch.yaml`);
  io.err('Ctrl-C to stop');
  await io.interrupted();
  io.err('stopping…');
  await runtime.stop();
  return 0;
}
