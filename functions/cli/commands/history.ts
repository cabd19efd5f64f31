// `daemonloop history ds/NAME [-n NS] [-o json|yaml|name] [--verify]`: what the controller knew and decided for one
// DaemonSet, and why it waited — its stream of the event log as a timeline. --verify decides every
// recorded decision again from the log and exits 1 when one differs from what was recorded.
// --html/--svg/--at/--export are the audit views (history-audit.ts).
import { daemonSetStreamId } from '../../../domain/streams';
import type { Commit } from '../../adapters/event-store/port';
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import { replayDecisions } from '../../log/replay';
import { eventLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import * as historyAudit from './history-audit';
import { wantsAuditView } from './history-audit';
import { flag, stringOption, UsageError, type CommandOptions } from '../options';
import { daemonSetName, daemonSetRef, outputFormatOf, toYaml } from '../output';
import { historyJsonLines, renderHistory, renderReplay } from './render-history';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const name = daemonSetName(options.positionals[0]);
  if (!name) throw new UsageError('history needs the DaemonSet name');
  const format = outputFormatOf(options, ['json', 'yaml', 'name']);
  const key = { clusterId: stringOption(options, 'cluster-id') ?? LOCAL_CLUSTER_ID, namespace: stringOption(options, 'namespace') ?? 'default', name };
  if (wantsAuditView(options)) return historyAudit.run(key, options, io);
  const stream = daemonSetStreamId(key);
  const log = await eventLogOf(options);
  try {
    io.err(`reading ${stream} from ${log.description}`);
    const commits: Commit[] = [];
    for await (const commit of log.store.read(stream)) commits.push(commit);
    if (commits.length === 0) {
      io.err(`no history for ${stream}`);
      return 1;
    }
    if (format === 'json') for (const line of historyJsonLines(commits)) io.out(line);
    else if (format === 'yaml') for (const line of historyJsonLines(commits)) io.out(`---\n${await toYaml(JSON.parse(line))}`);
    else if (format === 'name') io.out(daemonSetRef(name));
    else io.out(renderHistory(stream, commits));
    if (!flag(options, 'verify')) return 0;
    const report = await replayDecisions((s, from) => (s === stream && from === undefined ? fromArray(commits) : log.store.read(s, from)), key);
    io.out(format === 'json' ? JSON.stringify({ replayed: report.decisions, mismatches: report.mismatches }) : renderReplay(report));
    return report.mismatches.length === 0 ? 0 : 1;
  } finally {
    await log.close();
  }
}

/** The DaemonSet's stream was read once already: replay walks the same commits. */
async function* fromArray(commits: Commit[]): AsyncIterable<Commit> {
  yield* commits;
}
