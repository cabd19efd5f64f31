// The fleet store in memory, for unit tests and benchmarks; events round-trip through JSON as in the table.
import type { Clock } from '../../clock';
import { systemClock } from '../../clock';
import { StreamVersionConflict } from '../event-store/port';
import type { FleetCommit, FleetStore, FleetStreamEvent } from './port';

export class InMemoryFleetStore implements FleetStore {
  private readonly streams = new Map<string, { time: string; json: string }[]>();

  constructor(private readonly clock: Clock = systemClock) {}

  async read<E extends FleetStreamEvent>(streamId: string, fromCommit = 1): Promise<FleetCommit<E>[]> {
    const commits = this.streams.get(streamId) ?? [];
    return commits.slice(Math.max(0, fromCommit - 1)).map((c, i) => ({ commit: Math.max(1, fromCommit) + i, time: c.time, events: JSON.parse(c.json) as E[] }));
  }

  async append(streamId: string, expected: number, events: FleetStreamEvent[]): Promise<number> {
    const commits = this.streams.get(streamId) ?? [];
    if (expected !== commits.length)
      throw new StreamVersionConflict(streamId, expected, expected > commits.length ? `commit ${expected} does not exist` : undefined);
    commits.push({ time: this.clock.now().toISOString(), json: JSON.stringify(events) });
    this.streams.set(streamId, commits);
    return commits.length;
  }

  async listFleets(): Promise<string[]> {
    return [...this.streams.keys()]
      .filter((s) => /^fleet\/[^/]+$/.test(s))
      .map((s) => s.slice('fleet/'.length))
      .sort();
  }
}
