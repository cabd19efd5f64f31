// `daemonloop get ds [NAME…] [-n NS | -A] [-o json|yaml|wide|name]`: kubectl's get for our
// DaemonSets — a table, or the objects; a name that does not exist is kubectl's NotFound, exit 1.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { apiErrorMessage } from '../api-error-message';
import { clusterOf } from '../connect';
import type { CliIo } from '../io';
import { flag, UsageError, type CommandOptions } from '../options';
import { daemonSetName, daemonSetRef, listOrOne, outputFormatOf, printStructured } from '../output';
import { renderDaemonSetTable } from './render-daemonsets';

const isNotFound = (error: unknown) => (error as { code?: number }).code === 404;

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const format = outputFormatOf(options);
  const allNamespaces = flag(options, 'all-namespaces');
  const names = options.positionals.map((p) => daemonSetName(p)!);
  if (names.length > 0 && allNamespaces) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  const { cp, namespace } = clusterOf(options);
  let daemonSets: V1DaemonSet[];
  let missing = 0;
  if (names.length === 0) daemonSets = await cp.listDaemonSets(allNamespaces ? undefined : namespace);
  else {
    daemonSets = [];
    for (const name of names) {
      try {
        daemonSets.push(await cp.getDaemonSet(namespace, name));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        io.err(apiErrorMessage(error) ?? `Error from server (NotFound): daemonsets.daemonloop.dev "${name}" not found`);
        missing++;
      }
    }
  }
  const exitCode = missing > 0 ? 1 : 0;
  if (missing > 0 && daemonSets.length === 0) return exitCode;
  if (await printStructured(format, listOrOne(daemonSets, names.length === 1), io.out)) return exitCode;
  if (format === 'name') {
    for (const ds of daemonSets) io.out(daemonSetRef(ds.metadata?.name));
    return exitCode;
  }
  if (daemonSets.length === 0) io.err(allNamespaces ? 'No resources found' : `No resources found in ${namespace} namespace.`);
  else io.out(renderDaemonSetTable(daemonSets, new Date(), { allNamespaces, wide: format === 'wide' }));
  return exitCode;
}
