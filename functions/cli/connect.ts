// The cluster a command acts on: --kubeconfig, or the running `daemonloop up`'s.
import { existsSync } from 'node:fs';
import { kubeConfigFor } from '../adapters/kubernetes/kubeconfig';
import { ControlPlane } from './control-plane';
import { stringOption, UsageError, type CommandOptions } from './options';
import { DEFAULT_STATE_DIR, kubeconfigIn } from './state-dir';

export function kubeconfigPathOf(options: CommandOptions): string {
  const path = stringOption(options, 'kubeconfig') ?? kubeconfigIn(stringOption(options, 'state') ?? DEFAULT_STATE_DIR);
  if (!existsSync(path)) throw new UsageError(`no kubeconfig at ${path}: start the control plane with \`daemonloop up\`, or pass --kubeconfig`);
  return path;
}

export const controlPlaneOf = (options: CommandOptions): ControlPlane => new ControlPlane(kubeConfigFor({ kubeconfigPath: kubeconfigPathOf(options) }));
