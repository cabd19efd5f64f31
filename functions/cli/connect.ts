// The cluster a command acts on, chosen as kubectl chooses it: --kubeconfig, else $KUBECONFIG,
// else ~/.kube/config (client-node's loadFromDefault, so EKS's `aws eks get-token` users work),
// then --context and the context's namespace. A running `daemonloop up` is the fallback: its
// state dir's kubeconfig (--state DIR names it outright).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ControlPlane } from './control-plane';
import { stringOption, UsageError, type CommandOptions } from './options';
import { DEFAULT_STATE_DIR, kubeconfigIn } from './state-dir';

export interface Target {
  kubeConfig: KubeConfig;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
}

/** The kubeconfig file a command reads, or undefined for client-node's default chain. */
export function kubeconfigPathOf(options: CommandOptions): string | undefined {
  const explicit = stringOption(options, 'kubeconfig') ?? (stringOption(options, 'state') ? kubeconfigIn(stringOption(options, 'state')!) : undefined);
  if (explicit) {
    if (!existsSync(explicit)) throw new UsageError(`no kubeconfig at ${explicit}: start the control plane with \`daemonloop up\`, or pass --kubeconfig`);
    return explicit;
  }
  if (process.env.KUBECONFIG || existsSync(join(homedir(), '.kube', 'config')) || process.env.KUBERNETES_SERVICE_HOST) return undefined;
  const local = kubeconfigIn(DEFAULT_STATE_DIR);
  if (existsSync(local)) return local;
  throw new UsageError('no cluster: set $KUBECONFIG, create ~/.kube/config, pass --kubeconfig, or start one with `daemonloop up`');
}

export function targetOf(options: CommandOptions): Target {
  const path = kubeconfigPathOf(options);
  const kubeConfig = new KubeConfig();
  if (path) kubeConfig.loadFromFile(path);
  else kubeConfig.loadFromDefault();
  const context = stringOption(options, 'context');
  if (context) {
    if (!kubeConfig.getContextObject(context)) throw new UsageError(`context "${context}" does not exist`);
    kubeConfig.setCurrentContext(context);
  }
  const namespace = stringOption(options, 'namespace') ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  return { kubeConfig, namespace };
}

/** The DaemonSets and nodes of the selected cluster, and the namespace a command acts in. */
export function clusterOf(options: CommandOptions): { cp: ControlPlane; namespace: string } {
  const { kubeConfig, namespace } = targetOf(options);
  return { cp: new ControlPlane(kubeConfig), namespace };
}

/** The selected cluster's control plane, for commands that take their namespace elsewhere (rollout-target.ts). */
export const controlPlaneOf = (options: CommandOptions): ControlPlane => clusterOf(options).cp;
