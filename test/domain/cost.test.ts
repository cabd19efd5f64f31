// The cost model: OpenCost's requests × eligible nodes × rates, checked against the anchors'
// worked example, Kubernetes' quantity parsing and its effective-request rules.
import type { V1Container } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { daemonSetCost, InvalidQuantityError, OPENCOST_DEFAULT_PRICES, parseQuantity, podRequests, type PriceTable } from '../../domain/cost';
import { aDaemonSet, aNode, nodes, RU, SU, taint } from './builders';

const MI = 2 ** 20;
const container = (name: string, resources: V1Container['resources']): V1Container => ({ name, image: 'agent', resources });
/** The seeds' fluentd-elasticsearch agent: 100m CPU and 200Mi requested. */
const fluentd = (o: Parameters<typeof aDaemonSet>[0] = {}) =>
  aDaemonSet({
    ...o,
    podSpec: { containers: [container('fluentd', { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '200Mi' } })], ...o.podSpec },
  });
const cents = (dollars: number) => Math.round(dollars * 100) / 100;

describe('parseQuantity', () => {
  it('reads CPU as millicores, rounding up as Quantity.MilliValue does', () => {
    expect(parseQuantity('100m', 3)).toBe(100);
    expect(parseQuantity('0.5', 3)).toBe(500);
    expect(parseQuantity('1', 3)).toBe(1000);
    expect(parseQuantity('2.25', 3)).toBe(2250);
    expect(parseQuantity('1e3', 3)).toBe(1_000_000);
    expect(parseQuantity('250000u', 3)).toBe(250);
    expect(parseQuantity('0.0001', 3)).toBe(1);
    expect(parseQuantity('.5', 3)).toBe(500);
  });

  it('reads memory as bytes with binary and decimal suffixes and exponents', () => {
    expect(parseQuantity('200Mi')).toBe(200 * MI);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('64Ki')).toBe(65_536);
    expect(parseQuantity('2Ti')).toBe(2 * 2 ** 40);
    expect(parseQuantity('500M')).toBe(500_000_000);
    expect(parseQuantity('1k')).toBe(1000);
    expect(parseQuantity('3G')).toBe(3e9);
    expect(parseQuantity('1T')).toBe(1e12);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('1E6')).toBe(1_000_000);
    expect(parseQuantity('128974848')).toBe(128_974_848);
    expect(parseQuantity('129e6')).toBe(129_000_000);
    expect(parseQuantity('500m')).toBe(1); // half a byte, rounded up
  });

  it('refuses a malformed or negative quantity with a message naming it', () => {
    for (const bad of ['', '100 m', '1.2.3', 'Mi', '10mi', '1KB', '1e', '0x10', 'abc', ' 1']) {
      expect(() => parseQuantity(bad), bad).toThrow(InvalidQuantityError);
    }
    expect(() => parseQuantity('12x')).toThrow('invalid quantity "12x"');
    expect(() => parseQuantity('-1Gi')).toThrow(/must not be negative/);
  });
});

describe('podRequests', () => {
  it('sums the app containers, requesting a resource at its limit when no request is given', () => {
    const ds = aDaemonSet({
      podSpec: {
        containers: [
          container('a', { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '1Gi' } }),
          container('b', { limits: { cpu: '250m' } }),
          container('c', undefined),
        ],
      },
    });
    expect(podRequests(ds)).toEqual({ cpuMillicores: 350, memoryBytes: 2 ** 30 });
  });

  it('takes the larger of the biggest init container and the app containers, per resource, then adds the overhead', () => {
    const ds = aDaemonSet({
      podSpec: {
        initContainers: [container('migrate', { requests: { cpu: '2', memory: '10Mi' } }), container('warm', { requests: { cpu: '500m', memory: '50Mi' } })],
        containers: [container('a', { requests: { cpu: '100m', memory: '100Mi' } }), container('b', { requests: { cpu: '100m', memory: '100Mi' } })],
        overhead: { cpu: '10m', memory: '1Mi' },
      },
    });
    expect(podRequests(ds)).toEqual({ cpuMillicores: 2010, memoryBytes: 201 * MI });
  });

  it('counts sidecars (restartable init containers) with the app containers and under every later init container', () => {
    const ds = aDaemonSet({
      podSpec: {
        initContainers: [
          { ...container('proxy', { requests: { cpu: '200m', memory: '64Mi' } }), restartPolicy: 'Always' },
          container('setup', { requests: { cpu: '1', memory: '16Mi' } }),
        ],
        containers: [container('a', { requests: { cpu: '100m', memory: '100Mi' } })],
      },
    });
    // app + sidecar = 300m / 164Mi; setup runs beside the sidecar = 1200m / 80Mi.
    expect(podRequests(ds)).toEqual({ cpuMillicores: 1200, memoryBytes: 164 * MI });
  });

  it('names the field of a malformed quantity', () => {
    const ds = aDaemonSet({ podSpec: { containers: [container('a', { requests: { cpu: '100m' } }), container('b', { requests: { memory: '2 Gi' } })] } });
    expect(() => podRequests(ds)).toThrow('spec.template.spec.containers[1].resources.requests.memory: invalid quantity "2 Gi"');
  });
});

