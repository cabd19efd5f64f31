// `daemonloop fleet rollout pause|resume|undo NAME` and `daemonloop fleet approve NAME --stage S`:
// one append each to the fleet's stream; the fleet loop acts on it.
import { approveStage, setPaused, undoFleet } from '../../fleet/operations';
import { fleetSourceOf } from '../fleet-source';
import type { CliIo } from '../io';
import { positiveInteger, requireString, UsageError, type CommandOptions } from '../options';

async function withFleet(
  options: CommandOptions,
  act: (store: Awaited<ReturnType<typeof fleetSourceOf>>['store'], name: string) => Promise<string>,
  io: CliIo,
): Promise<number> {
  const name = options.positionals[0];
  if (!name) throw new UsageError('a fleet name is required');
  const source = await fleetSourceOf(options);
  try {
    io.out(await act(source.store, name));
    return 0;
  } finally {
    await source.close();
  }
}

export const runPause = (o: CommandOptions, io: CliIo) =>
  withFleet(
    o,
    async (s, n) => {
      await setPaused(s, n, true, new Date());
      return `fleet ${n} paused`;
    },
    io,
  );
export const runResume = (o: CommandOptions, io: CliIo) =>
  withFleet(
    o,
    async (s, n) => {
      await setPaused(s, n, false, new Date());
      return `fleet ${n} resumed`;
    },
    io,
  );
export const runUndo = (o: CommandOptions, io: CliIo) =>
  withFleet(
    o,
    async (s, n) =>
      `fleet ${n} rolled back as revision ${await undoFleet(s, n, new Date(), o.values['to-revision'] ? positiveInteger(o, 'to-revision', 1) : undefined)}`,
    io,
  );
export const runApprove = (o: CommandOptions, io: CliIo) => {
  const stage = requireString(o, 'stage');
  return withFleet(o, async (s, n) => `fleet ${n}: stage ${stage} of revision ${await approveStage(s, n, stage, new Date())} approved`, io);
};
