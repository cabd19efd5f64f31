// The fleet store's contract, on memory and on dynalite: numbered commits read back in order, a
// lost race is a StreamVersionConflict and writes nothing, a gap is refused, fleets are listed
// (their budget streams are not fleets).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLogTable } from '../../../functions/adapters/event-store/table';
import { isStreamVersionConflict } from '../../../functions/adapters/event-store/port';
import { DynamoDbFleetStore } from '../../../functions/adapters/fleet-store/dynamodb';
import { InMemoryFleetStore } from '../../../functions/adapters/fleet-store/in-memory';
import { fleetBudgetStreamId, fleetStreamId, type FleetStore, type FleetStreamEvent } from '../../../functions/adapters/fleet-store/port';
import { VirtualClock } from '../../../functions/clock';
import { startDynalite, type DynamoDbServer } from '../../support/dynalite';

const paused = (p: boolean, s = 0): FleetStreamEvent => ({ type: 'FleetPauseChanged', time: new Date(s * 1000).toISOString(), paused: p });

let dynalite: DynamoDbServer;
beforeAll(async () => {
  dynalite = await startDynalite();
  await createEventLogTable(dynalite.client, 'fleet-contract');
});
afterAll(async () => dynalite?.close());

const stores: [string, () => FleetStore][] = [
  ['in memory', () => new InMemoryFleetStore(new VirtualClock())],
  ['dynalite', () => new DynamoDbFleetStore(dynalite.client, 'fleet-contract', new VirtualClock())],
];

describe.each(stores)('FleetStore (%s)', (label, make) => {
  it('appends numbered commits and reads them back from any commit', async () => {
    const store = make();
    const id = fleetStreamId(`read-${label.replace(/ /g, '')}`);
    expect(await store.append(id, 0, [paused(true), paused(false)])).toBe(1);
    expect(await store.append(id, 1, [paused(true, 1)])).toBe(2);
    expect((await store.read(id)).map((c) => [c.commit, c.events.length])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect((await store.read(id, 2))[0]!.events).toEqual([paused(true, 1)]);
  });
  it('refuses a lost race and a gap, writing nothing', async () => {
    const store = make();
    const id = fleetStreamId(`race-${label.replace(/ /g, '')}`);
    await store.append(id, 0, [paused(true)]);
    const lost = await store.append(id, 0, [paused(false)]).catch((e: unknown) => e);
    expect(isStreamVersionConflict(lost)).toBe(true);
    const gap = await store.append(id, 5, [paused(false)]).catch((e: unknown) => e);
    expect(isStreamVersionConflict(gap)).toBe(true);
    expect((await store.read(id)).map((c) => c.events)).toEqual([[paused(true)]]);
  });
  it('lists fleets, not their budget streams', async () => {
    const store = make();
    await store.append(fleetStreamId('zeta'), 0, [paused(true)]);
    await store.append(fleetBudgetStreamId('zeta'), 0, [{ type: 'FleetBudgetSized', time: new Date(0).toISOString(), limit: 3 }]);
    expect(await store.listFleets()).toContain('zeta');
    expect((await store.listFleets()).some((n) => n.includes('/'))).toBe(false);
  });
});
