// `daemonloop rollout status ds/NAME [-n NS] [-o json|yaml|name] [--timeout 5m]`: follows the
// rollout until it completes, as `kubectl rollout status ds/NAME` does; the final message goes to
// stdout. A spec the controller refused (our InvalidSpec condition) ends it with the condition, exit 1.
import type { V1DaemonSet, V1DaemonSetCondition } from '@kubernetes/client-node';
import { INVALID_SPEC_CONDITION, rolloutStatus } from '../../../domain';
import { clusterOf } from '../connect';
import { parseGoDuration } from '../go-duration';
import type { CliIo } from '../io';
import { stringOption, UsageError, type CommandOptions } from '../options';
import { daemonSetName, daemonSetRef, outputFormatOf, toYaml } from '../output';
import { RolloutProgress } from '../rollout-progress';
import { daemonSetStreamId } from '../../../domain/streams';
import type { LogEvent } from '../../../domain/events';
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import { plannedVsActual } from '../../log/planned-vs-actual';
import { eventLogOf } from '../event-log-source';

const POLL_MS = 500;
const DEFAULT_TIMEOUT = '10m';

/** The InvalidSpec condition the controller set for the DaemonSet's current spec, if it did. */
export function invalidSpecOf(ds: V1DaemonSet): V1DaemonSetCondition | undefined {
  if ((ds.metadata?.generation ?? 0) > (ds.status?.observedGeneration ?? 0)) return undefined; // about an older spec
  return ds.status?.conditions?.find((c) => c.type === INVALID_SPEC_CONDITION && c.status === 'True');
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const format = outputFormatOf(options, ['json', 'yaml', 'name']);
  const name = daemonSetName(options.positionals[0]);
  if (!name) throw new UsageError('rollout status needs a DaemonSet: ds/NAME');
  const timeoutMs = parseGoDuration(stringOption(options, 'timeout') ?? DEFAULT_TIMEOUT, 'timeout');
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity; // kubectl: 0 waits forever
  const { cp, namespace } = clusterOf(options);
  const progress = new RolloutProgress(io, format === 'json');
  let lastYaml: string | undefined;
  try {
    for (;;) {
      const ds = await cp.getDaemonSet(namespace, name);
      const invalid = invalidSpecOf(ds);
      if (invalid) {
        progress.end();
        io.err(`error: daemon set "${name}" has condition ${invalid.type} (${invalid.reason ?? ''}): ${invalid.message ?? ''}`);
        return 1;
      }
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
      if (format === 'yaml') {
        const doc = await toYaml({ name, ...rolloutStatus(ds), status: ds.status ?? {} });
        if (doc !== lastYaml) io.out(`---\n${(lastYaml = doc)}`);
      }
      if (progress.show(ds)) {
        progress.end();
        if (format === 'name') io.out(daemonSetRef(name));
        else if (format === 'table') io.out(rolloutStatus(ds).message);
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
    io.err(
      `planned: p50 ${(p50Ms / 1000).toFixed(1)} s (p90 ${(p90Ms / 1000).toFixed(1)} s); took ${(last.actualMs / 1000).toFixed(1)} s (${off >= 0 ? '+' : ''}${off.toFixed(0)}% of p50)`,
    );
  } finally {
    await log.close();
  }
}
