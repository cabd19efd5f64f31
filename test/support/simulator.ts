// Starts the Kubernetes API simulator on 127.0.0.1 (a free port) with a client-node KubeConfig for it.
import type { KubeConfig } from '@kubernetes/client-node';
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
