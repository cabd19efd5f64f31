// What a DaemonSet's fleet costs to run, as OpenCost prices a workload: requests × eligible
// nodes × an hourly price per CPU core and per GiB of memory (spec/opencost-specv01.md). Pure:
// the nodes, the DaemonSet and the price table are the whole input.
import type { V1Container, V1DaemonSet, V1Node, V1PodSpec } from '@kubernetes/client-node';
import { daemonNodeEligibility } from './eligibility';
import { scaledValue } from './int-or-percent';

export interface Rates {
  cpuCoreHour: number;
  memoryGiBHour: number;
}

/** Prices per node: by the node's instance type when the table has it, spot nodes at `spot`, else `default`. */
export interface PriceTable {
  default: Rates;
  instanceTypes?: Record<string, Rates>;
  spot?: Rates;
}

/** OpenCost's configs/default.json ("based on GCP us-central1"); its "GB" is GiB (2^30 bytes). */
export const OPENCOST_DEFAULT_PRICES: PriceTable = {
  default: { cpuCoreHour: 0.031611, memoryGiBHour: 0.004237 },
  spot: { cpuCoreHour: 0.006655, memoryGiBHour: 0.000892 },
};

export const HOURS_PER_MONTH = 730;
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
// Karpenter and EKS managed node groups say "spot" in different labels and cases.
const CAPACITY_TYPE_LABELS = ['karpenter.sh/capacity-type', 'eks.amazonaws.com/capacityType'];
const GIB = 2 ** 30;

/** One pod's effective requests, as the scheduler counts them. */
export interface PodRequests {
  cpuMillicores: number;
  memoryBytes: number;
}

/** The eligible nodes of one instance type and capacity type, and what one more of them would add. */
export interface NodeGroupCost {
  instanceType: string | undefined;
  spot: boolean;
  nodes: number;
  rates: Rates;
  hourly: number;
  monthly: number;
  /** One more eligible node of this group: one more pod. */
  marginalMonthly: number;
}

export interface FleetCost {
  eligibleNodes: number;
  requests: PodRequests;
  hourly: number;
  monthly: number;
  /** Sorted by instance type (nodes without one last), on-demand before spot. */
  byInstanceType: NodeGroupCost[];
  /** With maxSurge > 0 every eligible node keeps one more pod's requests free: the reserved capacity's cost. */
  surgeHeadroomMonthly: number;
}

export class InvalidQuantityError extends Error {
  override name = 'InvalidQuantityError';
}

// resource.Quantity's serialisation: a decimal number, then a binary-SI, decimal-SI or exponent suffix.
const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * A quantity scaled by 10^scale and rounded up to an integer — exactly, in integer arithmetic — as
 * Quantity.MilliValue (scale 3, CPU) and Quantity.Value (scale 0, memory) do.
 */
export function parseQuantity(text: string, scale: 0 | 3 = 0): number {
  const match = QUANTITY.exec(text);
  if (!match)
    throw new InvalidQuantityError(`invalid quantity ${JSON.stringify(text)}: expected a number with an optional suffix (100m, 0.5, 200Mi, 1Gi, 500M, 1e3)`);
  const [, sign, number, suffix = ''] = match;
  if (sign === '-') throw new InvalidQuantityError(`invalid quantity ${JSON.stringify(text)}: a request must not be negative`);
  const [whole, fraction = ''] = number!.split('.');
  let numerator = BigInt(`${whole}${fraction}` || '0');
  let exponent = scale - fraction.length;
  if (suffix in BINARY) numerator *= 1024n ** BigInt(BINARY[suffix]!);
  else exponent += suffix in DECIMAL ? DECIMAL[suffix]! : Number(suffix.slice(1));
  const value = exponent >= 0 ? numerator * 10n ** BigInt(exponent) : ceilDiv(numerator, 10n ** BigInt(-exponent));
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidQuantityError(`invalid quantity ${JSON.stringify(text)}: too large`);
  return Number(value);
}

const ceilDiv = (n: bigint, d: bigint): bigint => (n + d - 1n) / d;

const ZERO: PodRequests = { cpuMillicores: 0, memoryBytes: 0 };
const add = (a: PodRequests, b: PodRequests): PodRequests => ({ cpuMillicores: a.cpuMillicores + b.cpuMillicores, memoryBytes: a.memoryBytes + b.memoryBytes });
const max = (a: PodRequests, b: PodRequests): PodRequests => ({
  cpuMillicores: Math.max(a.cpuMillicores, b.cpuMillicores),
  memoryBytes: Math.max(a.memoryBytes, b.memoryBytes),
});

