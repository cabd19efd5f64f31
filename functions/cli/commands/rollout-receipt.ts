// `daemonloop rollout receipt DS [-n NS] [--revision N] [-o json|csv] [--prices FILE.json]`: one
// line per rollout of the DaemonSet, computed from the event log alone (functions/log/receipt.ts).
import { OPENCOST_DEFAULT_PRICES } from '../../../domain/cost';
import { ROLLOUT_PLANNED, type RolloutPlanned } from '../../../domain/events';
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import { readLifecycles } from '../../log/lifecycles';
import { rolloutReceipts, type Receipt } from '../../log/receipt';
import type { Commit } from '../../adapters/event-store/port';
import type { AuditLog } from '../../log/audit-log';
import { auditLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import { stringOption, UsageError, type CommandOptions } from '../options';
import { readPriceTable } from './cost';
import { receiptJsonLines, renderReceiptCsv, renderReceiptTable } from './render-receipt';

const OUTPUTS = ['table', 'json', 'csv'] as const;

/** Every receipt of the log (the pure part, also what the benchmark times). */
export function receiptsOf(log: AuditLog, prices = OPENCOST_DEFAULT_PRICES): Receipt[] {
  const times = (commits: Commit[]) => commits.map((c) => ({ commit: c.commit, ms: Date.parse(c.time) }));
  const planned = log.daemonSet.flatMap((c) =>
    c.events.filter((e): e is RolloutPlanned => e.type === ROLLOUT_PLANNED).map((event) => ({ commit: c.commit, event })),
  );
  return rolloutReceipts({
    lifecycles: readLifecycles(log),
    prices,
    commitTimes: { daemonSet: times(log.daemonSet), nodes: times(log.nodes), pods: times(log.pods) },
    planned,
  });
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const name = options.positionals[0]?.replace(/^(ds|daemonset|daemonsets)\//, '');
  if (!name) throw new UsageError('rollout receipt needs the DaemonSet name');
  const output = (stringOption(options, 'output') ?? 'table') as (typeof OUTPUTS)[number];
  if (!OUTPUTS.includes(output)) throw new UsageError(`-o must be json or csv, got ${JSON.stringify(output)}`);
  const revisionText = stringOption(options, 'revision');
  const revision = revisionText === undefined ? undefined : Number(revisionText);
  if (revision !== undefined && (!Number.isInteger(revision) || revision < 1))
    throw new UsageError(`--revision must be a positive integer, got ${JSON.stringify(revisionText)}`);
  const pricesPath = stringOption(options, 'prices');
  const prices = pricesPath === undefined ? OPENCOST_DEFAULT_PRICES : await readPriceTable(pricesPath);
  if ('error' in prices) {
    io.err(`error: ${prices.error}`);
    return 2;
  }
  const key = { clusterId: stringOption(options, 'cluster-id') ?? LOCAL_CLUSTER_ID, namespace: stringOption(options, 'namespace') ?? 'default', name };
  const log = await auditLogOf(options, key, io);
  if (!log) return 1;
  const receipts = receiptsOf(log, prices).filter((r) => revision === undefined || r.revision === revision);
  if (receipts.length === 0) {
    io.err(revision === undefined ? 'no rollout recorded yet' : `no rollout of revision ${revision} in the log`);
    return 1;
  }
  if (output === 'json') for (const line of receiptJsonLines(receipts)) io.out(line);
  else io.out(output === 'csv' ? renderReceiptCsv(receipts) : renderReceiptTable(receipts));
  return 0;
}
