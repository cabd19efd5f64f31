// `daemonloop plan -f NEW.yaml`: what rolling out NEW would do to the cluster as the log knows it —
// simulated with the real reconcile on a virtual clock (domain/plan) before anything is applied.
// Several --max-unavailable / --max-surge values compare strategies side by side.
import { readFile, writeFile } from 'node:fs/promises';
import type { IntOrString, V1DaemonSet } from '@kubernetes/client-node';
import { OPENCOST_DEFAULT_PRICES, type PriceTable } from '../../../domain/cost';
import { withDefaults } from '../../../domain/defaults';
import { nextDaemonSet, planRollout, type PlanInput } from '../../../domain/plan/plan';
import { EVENT_SCHEMA_VERSION, ROLLOUT_PLANNED, type RolloutPlanned } from '../../../domain/events';
import { currentRevision } from '../../../domain/revisions';
import { daemonSetStreamId, type DaemonSetKey } from '../../../domain/streams';
import { validateDaemonSet } from '../../../domain/validation';
import { DEFAULT_BURST, DEFAULT_QPS } from '../../adapters/kubernetes/rate-limiter';
import { parseDaemonSetManifests } from '../../adapters/kubernetes/manifest';
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import type { EventStore } from '../../adapters/event-store/port';
import { EventLog } from '../../log/event-log';
import { planInputsFromLog } from '../../log/plan-inputs';
import { eventLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import { flag, listOption, positiveInteger, requireString, stringOption, UsageError, type CommandOptions } from '../options';
import { readPriceTable } from './cost';
import { planSvg, renderComparison, renderPlan, type StrategyPlan } from './render-plan';

/** Observation → decision on the deployed loop: forwarder, bus, ingest, queue, reconcile (the e2e benchmark's median is ~20 ms locally; Lambda adds more). */
export const LOOP_LATENCY_MS = 200;
/** A rollout still running after a week of virtual time is stuck. */
export const HORIZON_MS = 7 * 24 * 3_600_000;

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  if (stringOption(options, 'fleet') !== undefined) return (await import('./plan-fleet')).run(options, io);
  const manifests = parseDaemonSetManifests(await readFile(requireString(options, 'filename'), 'utf8'));
  if (manifests.length !== 1) throw new UsageError(`plan takes one DaemonSet; the file holds ${manifests.length}`);
  const spec = withImages(manifests[0]!, listOption(options, 'set-image'));
  const namespace = stringOption(options, 'namespace') ?? spec.metadata?.namespace ?? 'default';
  const name = spec.metadata!.name!;
  const output = stringOption(options, 'output');
  if (output !== undefined && output !== 'json') throw new UsageError(`-o ${output}: plan prints a table or json`);
  const pricesPath = stringOption(options, 'prices');
  const prices = pricesPath === undefined ? OPENCOST_DEFAULT_PRICES : await readPriceTable(pricesPath);
  if ('error' in prices) throw new UsageError(prices.error);
  const strategies = strategiesOf(spec, listOption(options, 'max-unavailable'), listOption(options, 'max-surge'));

  const log = await eventLogOf(options);
  const now = new Date();
  const key = { clusterId: stringOption(options, 'cluster') ?? LOCAL_CLUSTER_ID, namespace, name };
  try {
    return await planFrom(log.store, options, io, { namespace, name, output, prices, strategies, key, now });
  } finally {
    await log.close();
  }
}

interface PlanRequest {
  namespace: string;
  name: string;
  output: string | undefined;
  prices: PriceTable;
  strategies: { strategy: string; daemonSet: V1DaemonSet }[];
  key: DaemonSetKey;
  now: Date;
}

/** Plans from the log in `store` and, with --record, appends the plan to the same log. */
async function planFrom(
  store: EventStore,
  options: CommandOptions,
  io: CliIo,
  { namespace, name, output, prices, strategies, key, now }: PlanRequest,
): Promise<number> {
  const inputs = await planInputsFromLog(store, key, now);
  if (inputs.nodes.length === 0) io.err('warning: the log knows no nodes of this cluster: the plan has nothing to roll out to');

  const base: Omit<PlanInput, 'next'> = {
    ...(inputs.current ? { current: inputs.current } : {}),
    nodes: inputs.nodes,
    pods: inputs.pods,
    revisions: inputs.revisions,
    now,
    samples: inputs.samples,
    requested: inputs.requested,
    prices,
    qps: positiveInteger(options, 'qps', DEFAULT_QPS),
    burst: positiveInteger(options, 'burst', DEFAULT_BURST),
    loopLatencyMs: nonNegativeInteger(options, 'loop-latency-ms', LOOP_LATENCY_MS),
    ...(stringOption(options, 'runs') !== undefined ? { runs: positiveInteger(options, 'runs', 20) } : {}),
    seed: positiveInteger(options, 'seed', 1),
    horizonMs: HORIZON_MS,
  };
  const plans: StrategyPlan[] = [];
  for (const { strategy, daemonSet } of strategies) {
    const next = nextDaemonSet(inputs.current, daemonSet);
    const errors = validateDaemonSet(withDefaults(next));
    if (errors.length > 0) {
      // In a comparison a combination upstream refuses (surge with maxUnavailable > 0) is left out, and said so.
      io.err(`${strategy}: not a valid DaemonSet: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}${strategies.length > 1 ? ' (left out)' : ''}`);
      continue;
    }
    plans.push({ strategy, plan: planRollout({ ...base, next }) });
  }
  if (plans.length === 0) return 1;

  const title = `${namespace}/${name}`;
  if (flag(options, 'record')) {
    if (plans.length !== 1) throw new UsageError('--record keeps one plan: give at most one --max-unavailable and one --max-surge');
    await record(store, key, currentRevision(nextDaemonSet(inputs.current, strategies[0]!.daemonSet), inputs.revisions).hash, plans[0]!, now);
    io.err(`plan recorded in ${daemonSetStreamId(key)}: \`rollout status\` and \`history\` show it beside the actual rollout`);
  }
  const svgPath = stringOption(options, 'svg');
  if (svgPath) await writeFile(svgPath, planSvg(title, plans));
  if (output === 'json') io.out(JSON.stringify(plans.length === 1 ? { daemonSet: title, ...plans[0] } : { daemonSet: title, strategies: plans }));
  else if (plans.length === 1) io.out(renderPlan(`Plan for ${title}${inputs.current ? '' : ' (new DaemonSet)'}`, plans[0]!));
  else io.out(renderComparison(plans));
  return 0;
}

