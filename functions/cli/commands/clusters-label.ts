// `daemonloop clusters label ID k=v… [k-]… [--table NAME]`: sets (k=v) and removes (k-) labels of a
// registered cluster, as `kubectl label` does; fleets place DaemonSets by these labels.
import type { CliIo } from '../io';
import { UsageError, type CommandOptions } from '../options';
import { parseLabels, registryFor } from './clusters-register';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const [clusterId, ...changes] = options.positionals;
  if (!clusterId || changes.length === 0) throw new UsageError('clusters label needs a cluster id and at least one k=v or k-');
  const { set, remove } = parseLabels(changes, true);
  await registryFor(options).label(clusterId, set, remove);
  io.out(`cluster/${clusterId} labeled`);
  return 0;
}
