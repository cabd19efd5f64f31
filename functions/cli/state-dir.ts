// Where `daemonloop up` keeps its state and where the other commands find it: the kubeconfig of
// the running control plane's cluster, dynalite's data folder, and — while it runs — dynalite's
// endpoint (LevelDB admits one process, so a reader goes through the running server).
import { join } from 'node:path';

export const DEFAULT_STATE_DIR = '.daemonloop';
export const kubeconfigIn = (stateDir: string): string => join(stateDir, 'kubeconfig');
export const dataDirIn = (stateDir: string): string => join(stateDir, 'data');
export const dynamoDbEndpointIn = (stateDir: string): string => join(stateDir, 'dynamodb-endpoint');
/** Signed checkpoints of the log (functions/checkpoints/), and the local key that signs them. */
export const checkpointsIn = (stateDir: string): string => join(stateDir, 'checkpoints');
export const checkpointKeyIn = (stateDir: string): string => join(stateDir, 'checkpoint-key.pem');
export const checkpointPublicKeyIn = (stateDir: string): string => join(stateDir, 'checkpoint-key.pub.pem');
