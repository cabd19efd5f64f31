// What apply and delete share, as kubectl does it: each object of the command is tried in turn; one
// refused (by validation or by the API server) is reported on stderr and the rest still go; the
// command exits 1 if any was refused. Errors that are not the API server's answer end the command.
import { apiErrorMessage } from './api-error-message';
import type { CliIo } from './io';

/** The line to print for one object done, or `{ refused }` for one refused before any request. */
export type TargetResult = string | { refused: string };

export async function forEachTarget<T>(targets: readonly T[], io: CliIo, act: (target: T) => Promise<TargetResult>): Promise<number> {
  let failed = 0;
  for (const target of targets) {
    try {
      const result = await act(target);
      if (typeof result === 'string') io.out(result);
      else {
        io.err(result.refused);
        failed++;
      }
    } catch (error) {
      const message = apiErrorMessage(error);
      if (!message) throw error;
      io.err(message);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}
