// A DaemonSet's history as a file: one commit per line (its DaemonSet stream, then the nodes and
// pods streams its decisions read), keys sorted, so the same log always exports the same bytes and a
// fixture diffs cleanly. Reading one back validates every event as the store does, and replay
// decides every recorded decision again with the domain as it is now.
import { parseLogEvent } from '../../domain/event-schema';
import { parseDaemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import type { Commit } from '../adapters/event-store/port';
import type { AuditLog } from './audit-log';
import { replayDecisions, type ReplayReport } from './replay';

export function exportLines(log: AuditLog): string[] {
  return [...log.daemonSet, ...log.nodes, ...log.pods].map((c) => stableJson({ streamId: c.streamId, commit: c.commit, time: c.time, events: c.events }));
}

/** JSON with every object's keys sorted; Dates as ISO strings, as JSON.stringify writes them. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, (v as Record<string, unknown>)[k]]),
    );
  });
}

export class ExportFormatError extends Error {
  override name = 'ExportFormatError';
}

/** The commits of an exported file, every event validated; an error names the file, line and field. */
export function parseExport(text: string, source: string): Commit[] {
  const commits: Commit[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${source}:${i + 1}`;
    let raw: { streamId?: unknown; commit?: unknown; time?: unknown; events?: unknown };
    try {
      raw = JSON.parse(line) as typeof raw;
    } catch (error) {
      throw new ExportFormatError(`${where}: not JSON (${(error as Error).message})`);
    }
    if (typeof raw.streamId !== 'string' || !Number.isInteger(raw.commit) || typeof raw.time !== 'string' || !Array.isArray(raw.events)) {
      throw new ExportFormatError(`${where}: a commit needs streamId (string), commit (integer), time (string) and events (array)`);
    }
    const events = raw.events.map((e, n) => {
      try {
        return parseLogEvent(e);
      } catch (error) {
        throw new ExportFormatError(`${where}: events[${n}]: ${(error as Error).message}`);
      }
    });
    commits.push({ streamId: raw.streamId, commit: raw.commit as number, time: raw.time, events });
  });
  return commits;
}

export interface ReplayedStream {
  key: DaemonSetKey;
  report: ReplayReport;
}

/** Every DaemonSet stream in `commits`, replayed against the commits beside it. */
export async function replayCommits(commits: readonly Commit[]): Promise<ReplayedStream[]> {
  const streams = new Map<string, Commit[]>();
  for (const c of commits) {
    const list = streams.get(c.streamId) ?? [];
    streams.set(c.streamId, list);
    list.push(c);
  }
  for (const list of streams.values()) list.sort((a, b) => a.commit - b.commit);
  const read = async function* (id: string, from = 1): AsyncIterable<Commit> {
    for (const c of streams.get(id) ?? []) if (c.commit >= from) yield c;
  };
  const replayed: ReplayedStream[] = [];
  for (const id of [...streams.keys()].filter((s) => s.split('/')[1] === 'daemonsets').sort()) {
    const key = parseDaemonSetStreamId(id);
    replayed.push({ key, report: await replayDecisions(read, key) });
  }
  return replayed;
}
