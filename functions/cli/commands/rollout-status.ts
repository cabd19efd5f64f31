// `daemonloop rollout status DS [-n NS] [--json] [--timeout SECONDS]`: follows the rollout until
// it completes, as `kubectl rollout status ds/NAME` does; the final message goes to stdout.
import { rolloutStatus } from '../../../domain';
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import { flag, positiveInteger, stringOption, UsageError, type CommandOptions } from '../options';
import { RolloutProgress } from '../rollout-progress';
import { daemonSetStreamId } from '../../../domain/streams';
import type { LogEvent } from '../../../domain/events';
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import { plannedVsActual } from '../../log/planned-vs-actual';
import { eventLogOf } from '../event-log-source';

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
        await showPlanned(options, namespace, name, io);
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

/** Where `plan --record` predicted this rollout, the prediction beside what it took (from the log, when one is at hand). */
async function showPlanned(options: CommandOptions, namespace: string, name: string, io: CliIo): Promise<void> {
  // The local control plane's log; against another cluster only when its log is named (--state).
  if (stringOption(options, 'kubeconfig') && !stringOption(options, 'state')) return;
  const log = await eventLogOf(options).catch(() => undefined); // no log at hand: nothing to compare
  if (!log) return;
  try {
    const events: LogEvent[] = [];
    for await (const commit of log.store.read(daemonSetStreamId({ clusterId: LOCAL_CLUSTER_ID, namespace, name }))) events.push(...commit.events);
    const last = plannedVsActual(events).at(-1);
    if (last?.actualMs === undefined) return;
    const { p50Ms, p90Ms } = last.planned;
    const off = ((last.actualMs - p50Ms) / p50Ms) * 100;
    io.err(`planned: p50 ${(p50Ms / 1000).toFixed(1)} s (p90 ${(p90Ms / 1000).toFixed(1)} s); took ${(last.actualMs / 1000).toFixed(1)} s (${off >= 0 ? '+' : ''}${off.toFixed(0)}% of p50)`);
  } finally {
    await log.close();
  }
}
