// The fleet's streams in the event-log table: `fleet/<name>` (the FleetDaemonSet, its runs and
// decisions) and `fleet/<name>/budget` (the node-budget ledger). "fleet" is a reserved cluster id,
// so these never meet a cluster's streams. The same contract as the event store: numbered commits,
// one conditional write each, a lost race is a StreamVersionConflict.
import type { BudgetEvent } from '../../../domain/fleet/budget';
import type { FleetEvent } from '../../../domain/fleet/events';

export const FLEET_STREAM_OWNER = 'fleet'; // the reserved "cluster" that owns fleet streams in the streams index
export const fleetStreamId = (name: string): string => `fleet/${name}`;
export const fleetBudgetStreamId = (name: string): string => `fleet/${name}/budget`;

export type FleetStreamEvent = FleetEvent | BudgetEvent;

export interface FleetCommit<E extends FleetStreamEvent = FleetStreamEvent> {
  commit: number;
  time: string;
  events: E[];
}

export interface FleetStore {
  /** Commits numbered `fromCommit` and up, ascending (strongly consistent). */
  read<E extends FleetStreamEvent>(streamId: string, fromCommit?: number): Promise<FleetCommit<E>[]>;
  /** Writes `events` as commit `expected + 1`, or throws StreamVersionConflict. */
  append(streamId: string, expected: number, events: FleetStreamEvent[]): Promise<number>;
  /** Names of every fleet ever applied. */
  listFleets(): Promise<string[]>;
}
