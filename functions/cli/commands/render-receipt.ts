// `rollout receipt` output: one line per rollout, for an auditor's sample — as a table, CSV (one
// header, RFC 4180 quoting) or JSON lines (the whole receipt).
import type { Receipt } from '../../log/receipt';
import { renderTable } from '../render-table';

const seconds = (s: number | undefined): string => (s === undefined ? '' : (Math.round(s * 10) / 10).toString());
const who = (r: Receipt): string =>
  [r.startedBy.manager ?? '', r.startedBy.changeCause ? `"${r.startedBy.changeCause}"` : ''].filter(Boolean).join(' ') || '(unknown)';
const range = (r?: [number, number]): string => (r ? `${r[0]}-${r[1]}` : '');
const commits = (r: Receipt): string =>
  ['ds', 'nodes', 'pods']
    .map((s, i) => [s, range([r.commits.daemonSet, r.commits.nodes, r.commits.pods][i])] as const)
    .filter(([, x]) => x)
    .map(([s, x]) => `${s}#${x}`)
    .join(' ');
const pauses = (r: Receipt): string => r.pauses.map((p) => `${p.at}${p.until ? `..${p.until}` : '..'}${p.reason ? ` (${p.reason})` : ''}`).join('; ');

/** The recorded plan beside the actual: p50/p90 seconds and the actual's distance from p50, peak, surge. */
const planned = (r: Receipt): string => {
  const p = r.planned;
  if (!p) return '';
  const off =
    r.durationSeconds === undefined
      ? ''
      : ` (${r.durationSeconds >= p.p50Seconds ? '+' : ''}${Math.round(((r.durationSeconds - p.p50Seconds) / p.p50Seconds) * 100)}%)`;
  return `${seconds(p.p50Seconds)}/${seconds(p.p90Seconds)}${off}, ${p.peakUnavailable}, ${p.surgePodHours === undefined ? '-' : p.surgePodHours.toFixed(3)}`;
};

const FIELDS: [string, (r: Receipt) => string][] = [
  ['REVISION', (r) => `${r.revision} (${r.hash})`],
  ['STARTED-BY', who],
  ['START', (r) => r.start],
  ['END', (r) => r.end ?? 'in progress'],
  ['DURATION-S', (r) => seconds(r.durationSeconds)],
  ['X-MINIMUM', (r) => (r.ratioToMinimum === undefined ? '' : r.ratioToMinimum.toFixed(2))],
  ['NODES', (r) => String(r.nodesUpdated)],
  [
    'UNAVAILABLE-S',
    (r) =>
      `${seconds(r.unavailableSeconds.total)} (worst ${seconds(r.unavailableSeconds.worst)}${r.unavailableSeconds.worstNode ? ` ${r.unavailableSeconds.worstNode}` : ''})`,
  ],
  ['PEAK-UNAVAILABLE', (r) => String(r.peakUnavailable)],
  ['SURGE-POD-H', (r) => r.surgePodHours.toFixed(3)],
  ['FAILED', (r) => `${r.failedPods} pods, ${r.failedCreates} creates`],
  ['PAUSES', (r) => String(r.pauses.length)],
  ['API-CALLS', (r) => String(r.apiCalls.creates + r.apiCalls.deletes + r.apiCalls.statusWrites)],
  ['COST-$', (r) => `${r.cost.surge.toFixed(4)} surge + ${r.cost.controlLoop.toFixed(4)} loop`],
  ['COMMITS', commits],
  ['PLANNED (P50/P90-S, PEAK, SURGE-POD-H)', planned],
];

export const renderReceiptTable = (receipts: Receipt[]): string =>
  renderTable(
    FIELDS.map(([h]) => h),
    receipts.map((r) => FIELDS.map(([, f]) => f(r))),
  );

const CSV_FIELDS: [string, (r: Receipt) => string | number | undefined][] = [
  ['revision', (r) => r.revision],
  ['hash', (r) => r.hash],
  ['manager', (r) => r.startedBy.manager],
  ['operation', (r) => r.startedBy.operation],
  ['change_cause', (r) => r.startedBy.changeCause],
  ['generation', (r) => r.startedBy.generation],
  ['start', (r) => r.start],
  ['end', (r) => r.end],
  ['duration_seconds', (r) => r.durationSeconds],
  ['theoretical_minimum_seconds', (r) => r.theoreticalMinimumSeconds],
  ['ratio_to_minimum', (r) => r.ratioToMinimum],
  ['nodes_updated', (r) => r.nodesUpdated],
  ['unavailable_seconds_total', (r) => r.unavailableSeconds.total],
  ['unavailable_seconds_worst', (r) => r.unavailableSeconds.worst],
  ['worst_node', (r) => r.unavailableSeconds.worstNode],
  ['peak_unavailable', (r) => r.peakUnavailable],
  ['surge_pod_hours', (r) => r.surgePodHours],
  ['failed_pods', (r) => r.failedPods],
  ['failed_creates', (r) => r.failedCreates],
  ['pauses', (r) => pauses(r)],
  ['api_creates', (r) => r.apiCalls.creates],
  ['api_deletes', (r) => r.apiCalls.deletes],
  ['api_status_writes', (r) => r.apiCalls.statusWrites],
  ['api_failed', (r) => r.apiCalls.failed],
  ['surge_cost_usd', (r) => r.cost.surge],
  ['control_loop_cost_usd', (r) => r.cost.controlLoop],
  ['commits_daemonset', (r) => range(r.commits.daemonSet)],
  ['commits_nodes', (r) => range(r.commits.nodes)],
  ['commits_pods', (r) => range(r.commits.pods)],
  ['planned_at', (r) => r.planned?.at],
  ['planned_strategy', (r) => r.planned?.strategy],
  ['planned_p50_seconds', (r) => r.planned?.p50Seconds],
  ['planned_p90_seconds', (r) => r.planned?.p90Seconds],
  ['planned_peak_unavailable', (r) => r.planned?.peakUnavailable],
  ['planned_surge_pod_hours', (r) => r.planned?.surgePodHours],
];

const csvCell = (v: string | number | undefined): string => {
  const s = v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const renderReceiptCsv = (receipts: Receipt[]): string =>
  [CSV_FIELDS.map(([h]) => h).join(','), ...receipts.map((r) => CSV_FIELDS.map(([, f]) => csvCell(f(r))).join(','))].join('\n');

export const receiptJsonLines = (receipts: Receipt[]): string[] => receipts.map((r) => JSON.stringify(r));
