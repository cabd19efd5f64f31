// `daemonloop rollout status DS [-n NS] [--json] [--timeout SECONDS]`: follows the rollout until
// it completes, as `kubectl rollout status ds/NAME` does; the final message goes to stdout.
import { rolloutStatus } from '../../../domain';
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import { flag, positiveInteger, stringOption, UsageError, type CommandOptions } from '../options';
import { RolloutProgress } from '../rollout-progress';

const POLL_MS = 500;

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const name = options.positionals[0]?.replace(/^(ds|daemonset|daemonsets)\//, '');
  if (!name) throw new UsageError('rollout status needs a DaemonSet name');
  const namespace = stringOption(options, 'namespace') ?? 'default';
  const deadline = Date.now() + positiveInteger(options, 'timeout', 600) * 1000;
  const cp = controlPlaneOf(options);
  const progress = new RolloutProgress(io, flag(options, 'json'));
  try {
    for (;;) {
      const ds = await cp.getDaemonSet(namespace, name);
      if (ds.spec?.updateStrategy?.type === 'OnDelete') {
        io.err(rolloutStatus(ds).message);
        return 1;
      }
      const verdict = rolloutStatus(ds, new Date());
      if (verdict.failed) {
        progress.end();
        io.err(`error: ${verdict.message}`);
        return 1;
      }
      if (progress.show(ds)) {
        progress.end();
        if (!flag(options, 'json')) io.out(rolloutStatus(ds).message);
        return 0;
      }
      if (Date.now() > deadline) {
        progress.end();
        io.err('error: timed out waiting for the condition');
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    progress.end();
  }
}