function quantities(values: Record<string, string> | undefined, path: string): PodRequests {
  const read = (resource: 'cpu' | 'memory', scale: 0 | 3): number => {
    const raw = values?.[resource];
    if (raw === undefined) return 0;
    try {
      return parseQuantity(String(raw), scale);
    } catch (error) {
      throw new InvalidQuantityError(`${path}.${resource}: ${(error as Error).message}`);
    }
  };
  return { cpuMillicores: read('cpu', 3), memoryBytes: read('memory', 0) };
}

/** A container's requests; a resource with a limit and no request is requested at its limit (API defaulting). */
function containerRequests(container: V1Container, path: string): PodRequests {
  const { requests = {}, limits = {} } = container.resources ?? {};
  return quantities({ ...pick(limits), ...pick(requests) }, `${path}.resources.requests`);
}

const pick = (values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter(([resource]) => resource === 'cpu' || resource === 'memory'));

/**
 * resourcehelper.PodRequests: app containers and sidecars (restartable init containers) summed,
 * each ordinary init container counted with the sidecars started before it, the larger of the two
 * taken per resource, then the pod overhead added.
 */
export function podRequests(ds: V1DaemonSet): PodRequests {
  return podSpecRequests(ds.spec?.template?.spec, 'spec.template.spec');
}

/** The same for any pod's spec; `path` names the spec in an error. */
export function podSpecRequests(spec: V1PodSpec | undefined, path = 'spec'): PodRequests {
  let requests = (spec?.containers ?? []).reduce((sum, c, i) => add(sum, containerRequests(c, `${path}.containers[${i}]`)), ZERO);
  let sidecars = ZERO;
  let init = ZERO;
  (spec?.initContainers ?? []).forEach((c, i) => {
    const own = containerRequests(c, `${path}.initContainers[${i}]`);
    if (c.restartPolicy === 'Always') {
      requests = add(requests, own);
      sidecars = add(sidecars, own);
      init = max(init, sidecars);
    } else {
      init = max(init, add(own, sidecars));
    }
  });
  return add(max(requests, init), quantities(spec?.overhead, `${path}.overhead`));
}

const isSpot = (node: V1Node): boolean => CAPACITY_TYPE_LABELS.some((label) => node.metadata?.labels?.[label]?.toLowerCase() === 'spot');

/** The rates for one node: a spot node at the spot rates when the table has them, else its instance type's, else the default. */
export function ratesFor(node: V1Node, prices: PriceTable): Rates {
  const instanceType = node.metadata?.labels?.[INSTANCE_TYPE_LABEL];
  if (isSpot(node) && prices.spot) return prices.spot;
  return (instanceType !== undefined ? prices.instanceTypes?.[instanceType] : undefined) ?? prices.default;
}

/** One pod's cost per hour at these rates. */
export const podHourly = (requests: PodRequests, rates: Rates): number =>
  (requests.cpuMillicores / 1000) * rates.cpuCoreHour + (requests.memoryBytes / GIB) * rates.memoryGiBHour;

const byTypeThenSpot = (a: NodeGroupCost, b: NodeGroupCost): number =>
  a.instanceType === b.instanceType
    ? Number(a.spot) - Number(b.spot)
    : a.instanceType === undefined
      ? 1
      : b.instanceType === undefined
        ? -1
        : a.instanceType < b.instanceType
          ? -1
          : 1;

export function daemonSetCost(ds: V1DaemonSet, nodes: V1Node[], prices: PriceTable): FleetCost {
  const requests = podRequests(ds);
  const eligibility = daemonNodeEligibility(ds); // the DaemonSet's constraints compiled once, not per node
  const eligible = nodes.filter((node) => eligibility(node).shouldRun);
  const groups = new Map<string, NodeGroupCost>();
  for (const node of eligible) {
    const instanceType = node.metadata?.labels?.[INSTANCE_TYPE_LABEL];
    const spot = isSpot(node);
    const key = `${instanceType ?? ''}\0${spot}`;
    const group = groups.get(key);
    if (group) group.nodes += 1;
    else {
      const rates = ratesFor(node, prices);
      const marginalMonthly = podHourly(requests, rates) * HOURS_PER_MONTH;
      groups.set(key, { instanceType, spot, nodes: 1, rates, hourly: 0, monthly: 0, marginalMonthly });
    }
  }
  const byInstanceType = [...groups.values()].sort(byTypeThenSpot).map((g) => {
    const hourly = podHourly(requests, g.rates) * g.nodes;
    return { ...g, hourly, monthly: hourly * HOURS_PER_MONTH };
  });
  const hourly = byInstanceType.reduce((sum, g) => sum + g.hourly, 0);
  const monthly = hourly * HOURS_PER_MONTH;
  const strategy = ds.spec?.updateStrategy;
  const surging = strategy?.type !== 'OnDelete' && (scaledValue(strategy?.rollingUpdate?.maxSurge, eligible.length) ?? 0) > 0;
  return { eligibleNodes: eligible.length, requests, hourly, monthly, byInstanceType, surgeHeadroomMonthly: surging ? monthly : 0 };
}
