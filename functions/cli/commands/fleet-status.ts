// `daemonloop fleet status NAME [--json]`: per stage and cluster — revision, desired/updated/
// available, state — the fleet's conditions, and why the run waits (budget, soak, approval, deadline).
// `daemonloop fleet rollout status NAME [--timeout S]` follows it until the run finishes.
import { fleetStatus, type FleetStatus } from '../../../domain/fleet/status';
import { fleetSourceOf, fleetView, type FleetSource } from '../fleet-source';
import type { CliIo } from '../io';
import { flag, positiveInteger, UsageError, type CommandOptions } from '../options';
import { renderFleetStatus } from './render-fleet';

const nameOf = (options: CommandOptions): string => {
  const name = options.positionals[0];
  if (!name) throw new UsageError('a fleet name is required');
  return name;
};

async function statusOf(source: FleetSource, name: string): Promise<{ status: FleetStatus; outcome?: 'Succeeded' | 'Failed' }> {
  const now = new Date();
  const { state, clusters, observed } = await fleetView(source, name, now);
  const outcome = state.run?.revision === state.revision ? state.run.outcome : undefined;
  return { status: fleetStatus(state, clusters, observed, now)!, ...(outcome ? { outcome } : {}) };
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const source = await fleetSourceOf(options);
  try {
    const { status } = await statusOf(source, nameOf(options));
    io.out(flag(options, 'json') ? JSON.stringify(status) : renderFleetStatus(status));
    return 0;
  } finally {
    await source.close();
  }
}

export async function runRolloutStatus(options: CommandOptions, io: CliIo): Promise<number> {
  const name = nameOf(options);
  const deadline = Date.now() + positiveInteger(options, 'timeout', 3600) * 1000;
  const source = await fleetSourceOf(options);
  try {
    let last = '';
    for (;;) {
      const { status, outcome } = await statusOf(source, name);
      const line = `revision ${status.revision}: ${status.updated}/${status.desired} nodes updated, stage ${status.stage ?? '-'}${status.waits[0] ? ` — ${status.waits[0].reason}` : ''}`;
      if (line !== last) io.err(line);
      last = line;
      if (outcome === 'Succeeded') {
        io.out(`fleet ${name}: revision ${status.revision} rolled out to ${status.clusters} cluster(s)`);
        return 0;
      }
      if (outcome === 'Failed') {
        io.out(`fleet ${name}: revision ${status.revision} failed: ${status.conditions.find((c) => c.type === 'Progressing')?.message}`);
        return 1;
      }
      if (Date.now() > deadline) {
        io.err(`timed out waiting for fleet ${name}`);
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await source.close();
  }
}
