// What every `rollout` command acts on: `DS` or `ds/DS` in -n NS (default "default"), named in
// messages as kubectl names a resource: `daemonset.daemonloop.dev/NAME`.
import { DAEMONSET_GROUP, DAEMONSET_RESOURCE } from '../adapters/kubernetes/custom-resource';
import { stringOption, UsageError, type CommandOptions } from './options';

export interface RolloutTarget {
  namespace: string;
  name: string;
  /** `daemonset.daemonloop.dev/NAME`, as kubectl prints a result. */
  ref: string;
  /** `daemonsets.daemonloop.dev "NAME"`, as kubectl names a resource in an error. */
  quoted: string;
}

export function rolloutTarget(options: CommandOptions, verb: string): RolloutTarget {
  const name = options.positionals[0]?.replace(/^(ds|daemonset|daemonsets)\//, '');
  if (!name) throw new UsageError(`rollout ${verb} needs a DaemonSet name`);
  return {
    namespace: stringOption(options, 'namespace') ?? 'default',
    name,
    ref: `daemonset.${DAEMONSET_GROUP}/${name}`,
    quoted: `${DAEMONSET_RESOURCE} ${JSON.stringify(name)}`,
  };
}
