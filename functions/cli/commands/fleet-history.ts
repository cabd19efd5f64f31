// `daemonloop fleet history NAME [--json] [--verify]`: the fleet's timeline from the log — applies,
// runs and their plans, clusters started, written, succeeded and failed, approvals, and the
// node-budget ledger's grants and returns. --verify decides every recorded fleet decision again
// from what it recorded reading (domain/fleet/replay.ts) and exits 1 naming each that differs.
import type { FleetEvent } from '../../../domain/fleet/events';
import { replayFleet, type FleetReplayReport } from '../../../domain/fleet/replay';
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
    const fleetCommits = await source.store.read<FleetEvent>(fleetStreamId(name));
    const commits = [...fleetCommits, ...(await source.store.read<FleetStreamEvent>(fleetBudgetStreamId(name)))];
    if (commits.length === 0) throw new UsageError(`fleet ${JSON.stringify(name)} not found`);
    const ordered = commits
      .flatMap((c) => c.events.map((e) => ({ commit: c.commit, events: [e] })))
      .sort((a, b) => a.events[0]!.time.localeCompare(b.events[0]!.time));
    if (flag(options, 'json')) for (const c of ordered) io.out(JSON.stringify(c.events[0]));
    else io.out(renderFleetHistory(ordered));
    if (!flag(options, 'verify')) return 0;
    const report = replayFleet(fleetCommits);
    io.out(flag(options, 'json') ? JSON.stringify({ replayed: report.decisions, mismatches: report.mismatches }) : renderFleetReplay(report));
    return report.mismatches.length === 0 ? 0 : 1;
  } finally {
    await source.close();
  }
}

function renderFleetReplay(report: FleetReplayReport): string {
  if (report.mismatches.length === 0) return `replayed ${report.decisions} fleet decisions: all match`;
  return [
    ...report.mismatches.flatMap((m) => [`fleet decision #${m.commit} (${m.time}) does not match its replay:`, ...m.differences.map((d) => `  ${d}`)]),
    `replayed ${report.decisions} fleet decisions: ${report.mismatches.length} do not match`,
  ].join('\n');
}
