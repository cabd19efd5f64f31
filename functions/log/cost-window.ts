// What a DaemonSet actually cost over a window, from the log: each pod's observed life from
// scheduled to gone (or failed), clipped to the window, × its node's price for its revision's
// requests (domain/cost.ts's rates) — grouped by cluster, instance type, revision or node. Beside
// it: the DaemonSet's share of each node type's allocatable (when nodes report it) and a forecast
// of the next 30 days from the node-count trend in the window. Pure: lifecycles in, numbers out.
import { INSTANCE_TYPE_LABEL, parseQuantity, type PriceTable } from '../../domain/cost';
import type { Lifecycles } from './lifecycles';
import { podPrices } from './pod-prices';

export type CostGrouping = 'cluster' | 'instance-type' | 'revision' | 'node';

export interface CostRow {
  group: string;
  podSeconds: number;
  cost: number;
}

export interface OverheadRow {
  instanceType: string;
  /** One pod's requests over the node's allocatable, per resource (0..1). */
  cpuShare: number;
  memoryShare: number;
}

export interface WindowCost {
  fromMs: number;
  toMs: number;
  podSeconds: number;
  cost: number;
  rows: CostRow[];
  overhead: OverheadRow[];
  forecast: { nodesNow: number; nodesPerDay: number; next30Days: number };
}

const DAY_MS = 86_400_000;

export function windowCost(life: Lifecycles, prices: PriceTable, fromMs: number, toMs: number, by: CostGrouping, clusterId: string): WindowCost {
  const price = podPrices(life, prices);
  const revisionOf = new Map(life.revisions.map((r) => [r.hash, r.revision]));
  const groups = new Map<string, CostRow>();
  let podSeconds = 0,
    cost = 0,
    hourlyNow = 0;
  for (const pod of life.pods) {
    if (pod.scheduledMs === undefined) continue; // never on a node: it held no resources
    const end = Math.min(pod.goneMs ?? Infinity, pod.failedMs ?? Infinity);
    const a = Math.max(fromMs, pod.scheduledMs),
      b = Math.min(toMs, end);
    const hourly = price.hourly(pod.nodeName, pod.hash);
    if (end > toMs && pod.scheduledMs <= toMs) hourlyNow += hourly;
    if (b <= a) continue;
    const seconds = (b - a) / 1000;
    const dollars = (seconds / 3600) * hourly;
    podSeconds += seconds;
    cost += dollars;
    const key =
      by === 'cluster'
        ? clusterId
        : by === 'node'
          ? (pod.nodeName ?? '(unscheduled)')
          : by === 'revision'
            ? `${revisionOf.get(pod.hash ?? '') ?? '?'} (${pod.hash ?? 'no hash'})`
            : (price.node(pod.nodeName)?.labels[INSTANCE_TYPE_LABEL] ?? '(no instance type)');
    const row = groups.get(key) ?? { group: key, podSeconds: 0, cost: 0 };
    groups.set(key, row);
    row.podSeconds += seconds;
    row.cost += dollars;
  }
  return {
    fromMs,
    toMs,
    podSeconds,
    cost,
    rows: [...groups.values()].sort((x, y) => y.cost - x.cost || (x.group < y.group ? -1 : 1)),
    overhead: overhead(life, price.requests(life.specChanges.at(-1)?.hash)),
    forecast: forecast(life, fromMs, toMs, hourlyNow),
  };
}

/** Per instance type: one pod's requests against the allocatable its nodes report (the first node of the type seen). */
function overhead(life: Lifecycles, requests: { cpuMillicores: number; memoryBytes: number }): OverheadRow[] {
  const byType = new Map<string, OverheadRow>();
  for (const node of life.nodes) {
    const type = node.labels[INSTANCE_TYPE_LABEL] ?? '(no instance type)';
    if (byType.has(type) || !node.allocatable) continue;
    const cpu = safeQuantity(node.allocatable.cpu, 3),
      memory = safeQuantity(node.allocatable.memory, 0);
    byType.set(type, { instanceType: type, cpuShare: cpu ? requests.cpuMillicores / cpu : 0, memoryShare: memory ? requests.memoryBytes / memory : 0 });
  }
  return [...byType.values()].sort((a, b) => (a.instanceType < b.instanceType ? -1 : 1));
}

const safeQuantity = (q: string | undefined, scale: 0 | 3): number | undefined => {
  try {
    return q === undefined ? undefined : parseQuantity(q, scale);
  } catch {
    return undefined;
  }
};

/**
 * Least-squares slope of the node count over the window (sampled at every node arrival and
 * departure), carried 30 days forward at the pods' current hourly cost per node. Windows shorter
 * than a day forecast a flat node count.
 */
function forecast(life: Lifecycles, fromMs: number, toMs: number, hourlyNow: number): WindowCost['forecast'] {
  const edges: [number, number][] = [];
  for (const n of life.nodes) {
    edges.push([n.firstMs, 1]);
    if (n.goneMs !== undefined) edges.push([n.goneMs, -1]);
  }
  edges.sort((a, b) => a[0] - b[0]);
  const samples: [number, number][] = [];
  let count = 0;
  for (const [t, d] of edges) {
    count += d;
    if (t >= fromMs && t <= toMs) samples.push([t, count]);
    else if (t < fromMs) samples[0] = [fromMs, count];
  }
  const nodesNow = count;
  samples.push([toMs, nodesNow]);
  const n = samples.length;
  const mx = samples.reduce((s, [t]) => s + t, 0) / n,
    my = samples.reduce((s, [, c]) => s + c, 0) / n;
  const sxx = samples.reduce((s, [t]) => s + (t - mx) ** 2, 0);
  // A trend read off less than a day (a cluster's first minutes) is noise: forecast flat instead.
  const slopePerMs = sxx === 0 || toMs - fromMs < DAY_MS ? 0 : samples.reduce((s, [t, c]) => s + (t - mx) * (c - my), 0) / sxx;
  const nodesPerDay = slopePerMs * DAY_MS;
  const perNodeHourly = nodesNow > 0 ? hourlyNow / nodesNow : 0;
  // The mean node count over the next 30 days is nodesNow + 15 days of the trend.
  const meanNodes = Math.max(0, nodesNow + nodesPerDay * 15);
  return { nodesNow, nodesPerDay, next30Days: meanNodes * perNodeHourly * 24 * 30 };
}
