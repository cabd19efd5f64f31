// `daemonloop cost` output: one row per DaemonSet — eligible nodes, one pod's requests, what the
// fleet costs per hour and per month, and the month of surge headroom it reserves — then a total.
import type { FleetCost } from '../../../domain/cost';
import { renderTable } from '../render-table';

export interface DaemonSetCost {
  name: string;
  namespace: string;
  cost: FleetCost;
}

const COLUMNS = ['NAME', 'NAMESPACE', 'NODES', 'CPU/POD', 'MEM/POD', '$/HOUR', '$/MONTH', 'SURGE-HEADROOM $/MONTH'];
const BINARY_UNITS: [string, number][] = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** Millicores as Kubernetes writes them: whole cores plainly, anything finer in m. */
export const formatCpu = (millicores: number): string => (millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`);

/** Bytes in the largest binary unit that divides them exactly, else plain bytes. */
export function formatMemory(bytes: number): string {
  const unit = BINARY_UNITS.find(([, size]) => bytes > 0 && bytes % size === 0);
  return unit ? `${bytes / unit[1]}${unit[0]}` : String(bytes);
}

/** Dollars with thousands separators; per hour to 4 decimals (a small fleet costs cents), per month to 2. */
export const formatDollars = (amount: number, decimals: 2 | 4): string =>
  amount.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

export function renderCostTable(rows: DaemonSetCost[]): string {
  if (rows.length === 0) return '';
  const cells = rows.map(({ name, namespace, cost }) => [
    name,
    namespace,
    String(cost.eligibleNodes),
    formatCpu(cost.requests.cpuMillicores),
    formatMemory(cost.requests.memoryBytes),
    formatDollars(cost.hourly, 4),
    formatDollars(cost.monthly, 2),
    formatDollars(cost.surgeHeadroomMonthly, 2),
  ]);
  const sum = (pick: (c: FleetCost) => number) => rows.reduce((total, r) => total + pick(r.cost), 0);
  const total = [
    'TOTAL',
    '',
    '',
    '',
    '',
    formatDollars(
      sum((c) => c.hourly),
      4,
    ),
    formatDollars(
      sum((c) => c.monthly),
      2,
    ),
    formatDollars(
      sum((c) => c.surgeHeadroomMonthly),
      2,
    ),
  ];
  return renderTable(COLUMNS, [...cells, total]);
}

/** --json: one object per DaemonSet, the full model (requests, breakdown by instance type, marginal costs). */
export const costJsonLine = ({ name, namespace, cost }: DaemonSetCost): string => JSON.stringify({ name, namespace, ...cost });