describe('daemonSetCost', () => {
  it('reproduces the anchors worked example: 100m + 200Mi is $0.00399 per pod-hour, $291 / $2,912 / $14,559 a month on 100 / 1,000 / 5,000 nodes', () => {
    const hourlyPerPod = daemonSetCost(fluentd(), nodes(1, 1), OPENCOST_DEFAULT_PRICES).hourly;
    expect(hourlyPerPod.toFixed(5)).toBe('0.00399');
    const expected = [
      [100, '0.40', 291, 291.17],
      [1000, '3.99', 2912, 2911.71],
      [5000, '19.94', 14559, 14558.53],
    ] as const;
    for (const [count, hourly, monthlyDollars, monthlyCents] of expected) {
      const cost = daemonSetCost(fluentd(), nodes(1, count), OPENCOST_DEFAULT_PRICES);
      expect(cost.eligibleNodes).toBe(count);
      expect(cost.requests).toEqual({ cpuMillicores: 100, memoryBytes: 200 * MI });
      expect(cost.hourly.toFixed(2)).toBe(hourly);
      expect(Math.round(cost.monthly)).toBe(monthlyDollars);
      expect(cents(cost.monthly)).toBe(monthlyCents);
    }
  });

  it('counts only the nodes the DaemonSet should run on', () => {
    const fleet = [...nodes(1, 3), aNode('tainted', { taints: [taint('dedicated', 'NoSchedule', 'db')] }), aNode('other-zone', { labels: { zone: 'b' } })];
    const ds = fluentd({ podSpec: { nodeSelector: { zone: 'b' } } });
    const cost = daemonSetCost(ds, fleet, OPENCOST_DEFAULT_PRICES);
    expect(cost.eligibleNodes).toBe(1);
    expect(cents(cost.monthly)).toBe(2.91);
    expect(daemonSetCost(fluentd(), fleet, OPENCOST_DEFAULT_PRICES).eligibleNodes).toBe(4);
  });

  it('prices each node by its instance type, spot nodes at the spot rates, the rest at the default, and breaks the fleet down by type, sorted', () => {
    const prices: PriceTable = {
      default: { cpuCoreHour: 0.04, memoryGiBHour: 0.005 },
      instanceTypes: { 'm5.large': { cpuCoreHour: 0.048, memoryGiBHour: 0.006 } },
      spot: { cpuCoreHour: 0.01, memoryGiBHour: 0.001 },
    };
    const type = 'node.kubernetes.io/instance-type';
    const fleet = [
      aNode('a', { labels: { [type]: 'm5.large' } }),
      aNode('b', { labels: { [type]: 'm5.large' } }),
      aNode('c', { labels: { [type]: 'm5.large', 'karpenter.sh/capacity-type': 'spot' } }),
      aNode('d', { labels: { [type]: 'c6g.xlarge', 'eks.amazonaws.com/capacityType': 'SPOT' } }),
      aNode('e', { labels: { [type]: 'r6i.large' } }),
      aNode('f'),
    ];
    // One pod: 1 core + 1 GiB.
    const ds = aDaemonSet({ podSpec: { containers: [container('agent', { requests: { cpu: '1', memory: '1Gi' } })] } });
    const cost = daemonSetCost(ds, fleet, prices);
    expect(cost.byInstanceType.map((g) => [g.instanceType, g.spot, g.nodes, cents(g.hourly * 1000)])).toEqual([
      ['c6g.xlarge', true, 1, 11],
      ['m5.large', false, 2, 108],
      ['m5.large', true, 1, 11],
      ['r6i.large', false, 1, 45],
      [undefined, false, 1, 45],
    ]);
    expect(cost.hourly).toBeCloseTo(0.054 * 2 + 0.011 * 2 + 0.045 * 2, 12);
    expect(cost.monthly).toBeCloseTo(cost.hourly * 730, 9);
    expect(cost.byInstanceType[1]!.marginalMonthly).toBeCloseTo(0.054 * 730, 9);
    expect(cost.byInstanceType[2]!.marginalMonthly).toBeCloseTo(0.011 * 730, 9);
    // Without spot rates a spot node is priced as its instance type.
    const noSpot = daemonSetCost(ds, fleet.slice(2, 3), { ...prices, spot: undefined });
    expect(noSpot.hourly).toBeCloseTo(0.054, 12);
  });

  it('charges a month of surge headroom — one pod per eligible node — only when maxSurge scales above zero', () => {
    const thousand = nodes(1, 1000);
    expect(Math.round(daemonSetCost(fluentd({ strategy: SU(1) }), thousand, OPENCOST_DEFAULT_PRICES).surgeHeadroomMonthly)).toBe(2912);
    expect(Math.round(daemonSetCost(fluentd({ strategy: SU('10%') }), thousand, OPENCOST_DEFAULT_PRICES).surgeHeadroomMonthly)).toBe(2912);
    expect(daemonSetCost(fluentd({ strategy: SU('0%') }), thousand, OPENCOST_DEFAULT_PRICES).surgeHeadroomMonthly).toBe(0);
    expect(daemonSetCost(fluentd({ strategy: RU(1) }), thousand, OPENCOST_DEFAULT_PRICES).surgeHeadroomMonthly).toBe(0);
    expect(daemonSetCost(fluentd(), thousand, OPENCOST_DEFAULT_PRICES).surgeHeadroomMonthly).toBe(0);
  });

  it('costs nothing on no eligible node, and a DaemonSet without requests costs nothing', () => {
    expect(daemonSetCost(fluentd(), [], OPENCOST_DEFAULT_PRICES)).toMatchObject({ eligibleNodes: 0, hourly: 0, monthly: 0, byInstanceType: [] });
    expect(daemonSetCost(aDaemonSet(), nodes(1, 5), OPENCOST_DEFAULT_PRICES)).toMatchObject({ eligibleNodes: 5, hourly: 0, monthly: 0 });
  });
});
