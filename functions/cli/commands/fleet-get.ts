// `daemonloop fleet get [NAME] [--json]`: one line per fleet — NAME, REVISION, CLUSTERS,
// UP-TO-DATE, AVAILABLE, STAGE, AGE (node counts summed over the fleet's clusters).
import { fleetStatus } from '../../../domain/fleet/status';
import { fleetSourceOf, fleetView } from '../fleet-source';
import type { CliIo } from '../io';
import { flag, type CommandOptions } from '../options';
import { renderFleets } from './render-fleet';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const source = await fleetSourceOf(options);
  try {
    const now = new Date();
    const names = options.positionals.length > 0 ? options.positionals : await source.store.listFleets();
    const rows = [];
    for (const name of names) {
      const { state, clusters, observed } = await fleetView(source, name, now);
      rows.push({ status: fleetStatus(state, clusters, observed, now)!, ...(state.appliedAt ? { appliedAt: state.appliedAt } : {}) });
    }
    if (flag(options, 'json')) for (const r of rows) io.out(JSON.stringify(r.status));
    else io.out(rows.length > 0 ? renderFleets(rows, now) : 'No fleets found.');
    return 0;
  } finally {
    await source.close();
  }
}
