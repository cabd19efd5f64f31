// `daemonloop fleet history NAME [--json]`: the fleet's timeline from the log — applies, runs and
// their plans, clusters started, written, succeeded and failed, approvals, and the node-budget
// ledger's grants and returns.
import type { FleetStreamEvent } from '../../adapters/fleet-store/port';
import { fleetBudgetStreamId, fleetStreamId } from '../../adapters/fleet-store/port';
import { fleetSourceOf } from '../fleet-source';
import type { CliIo } from '../io';
import { flag, UsageError, type CommandOptions } from '../options';
import { renderFleetHistory } from './render-fleet';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const name = options.positionals[0];
  if (!name) throw new UsageError('a fleet name is required');
  const source = await fleetSourceOf(options);
  try {
    const commits = [...(await source.store.read<FleetStreamEvent>(fleetStreamId(name))), ...(await source.store.read<FleetStreamEvent>(fleetBudgetStreamId(name)))];
    if (commits.length === 0) throw new UsageError(`fleet ${JSON.stringify(name)} not found`);
    const ordered = commits.flatMap((c) => c.events.map((e) => ({ commit: c.commit, events: [e] }))).sort((a, b) => a.events[0]!.time.localeCompare(b.events[0]!.time));
    if (flag(options, 'json')) for (const c of ordered) io.out(JSON.stringify(c.events[0]));
    else io.out(renderFleetHistory(ordered));
    return 0;
  } finally {
    await source.close();
  }
}
