// What an operator does to a fleet, each one append to its stream at the expected commit:
// apply (validated whole first; a new revision only when the template or the overrides change),
// approve a stage of the current run, pause and resume, and undo (re-apply an earlier revision's
// template and overrides as a new revision, as `kubectl rollout undo` does).
import { isDeepStrictEqual } from 'node:util';
import type { FleetEvent } from '../../domain/fleet/events';
import type { FleetState } from '../../domain/fleet/state';
import type { FleetDaemonSet } from '../../domain/fleet/types';
import { validateFleet } from '../../domain/fleet/validation';
import { isStreamVersionConflict } from '../adapters/event-store/port';
import { fleetStreamId, type FleetStore } from '../adapters/fleet-store/port';
import { readFleet } from './fleet-one';

export class FleetOperationError extends Error {}

const rolledOutPart = (f: FleetDaemonSet) => ({ template: f.spec.template, overrides: f.spec.overrides ?? [] });

async function change(store: FleetStore, name: string, decide: (state: FleetState) => FleetEvent[]): Promise<FleetEvent[]> {
  for (let attempt = 1; ; attempt++) {
    const { state, commit } = await readFleet({ store }, name);
    const events = decide(state);
    if (events.length === 0) return events;
    try {
      await store.append(fleetStreamId(name), commit, events);
      return events;
    } catch (error) {
      if (!isStreamVersionConflict(error) || attempt >= 5) throw error;
    }
  }
}

/** 'created' | 'configured' (new revision) | 'unchanged'. Throws, naming every bad field, and writes nothing. */
export async function applyFleet(store: FleetStore, given: unknown, now: Date): Promise<{ result: 'created' | 'configured' | 'unchanged'; revision: number }> {
  const errors = validateFleet(given);
  if (errors.length > 0) throw new FleetOperationError(`invalid FleetDaemonSet: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  const fleet = given as FleetDaemonSet;
  let outcome: { result: 'created' | 'configured' | 'unchanged'; revision: number } = { result: 'unchanged', revision: 0 };
  await change(store, fleet.metadata.name, (state) => {
    const current = state.fleet;
    if (current && isDeepStrictEqual(current, fleet)) {
      outcome = { result: 'unchanged', revision: state.revision };
      return [];
    }
    const revision = current && isDeepStrictEqual(rolledOutPart(current), rolledOutPart(fleet)) ? state.revision : state.revision + 1;
    outcome = { result: current ? 'configured' : 'created', revision };
    return [{ type: 'FleetApplied', time: now.toISOString(), fleet, revision }];
  });
  return outcome;
}

export async function approveStage(store: FleetStore, name: string, stage: string, now: Date): Promise<number> {
  let revision = 0;
  await change(store, name, (state) => {
    if (!state.run) throw new FleetOperationError(`fleet ${name}: no run to approve`);
    if (!state.run.plan.stages.some((s) => s.name === stage))
      throw new FleetOperationError(
        `fleet ${name}: the run of revision ${state.run.revision} has no stage ${JSON.stringify(stage)} (stages: ${state.run.plan.stages.map((s) => s.name).join(', ')})`,
      );
    revision = state.run.revision;
    return state.run.approvals.includes(stage) ? [] : [{ type: 'FleetStageApproved', time: now.toISOString(), revision, stage }];
  });
  return revision;
}

export async function setPaused(store: FleetStore, name: string, paused: boolean, now: Date): Promise<void> {
  await change(store, name, (state) => {
    if (!state.fleet) throw new FleetOperationError(`fleet ${name} not found`);
    return state.paused === paused ? [] : [{ type: 'FleetPauseChanged', time: now.toISOString(), paused }];
  });
}

/** Re-applies revision `to` (default: the one before the current) as a new revision. */
export async function undoFleet(store: FleetStore, name: string, now: Date, to?: number): Promise<number> {
  let revision = 0;
  await change(store, name, (state) => {
    if (!state.fleet) throw new FleetOperationError(`fleet ${name} not found`);
    const target = to ?? state.revision - 1;
    const old = state.revisions[target];
    if (!old || target === state.revision) throw new FleetOperationError(`fleet ${name}: no revision ${target} to go back to (current ${state.revision})`);
    revision = state.revision + 1;
    const fleet: FleetDaemonSet = {
      ...state.fleet,
      spec: { ...state.fleet.spec, template: old.spec.template, ...(old.spec.overrides ? { overrides: old.spec.overrides } : {}) },
    };
    if (!old.spec.overrides) delete fleet.spec.overrides;
    return [{ type: 'FleetApplied', time: now.toISOString(), fleet, revision }];
  });
  return revision;
}
