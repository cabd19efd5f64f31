// `daemonloop delete ds NAME… [--cascade=background|foreground|orphan]`: as kubectl deletes one;
// orphan leaves the pods running without an owner.
import { clusterOf } from '../connect';
import { forEachTarget } from '../each-target';
import type { CliIo } from '../io';
import { stringOption, UsageError, type CommandOptions } from '../options';
import { daemonSetName } from '../output';

const POLICIES = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan', true: 'Background', false: 'Orphan' } as const;

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const names = options.positionals.map((p) => daemonSetName(p)!);
  if (names.length === 0) throw new UsageError('delete ds needs a DaemonSet name');
  const cascade = stringOption(options, 'cascade') ?? 'background';
  if (!(cascade in POLICIES)) throw new UsageError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan".`);
  const { cp, namespace } = clusterOf(options);
  return forEachTarget(names, io, async (name) => {
    await cp.deleteDaemonSet(namespace, name, POLICIES[cascade as keyof typeof POLICIES]);
    return `daemonset.daemonloop.dev "${name}" deleted`;
  });
}
