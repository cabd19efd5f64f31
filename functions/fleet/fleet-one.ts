// One fleet's data path, top to bottom, like reconcileOne: rebuild the fleet stream → read the
// clusters and their DaemonSets → decide (pure) → append the decision at the expected commit → size
// the node budget → write and remove per-cluster DaemonSets → record what happened → wake up.
// Serial per fleet (its own FIFO group); the expected commit is the last guard against a racer.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { heldBy, emptyLedger, evolveBudget, sameBudgetSize, type BudgetEvent } from '../../domain/fleet/budget';
import { decideFleet, type FleetDecision } from '../../domain/fleet/decide';
import type { FleetEvent } from '../../domain/fleet/events';
import type { ClusterObservation } from '../../domain/fleet/progressive';
import { foldFleet, type FleetState } from '../../domain/fleet/state';
import { FLEET_NAME_ANNOTATION, FLEET_REVISION_ANNOTATION, type FleetCluster } from '../../domain/fleet/types';
import { isStreamVersionConflict } from '../adapters/event-store/port';
import { fleetBudgetStreamId, fleetStreamId } from '../adapters/fleet-store/port';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from '../adapters/kubernetes/custom-resource';
import type { FleetDeps } from './ports';

const ATTEMPTS = 20;

export async function readFleet(deps: Pick<FleetDeps, 'store'>, name: string): Promise<{ state: FleetState; commit: number }> {
  const commits = await deps.store.read<FleetEvent>(fleetStreamId(name));
  return { state: foldFleet(commits.flatMap((c) => c.events)), commit: commits.at(-1)?.commit ?? 0 };
}

export async function fleetOne(name: string, deps: FleetDeps): Promise<FleetDecision | undefined> {
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const { state, commit } = await readFleet(deps, name); // 1. the fleet stream
    if (!state.fleet) return undefined;
    const clusters: FleetCluster[] = (await deps.registry.list()).map((c) => ({ clusterId: c.clusterId, labels: c.labels ?? {} })); // 2.
    const namespace = state.fleet.metadata.namespace ?? 'default';
    const observed: Record<string, ClusterObservation> = {};
    await Promise.all(
      clusters.map(async (c) => {
        const o = await deps.observe(c.clusterId, namespace, name, now);
        if (o) observed[c.clusterId] = o;
      }),
    );
    const decision = decideFleet({ state, clusters, observed, now })!; // 3. the pure decision
    try {
      if (decision.recorded.length > 0) await deps.store.append(fleetStreamId(name), commit, decision.recorded); // 4. with what it read, for fleet history --verify
    } catch (error) {
      if (!isStreamVersionConflict(error) || attempt >= ATTEMPTS) throw error;
      continue; // another run went first: decide again on top of it
    }
    await sizeBudget(name, decision, deps); // 5. before any cluster is given a revision that draws on it

    const outcomes: FleetEvent[] = []; // 6. the clusters' DaemonSets
    for (const w of decision.write) {
      const ds: V1DaemonSet = {
        apiVersion: DAEMONSET_API_VERSION,
        kind: DAEMONSET_KIND,
        metadata: { name, namespace, annotations: { [FLEET_NAME_ANNOTATION]: name, [FLEET_REVISION_ANNOTATION]: String(w.revision) } },
        spec: w.spec,
      };
      const r = await deps.daemonSets.apply(w.clusterId, ds);
      const ok = r.outcome !== 'failed';
      outcomes.push({
        type: 'FleetClusterWritten',
        time: deps.clock.now().toISOString(),
        revision: w.revision,
        clusterId: w.clusterId,
        outcome: ok ? 'succeeded' : 'failed',
        ...(ok ? {} : { reason: r.reason ?? 'failed' }),
      });
    }
    const removed: string[] = [];
    for (const r of decision.remove) {
      const result = await deps.daemonSets.remove(r.clusterId, namespace, name, r.policy);
      if (result.outcome === 'failed')
        deps.telemetry.warn('fleet: removing a DaemonSet failed', { fleet: name, clusterId: r.clusterId, reason: result.reason });
      else {
        removed.push(r.clusterId);
        outcomes.push({ type: 'FleetClusterRemoved', time: deps.clock.now().toISOString(), clusterId: r.clusterId, policy: r.policy });
      }
    }
    await appendAnyway(deps, fleetStreamId(name), outcomes); // 7. what really happened
    if (removed.length > 0) await returnHolds(name, removed, deps);

    const retry = outcomes.some((o) => o.type === 'FleetClusterWritten' && o.outcome === 'failed') || removed.length < decision.remove.length;
    const wakeIn = retry ? Math.min(decision.requeueAfterSeconds ?? 5, 5) : decision.requeueAfterSeconds;
    if (wakeIn !== undefined)
      await deps.timers.schedule(
        name,
        new Date(now.getTime() + wakeIn * 1000),
        retry ? 'retry failed cluster writes' : (decision.waits[0]?.reason ?? 'fleet recheck'),
      ); // 8.
    return decision;
  }
}

/** Outcomes are facts: appended at whatever the stream's end is now. */
async function appendAnyway(deps: Pick<FleetDeps, 'store'>, streamId: string, events: FleetEvent[] | BudgetEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (let attempt = 1; ; attempt++) {
    const latest = (await deps.store.read(streamId)).at(-1)?.commit ?? 0;
    try {
      await deps.store.append(streamId, latest, events);
      return;
    } catch (error) {
      if (!isStreamVersionConflict(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function sizeBudget(name: string, decision: FleetDecision, deps: FleetDeps): Promise<void> {
  const streamId = fleetBudgetStreamId(name);
  const ledger = (await deps.store.read<BudgetEvent>(streamId)).flatMap((c) => c.events).reduce(evolveBudget, emptyLedger());
  if (!sameBudgetSize(ledger, decision.budget))
    await appendAnyway(deps, streamId, [{ type: 'FleetBudgetSized', time: deps.clock.now().toISOString(), ...decision.budget }]);
}

/** A cluster that left the fleet holds no budget any more. */
async function returnHolds(name: string, clusterIds: string[], deps: FleetDeps): Promise<void> {
  const streamId = fleetBudgetStreamId(name);
  const ledger = (await deps.store.read<BudgetEvent>(streamId)).flatMap((c) => c.events).reduce(evolveBudget, emptyLedger());
  const time = deps.clock.now().toISOString();
  const events: BudgetEvent[] = clusterIds.flatMap((clusterId) => {
    const nodes = heldBy(ledger, clusterId);
    return nodes.length > 0 ? [{ type: 'FleetBudgetReturned' as const, time, clusterId, nodes }] : [];
  });
  await appendAnyway(deps, streamId, events);
}
