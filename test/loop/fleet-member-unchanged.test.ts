// A fleet member's reconcile skips recording a decision that changes nothing — as any DaemonSet's
// does — when it neither returns nor takes fleet node budget; a decision that returns a hold is
// recorded, and its ledger commit goes in with it.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { BudgetEvent } from '../../domain/fleet/budget';
import * as E from '../../domain/events';
import { FLEET_NAME_ANNOTATION } from '../../domain/fleet/types';
import type { DaemonSetKey } from '../../domain/streams';
import { InMemoryEventStore } from '../../functions/adapters/event-store/in-memory';
import { InMemoryFleetStore } from '../../functions/adapters/fleet-store/in-memory';
import { fleetBudgetStreamId } from '../../functions/adapters/fleet-store/port';
import { VirtualClock } from '../../functions/clock';
import { FleetBudget } from '../../functions/fleet/budget-client';
import { EventLog } from '../../functions/log/event-log';
import { replayDecisions } from '../../functions/log/replay';
import type { ReconcileDeps } from '../../functions/loop/deps';
import { reconcileOne } from '../../functions/loop/reconcile-one';
import { localTelemetry } from '../../functions/observability';
import { CLUSTER, DS_STREAM, aDaemonSet, daemonSetObserved, nodeObserved } from '../log/fixtures';
import { FakeCluster } from './fake-cluster';

const key: DaemonSetKey = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };
const member = (rv: string) => {
  const ds = aDaemonSet('agent', rv);
  ds.metadata!.annotations = { [FLEET_NAME_ANNOTATION]: 'agents' };
  return ds;
};

async function setup() {
  const clock = new VirtualClock(new Date('2026-01-01T00:10:00Z'));
  const store = new InMemoryEventStore(clock);
  const log = new EventLog(store);
  const cluster = new FakeCluster();
  const fleets = new InMemoryFleetStore(clock);
  await fleets.append(fleetBudgetStreamId('agents'), 0, [{ type: 'FleetBudgetSized', time: clock.now().toISOString(), limit: 5 }]);
  const deps: ReconcileDeps = {
    log,
    clock,
    clusters: { api: async () => cluster },
    timers: { schedule: async () => {} },
    pending: { waiting: async () => false },
    telemetry: localTelemetry('silent'),
    fleetBudget: new FleetBudget(fleets),
  };
  await log.appendObservations([daemonSetObserved(member('1')), nodeObserved('n1', '2'), nodeObserved('n2', '3')]);
  const commits = async () => {
    let n = 0;
    for await (const _ of store.read(DS_STREAM)) n++;
    return n;
  };
  const ledger = async () => (await fleets.read<BudgetEvent>(fleetBudgetStreamId('agents'))).flatMap((c) => c.events);
  return { clock, store, log, cluster, fleets, deps, commits, ledger };
}

function podObservedFrom(pod: V1Pod, resourceVersion: string): E.PodObserved {
  const ready = { type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:00:00Z') };
  return {
    type: E.POD_OBSERVED,
    clusterId: CLUSTER,
    schemaVersion: E.EVENT_SCHEMA_VERSION,
    time: '2026-01-01T00:10:00.000Z',
    pod: { ...pod, metadata: { ...pod.metadata, uid: `uid-${pod.metadata!.name}`, resourceVersion }, status: { phase: 'Running', conditions: [ready] } },
  };
}

/** Runs the member to its steady state: pods created, observed, status shown. */
async function settle(s: Awaited<ReturnType<typeof setup>>) {
  await reconcileOne(key, s.deps);
  await s.log.appendObservations([...s.cluster.pods.values()].map((pod, i) => podObservedFrom(pod, String(10 + i))));
  await reconcileOne(key, s.deps);
  const shown = { ...member('9'), status: s.cluster.status };
  await s.log.appendObservations([daemonSetObserved(shown)]);
  if ((await reconcileOne(key, s.deps)) !== 'unchanged') await reconcileOne(key, s.deps);
}

describe('reconcileOne for a fleet member', () => {
  it('records nothing for a decision identical to the last one that neither returns nor takes node budget', async () => {
    const s = await setup();
    await settle(s);
    const [before, ledgerBefore] = [await s.commits(), await s.ledger()];
    expect(await reconcileOne(key, s.deps)).toBe('unchanged');
    expect(await reconcileOne(key, s.deps)).toBe('unchanged');
    expect(await s.commits()).toBe(before);
    expect(await s.ledger()).toEqual(ledgerBefore);
    expect((await replayDecisions((id, from) => s.store.read(id, from), key)).mismatches).toEqual([]);
  });

  it('records the decision that gives a settled hold back, with the ledger’s return', async () => {
    const s = await setup();
    await settle(s);
    const before = await s.commits();
    // A hold granted to an earlier decision on a node that no longer needs the daemon (gone): settled, so returned.
    const ledgerCommit = (await s.fleets.read(fleetBudgetStreamId('agents'))).length;
    await s.fleets.append(fleetBudgetStreamId('agents'), ledgerCommit, [
      { type: 'FleetBudgetGranted', time: s.clock.now().toISOString(), clusterId: CLUSTER, nodes: ['n-gone'], decisionCommit: 1 },
    ]);
    expect(await reconcileOne(key, s.deps)).toBe('decided');
    expect(await s.commits()).toBe(before + 1); // the decision (it applies nothing, so no outcomes)
    expect((await s.ledger()).at(-1)).toMatchObject({ type: 'FleetBudgetReturned', clusterId: CLUSTER, nodes: ['n-gone'] });
    expect(await reconcileOne(key, s.deps)).toBe('unchanged'); // nothing left to return
  });
});
