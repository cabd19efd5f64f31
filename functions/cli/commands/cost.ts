// `daemonloop cost [ds/NAME] [-n NS | -A] [--prices FILE.json] [-o json|yaml|name]`: what each daemon fleet costs
// — its eligible nodes × one pod's requests × the price of each node (domain/cost.ts). With
// --since, what one DaemonSet actually cost over that window, from the log (cost-since.ts).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { daemonSetCost, OPENCOST_DEFAULT_PRICES, type PriceTable } from '../../../domain/cost';
import { clusterOf } from '../connect';
import type { CliIo } from '../io';
import { flag, stringOption, UsageError, type CommandOptions } from '../options';
import { daemonSetName, daemonSetRef, outputFormatOf, toYaml } from '../output';
import { runSince } from './cost-since';
import { costJsonLine, renderCostTable } from './render-cost';

const rates = z.strictObject({ cpuCoreHour: z.number().nonnegative(), memoryGiBHour: z.number().nonnegative() });
const priceTable = z.strictObject({ default: rates, instanceTypes: z.record(z.string(), rates).optional(), spot: rates.optional() });

/** The price table in FILE, or why it is unusable: the first issue, naming its field. */
export async function readPriceTable(path: string): Promise<PriceTable | { error: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return { error: `--prices ${path}: ${(error as Error).message}` };
  }
  const result = priceTable.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  return { error: `--prices ${path}: ${issue.path.length > 0 ? issue.path.join('.') : '(file)'}: ${issue.message}` };
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const name = daemonSetName(options.positionals[0]);
  const format = outputFormatOf(options, ['json', 'yaml', 'name']);
  const allNamespaces = flag(options, 'all-namespaces');
  if (name && allNamespaces) throw new UsageError('a DaemonSet name cannot be used with -A');
  const pricesPath = stringOption(options, 'prices');
  const prices = pricesPath === undefined ? OPENCOST_DEFAULT_PRICES : await readPriceTable(pricesPath);
  if ('error' in prices) {
    io.err(`error: ${prices.error}`);
    return 2;
  }
  if (stringOption(options, 'since') !== undefined) {
    if (!name) throw new UsageError('cost --since needs the DaemonSet name');
    return runSince(name, prices, options, io);
  }
  const cluster = clusterOf(options);
  const cp = cluster.cp;
  const namespace = allNamespaces ? undefined : cluster.namespace;
  const daemonSets = name ? [await cp.getDaemonSet(namespace!, name)] : await cp.listDaemonSets(namespace);
  const nodes = await cp.listNodes();
  const rows = daemonSets.map((ds) => ({ name: ds.metadata?.name ?? '', namespace: ds.metadata?.namespace ?? '', cost: daemonSetCost(ds, nodes, prices) }));
  if (format === 'json') for (const row of rows) io.out(costJsonLine(row));
  else if (format === 'yaml') for (const row of rows) io.out(`---\n${await toYaml(JSON.parse(costJsonLine(row)))}`);
  else if (format === 'name') for (const row of rows) io.out(daemonSetRef(row.name));
  if (format !== 'table') return 0;
  if (rows.length === 0) io.err(namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`);
  else io.out(renderCostTable(rows));
  return 0;
}
