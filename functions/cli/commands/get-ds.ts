// `daemonloop get ds [-n NS | -A] [-o wide] [--json]`: kubectl's get ds table for our DaemonSets; -o wide adds the rollout's wave and pause.
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import { flag, stringOption, UsageError, type CommandOptions } from '../options';
import { renderDaemonSetTable } from './render-daemonsets';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const allNamespaces = flag(options, 'all-namespaces');
  const namespace = allNamespaces ? undefined : (stringOption(options, 'namespace') ?? 'default');
  const output = stringOption(options, 'output');
  if (output !== undefined && output !== 'wide') throw new UsageError(`unable to match a printer suitable for the output format ${JSON.stringify(output)}, allowed formats are: wide`);
  const daemonSets = await controlPlaneOf(options).listDaemonSets(namespace);
  if (flag(options, 'json')) {
    for (const ds of daemonSets) io.out(JSON.stringify(ds));
    return 0;
  }
  if (daemonSets.length === 0) io.err(namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`);
  else io.out(renderDaemonSetTable(daemonSets, new Date(), { allNamespaces, wide: output === 'wide' }));
  return 0;
}
