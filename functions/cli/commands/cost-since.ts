// `daemonloop cost DS --since 7d [--until TIME] [--by cluster|instance-type|revision|node]`: what the
// DaemonSet actually cost over a window, from the pod lifecycles the log observed (functions/log/
// cost-window.ts), beside the run-rate, its share of each node type's allocatable, and a forecast.
import type { PriceTable } from '../../../domain/cost';
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import { windowCost, type CostGrouping, type WindowCost } from '../../log/cost-window';
import { readLifecycles } from '../../log/lifecycles';
import type { AuditLog } from '../../log/audit-log';
import { auditLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import { flag, stringOption, UsageError, type CommandOptions } from '../options';
import { renderTable } from '../render-table';
import { formatDollars } from './render-cost';

const GROUPINGS: CostGrouping[] = ['cluster', 'instance-type', 'revision', 'node'];
const UNITS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 } as const;

export function parseSince(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(text);
  if (!match) throw new UsageError(`--since ${JSON.stringify(text)}: expected a duration such as 90m, 24h or 7d`);
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
}

/** The pure part: the window's cost from a loaded log (what the benchmark times). */
export function costOf(log: AuditLog, prices: PriceTable, fromMs: number, toMs: number, by: CostGrouping): WindowCost {
  return windowCost(readLifecycles(log, toMs), prices, fromMs, toMs, by, log.key.clusterId);
}

export async function runSince(name: string, prices: PriceTable, options: CommandOptions, io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const by = (stringOption(options, 'by') ?? 'instance-type') as CostGrouping;
  if (!GROUPINGS.includes(by)) throw new UsageError(`--by must be one of ${GROUPINGS.join(', ')}, got ${JSON.stringify(by)}`);
  const untilText = stringOption(options, 'until');
  const toMs = untilText === undefined ? now().getTime() : Date.parse(untilText);
  if (Number.isNaN(toMs)) throw new UsageError(`--until ${JSON.stringify(untilText)}: expected an ISO 8601 time`);
  const fromMs = toMs - parseSince(stringOption(options, 'since')!);
  const key = { clusterId: stringOption(options, 'cluster-id') ?? LOCAL_CLUSTER_ID, namespace: stringOption(options, 'namespace') ?? 'default', name };
  const log = await auditLogOf(options, key, io);
  if (!log) return 1;
  const cost = costOf(log, prices, fromMs, toMs, by);
  if (flag(options, 'json') || stringOption(options, 'output') === 'json')
    io.out(
      JSON.stringify({
        name,
        namespace: key.namespace,
        clusterId: key.clusterId,
        by,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        ...cost,
      }),
    );
  else io.out(renderWindowCost(cost, by));
  return 0;
}

export function renderWindowCost(c: WindowCost, by: CostGrouping): string {
  const hours = (s: number) => (s / 3600).toFixed(2);
  const lines = [
    `from ${new Date(c.fromMs).toISOString()} to ${new Date(c.toMs).toISOString()}: ${hours(c.podSeconds)} pod-hours observed, $${formatDollars(c.cost, 4)}`,
    '',
    renderTable(
      [by.toUpperCase(), 'POD-HOURS', '$'],
      [...c.rows.map((r) => [r.group, hours(r.podSeconds), formatDollars(r.cost, 4)]), ['TOTAL', hours(c.podSeconds), formatDollars(c.cost, 4)]],
    ),
    '',
    c.overhead.length === 0
      ? 'overhead per node type: the log holds no node allocatable'
      : renderTable(
          ['INSTANCE-TYPE', 'CPU-SHARE', 'MEMORY-SHARE'],
          c.overhead.map((o) => [o.instanceType, pct(o.cpuShare), pct(o.memoryShare)]),
        ),
    '',
    `forecast: ${c.forecast.nodesNow} nodes now, ${c.forecast.nodesPerDay >= 0 ? '+' : ''}${c.forecast.nodesPerDay.toFixed(2)} nodes/day → $${formatDollars(c.forecast.next30Days, 2)} over the next 30 days`,
  ];
  return lines.join('\n');
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
