// Where `daemonloop up` keeps its state and where the other commands find it: the kubeconfig of
// the running control plane's cluster, and dynalite's data folder.
import { join } from 'node:path';

export const DEFAULT_STATE_DIR = '.daemonloop';
export const kubeconfigIn = (stateDir: string): string => join(stateDir, 'kubeconfig');
export const dataDirIn = (stateDir: string): string => join(stateDir, 'data');
