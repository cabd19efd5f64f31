// `daemonloop replay FILE.jsonl…`: decides every decision recorded in exported histories again with
// the domain as it is now, and prints, per decision that would now differ, what differs. Exit 1 on
// any difference: a CI gate for changes to the domain (fixtures: npm run fixtures:record).
import { readFile } from 'node:fs/promises';
import { daemonSetStreamId } from '../../../domain/streams';
import { parseExport, replayCommits } from '../../log/history-export';
import type { CliIo } from '../io';
import { flag, UsageError, type CommandOptions } from '../options';
import { renderReplay } from './render-history';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  if (options.positionals.length === 0) throw new UsageError('replay needs at least one exported history (history DS --export FILE.jsonl)');
  let differ = 0;
  for (const file of options.positionals) {
    const replayed = await replayCommits(parseExport(await readFile(file, 'utf8'), file));
    if (replayed.length === 0) throw new UsageError(`${file}: holds no DaemonSet stream`);
    for (const { key, report } of replayed) {
      if (report.mismatches.length > 0) differ++;
      if (flag(options, 'json')) io.out(JSON.stringify({ file, daemonSet: daemonSetStreamId(key), replayed: report.decisions, mismatches: report.mismatches }));
      else io.out(`${file}: ${daemonSetStreamId(key)}\n${renderReplay(report)}`);
    }
  }
  return differ === 0 ? 0 : 1;
}
