// `daemonloop plan -f NEW.yaml --fleet NAME`: what rolling out a new revision of a fleet would do —
// each placed cluster's rollout simulated on the cluster as the log knows it, started by the
// fleet's own decision (its stages, soak, maxConcurrency) and held to the fleet's node budget
// (domain/plan/plan-fleet). NEW.yaml is the FleetDaemonSet as it would be applied, or a DaemonSet
// whose spec becomes the fleet's template (stages, overrides and budget stay the fleet's).
import { readFile } from 'node:fs/promises';
import type { V1DaemonSet } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { OPENCOST_DEFAULT_PRICES } from '../../../domain/cost';
import type { ClusterObservation } from '../../../domain/fleet/progressive';
import { selectClusters } from '../../../domain/fleet/placement';
import { foldFleet } from '../../../domain/fleet/state';
import { FLEET_KIND, FLEET_NAME_ANNOTATION, FLEET_REVISION_ANNOTATION, type FleetDaemonSet } from '../../../domain/fleet/types';
import { validateFleet } from '../../../domain/fleet/validation';
import { planFleetRollout, type FleetMemberInput } from '../../../domain/plan/plan-fleet';
import { DEFAULT_BURST, DEFAULT_QPS } from '../../adapters/kubernetes/rate-limiter';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from '../../adapters/kubernetes/custom-resource';
import { parseDaemonSetManifests } from '../../adapters/kubernetes/manifest';
import { readFleet } from '../../fleet/fleet-one';
import { planInputsFromLog } from '../../log/plan-inputs';
import { fleetSourceOf } from '../fleet-source';
import type { CliIo } from '../io';
import { positiveInteger, requireString, stringOption, UsageError, type CommandOptions } from '../options';
import { readPriceTable } from './cost';
import { HORIZON_MS, LOOP_LATENCY_MS, nonNegativeInteger } from './plan';
import { renderFleetPlan } from './render-plan';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const name = requireString(options, 'fleet');
  const output = stringOption(options, 'output');
  if (output !== undefined && output !== 'json') throw new UsageError(`-o ${output}: plan prints a table or json`);
  for (const unsupported of ['record', 'max-unavailable', 'max-surge', 'set-image', 'cluster', 'svg'] as const) {
    if (options.values[unsupported] !== undefined) throw new UsageError(`--${unsupported} plans one cluster's DaemonSet: not with --fleet`);
  }
  const text = await readFile(requireString(options, 'filename'), 'utf8');
  const pricesPath = stringOption(options, 'prices');
  const prices = pricesPath === undefined ? OPENCOST_DEFAULT_PRICES : await readPriceTable(pricesPath);
  if ('error' in prices) throw new UsageError(prices.error);

  const source = await fleetSourceOf(options);
  try {
    const now = new Date();
    const { state } = await readFleet(source, name);
    if (!state.fleet) throw new UsageError(`fleet ${JSON.stringify(name)} not found: \`daemonloop fleet apply\` it first`);
    const fleet = newRevision(text, state.fleet);
    if (fleet.metadata.name !== name)
      throw new UsageError(`the file's FleetDaemonSet is ${JSON.stringify(fleet.metadata.name)}, not --fleet ${JSON.stringify(name)}`);
    const namespace = fleet.metadata.namespace ?? 'default';
    const revision = state.revision + 1;
    const applied = foldFleet([{ type: 'FleetApplied', time: now.toISOString(), fleet, revision }], state);

    const clusters = await source.clusters();
    const placed = selectClusters(fleet.spec.placement, clusters);
    if (placed.length === 0) io.err(`warning: the placement selects none of the ${clusters.length} registered clusters: the plan has nothing to roll out to`);
    const observed: Record<string, ClusterObservation> = {};
    const members: Record<string, FleetMemberInput> = {};
    const common = {
      prices,
      qps: positiveInteger(options, 'qps', DEFAULT_QPS),
      burst: positiveInteger(options, 'burst', DEFAULT_BURST),
      loopLatencyMs: nonNegativeInteger(options, 'loop-latency-ms', LOOP_LATENCY_MS),
      horizonMs: HORIZON_MS,
    };
    for (const { clusterId } of placed) {
      const o = await source.observe(clusterId, namespace, name, now);
      if (o) observed[clusterId] = o;
      const inputs = await planInputsFromLog(source.events, { clusterId, namespace, name }, now);
      if (inputs.nodes.length === 0) io.err(`warning: the log knows no nodes of cluster ${clusterId}`);
      members[clusterId] = {
        ...(inputs.current ? { current: inputs.current } : {}),
        nodes: inputs.nodes,
        pods: inputs.pods,
        revisions: inputs.revisions,
        samples: inputs.samples,
        requested: inputs.requested,
        ...common,
      };
    }
    const plan = planFleetRollout({
      state: applied,
      clusters,
      observed,
      members,
      daemonSetFor: (_clusterId, spec): V1DaemonSet => ({
        apiVersion: DAEMONSET_API_VERSION,
        kind: DAEMONSET_KIND,
        metadata: { name, namespace, annotations: { [FLEET_NAME_ANNOTATION]: name, [FLEET_REVISION_ANNOTATION]: String(revision) } },
        spec,
      }),
      now,
      ...(stringOption(options, 'runs') !== undefined ? { runs: positiveInteger(options, 'runs', 20) } : {}),
      seed: positiveInteger(options, 'seed', 1),
      loopLatencyMs: common.loopLatencyMs,
      horizonMs: HORIZON_MS,
    });
    if (output === 'json') io.out(JSON.stringify({ fleet: name, ...plan }));
    else io.out(renderFleetPlan(`Plan for fleet ${name} (revision ${revision})`, plan));
    return 0;
  } finally {
    await source.close();
  }
}

/** The fleet as it would be applied: the file's FleetDaemonSet, or the fleet with the file's DaemonSet spec as its template. */
function newRevision(text: string, current: FleetDaemonSet): FleetDaemonSet {
  const docs = parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: unknown } | null)
    .filter((d) => d !== null);
  if (docs.length !== 1) throw new UsageError(`plan --fleet takes one FleetDaemonSet or DaemonSet; the file holds ${docs.length}`);
  if (docs[0]!.kind === FLEET_KIND) {
    const errors = validateFleet(docs[0]);
    if (errors.length > 0) throw new UsageError(`invalid FleetDaemonSet: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    return docs[0] as unknown as FleetDaemonSet;
  }
  const ds = parseDaemonSetManifests(text)[0]!;
  if (!ds.spec) throw new UsageError('the DaemonSet has no spec');
  return { ...current, spec: { ...current.spec, template: ds.spec } };
}
