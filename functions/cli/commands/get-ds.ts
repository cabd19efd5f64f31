// `daemonloop get ds [-n NS | -A] [--json]`: kubectl's get ds table for our DaemonSets.
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import { flag, stringOption, type CommandOptions } from '../options';
import { renderDaemonSetTable } from './render-daemonsets';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const allNamespaces = flag(options, 'all-namespaces');
  const namespace = allNamespaces ? undefined : (stringOption(options, 'namespace') ?? 'default');
  const daemonSets = await controlPlaneOf(options).listDaemonSets(namespace);
  if (flag(options, 'json')) {
    for (const ds of daemonSets) io.out(JSON.stringify(ds));
    return 0;
  }
  if (daemonSets.length === 0) io.err(namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`);
  else io.out(renderDaemonSetTable(daemonSets, new Date(), { allNamespaces }));
  return 0;
}
