// Starts the Kubernetes API simulator on 127.0.0.1 (a free port) with a client-node KubeConfig for it.
import type { KubeConfig, V1Pod, V1ResourceRequirements } from '@kubernetes/client-node';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from '../../functions/adapters/kubernetes/custom-resource';
import { kubeConfigFor } from '../../functions/adapters/kubernetes/kubeconfig';
import { Simulator, type SimulatorOptions } from '../../functions/local/simulator/simulator';

export interface StartedSimulator {
  url: string;
  sim: Simulator;
  kubeConfig: KubeConfig;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<StartedSimulator> {
  const sim = new Simulator(options);
  const url = await sim.start();
  return { url, sim, kubeConfig: kubeConfigFor({ server: url, token: sim.token }), close: () => sim.close() };
}

/** The `agent` DaemonSet (default namespace, image agent:1), created on the simulator as a user would apply it. */
export function createAgentDaemonSet(sim: Simulator) {
  return sim.createDaemonSet({
    apiVersion: DAEMONSET_API_VERSION,
    kind: DAEMONSET_KIND,
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
    },
  });
}

/** A pod of the `agent` DaemonSet bound to `nodeName`; owned by it when `ownerUid` is given. */
export const agentPod = (name: string, nodeName: string, options: { ownerUid?: string; resources?: V1ResourceRequirements } = {}): V1Pod => ({
  metadata: {
    name,
    namespace: 'default',
    labels: { app: 'agent' },
    ...(options.ownerUid
      ? { ownerReferences: [{ apiVersion: DAEMONSET_API_VERSION, kind: DAEMONSET_KIND, name: 'agent', uid: options.ownerUid, controller: true }] }
      : {}),
  },
  spec: { nodeName, containers: [{ name: 'agent', image: 'agent:1', ...(options.resources ? { resources: options.resources } : {}) }] },
});