/** `kubectl set image`'s CONTAINER=IMAGE pairs (`*` for every container). */
function withImages(ds: V1DaemonSet, pairs: string[]): V1DaemonSet {
  if (pairs.length === 0) return ds;
  const next = structuredClone(ds);
  const containers = [...(next.spec?.template?.spec?.containers ?? []), ...(next.spec?.template?.spec?.initContainers ?? [])];
  for (const pair of pairs) {
    const [container, image] = pair.split('=', 2);
    if (!container || !image) throw new UsageError(`--set-image ${pair}: want CONTAINER=IMAGE (or *=IMAGE)`);
    const matched = containers.filter((c) => container === '*' || c.name === container);
    if (matched.length === 0) throw new UsageError(`--set-image ${pair}: no container named ${container} (have ${containers.map((c) => c.name).join(', ')})`);
    for (const c of matched) c.image = image;
  }
  return next;
}

function intOrPercent(flag: string, raw: string): IntOrString {
  if (/^[0-9]+%$/.test(raw)) return raw;
  if (/^[0-9]+$/.test(raw)) return Number(raw);
  throw new UsageError(`--${flag} ${raw}: want a whole number or a percentage (2, 10%)`);
}

/** Every combination of the given values over the file's rolling update; just the file's when none are given. */
function strategiesOf(ds: V1DaemonSet, unavailable: string[], surge: string[]): { strategy: string; daemonSet: V1DaemonSet }[] {
  const values = (flag: string, raw: string[]) =>
    raw
      .flatMap((r) => r.split(','))
      .filter((v) => v !== '')
      .map((v) => intOrPercent(flag, v));
  const unavailableValues = values('max-unavailable', unavailable);
  const surgeValues = values('max-surge', surge);
  const combos: { maxUnavailable?: IntOrString; maxSurge?: IntOrString }[] = [];
  for (const u of unavailableValues.length ? unavailableValues : [undefined])
    for (const s of surgeValues.length ? surgeValues : [undefined])
      combos.push({ ...(u !== undefined ? { maxUnavailable: u } : {}), ...(s !== undefined ? { maxSurge: s } : {}) });
  return combos.map((combo) => {
    const daemonSet = structuredClone(ds);
    const strategy = daemonSet.spec!.updateStrategy ?? { type: 'RollingUpdate' };
    if (Object.keys(combo).length > 0) {
      strategy.type = 'RollingUpdate';
      strategy.rollingUpdate = { ...strategy.rollingUpdate, ...combo };
    }
    daemonSet.spec!.updateStrategy = strategy;
    const r = withDefaults(daemonSet).spec?.updateStrategy?.rollingUpdate;
    return { strategy: strategy.type === 'OnDelete' ? 'OnDelete' : `maxUnavailable ${r?.maxUnavailable ?? 1}, maxSurge ${r?.maxSurge ?? 0}`, daemonSet };
  });
}

export function nonNegativeInteger(options: CommandOptions, name: string, fallback: number): number {
  const raw = stringOption(options, name);
  if (raw === undefined) return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Appends the prediction to the DaemonSet's stream, where the rollout's own decisions will follow it. */
async function record(store: EventStore, key: DaemonSetKey, hash: string, { strategy, plan }: StrategyPlan, now: Date): Promise<void> {
  const planned: RolloutPlanned = {
    type: ROLLOUT_PLANNED,
    clusterId: key.clusterId,
    schemaVersion: EVENT_SCHEMA_VERSION,
    time: now.toISOString(),
    hash,
    strategy,
    p50Ms: plan.durationP50Ms,
    p90Ms: plan.durationP90Ms,
    peakUnavailable: plan.peakUnavailable,
    surgePodHours: plan.surgePodHours,
  };
  await new EventLog(store).appendOutcomes(key, [planned]);
}
