// The audit views of `daemonloop history DS`: `--html FILE` / `--svg FILE` (the rollout as a
// picture; `--since/--until` draw one window of it), `--at TIME` (what the controller knew then), `--export FILE.jsonl` (the history as a
// replayable file). Each reads the DaemonSet's stream and the nodes and pods streams beside it.
import { writeFile } from 'node:fs/promises';
import type { DaemonSetKey } from '../../../domain/streams';
import { exportLines } from '../../log/history-export';
import type { FleetEvent } from '../../../domain/fleet/events';
import { DynamoDbFleetStore } from '../../adapters/fleet-store/dynamodb';
import { fleetStreamId } from '../../adapters/fleet-store/port';
import { systemClock } from '../../clock';
import { fleetStageMarks, withFleetMarks } from '../../log/fleet-stage-marks';
import { readLifecycles, type Lifecycles } from '../../log/lifecycles';
import { pointInTime } from '../../log/point-in-time';
import { auditLogOf, eventLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import { parseGoDuration } from '../go-duration';
import { flag, stringOption, UsageError, type CommandOptions } from '../options';
import { pictureModel, renderRolloutHtml, renderRolloutSvg, type GroupBy } from './render-rollout-picture';
import { pointInTimeJson, renderPointInTime } from './render-point-in-time';

export const AUDIT_VIEWS = ['html', 'svg', 'at', 'export'] as const;
export const wantsAuditView = (options: CommandOptions): boolean => [...AUDIT_VIEWS, 'since', 'until'].some((v) => stringOption(options, v) !== undefined);

const GROUPINGS: GroupBy[] = ['auto', 'wave', 'zone', 'none'];

/** An ISO 8601 time, or one the log names relative to its start: `+90s`, `+5m`, `+1h`. */
export function parseAt(text: string, logStartMs: number): number {
  const relative = /^\+(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (relative) return logStartMs + Number(relative[1]) * { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[relative[2] as 'ms']!;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text))
    throw new UsageError(`--at ${JSON.stringify(text)}: expected an ISO 8601 time (2026-01-01T00:01:30Z) or +DURATION from the log's start (+90s, +5m)`);
  return ms;
}

/**
 * `--since`/`--until` of the picture: an RFC 3339 time, or a Go duration (`90m`, `1h30m`) counted
 * back from now, as `kubectl logs --since` counts it.
 */
export function parseWindowTime(text: string, flagName: string, nowMs: number): number {
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new UsageError(`--${flagName} ${JSON.stringify(text)}: not a valid RFC 3339 time (2026-01-01T00:01:30Z)`);
    return ms;
  }
  return nowMs - parseGoDuration(text, flagName);
}

export async function run(key: DaemonSetKey, options: CommandOptions, io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const groupBy = (stringOption(options, 'group-by') ?? 'auto') as GroupBy;
  if (!GROUPINGS.includes(groupBy)) throw new UsageError(`--group-by must be one of ${GROUPINGS.join(', ')}, got ${JSON.stringify(groupBy)}`);
  const [sinceText, untilText] = [stringOption(options, 'since'), stringOption(options, 'until')];
  const window =
    sinceText === undefined && untilText === undefined
      ? undefined
      : {
          ...(sinceText !== undefined ? { fromMs: parseWindowTime(sinceText, 'since', now().getTime()) } : {}),
          ...(untilText !== undefined ? { toMs: parseWindowTime(untilText, 'until', now().getTime()) } : {}),
        };
  if (window && stringOption(options, 'html') === undefined && stringOption(options, 'svg') === undefined)
    throw new UsageError('--since/--until choose the window of the picture: give --html FILE or --svg FILE');
  if (window?.fromMs !== undefined && window.toMs !== undefined && window.fromMs >= window.toMs)
    throw new UsageError(`--since must be before --until (${new Date(window.fromMs).toISOString()} ≥ ${new Date(window.toMs).toISOString()})`);
  const log = await auditLogOf(options, key, io, true);
  if (!log) return 1;
  const exportTo = stringOption(options, 'export');
  if (exportTo !== undefined) {
    const lines = exportLines(log);
    await writeFile(exportTo, `${lines.join('\n')}\n`);
    io.err(`wrote ${exportTo}: ${lines.length} commits (${log.daemonSet.length} of the DaemonSet, ${log.nodes.length} of nodes, ${log.pods.length} of pods)`);
  }
  const at = stringOption(options, 'at');
  if (at !== undefined) {
    const state = pointInTime(log, parseAt(at, Date.parse(log.daemonSet[0]!.time)));
    io.out(flag(options, 'json') ? pointInTimeJson(state) : renderPointInTime(state));
  }
  const html = stringOption(options, 'html'),
    svg = stringOption(options, 'svg');
  if (html !== undefined || svg !== undefined) {
    const life = await withFleetStages(readLifecycles(log, window?.toMs), key, options);
    const model = pictureModel(life, { title: `${key.namespace}/${key.name} on ${key.clusterId}`, groupBy, ...(window ? { window } : {}) });
    if (html !== undefined) await writeFile(html, renderRolloutHtml(model));
    if (svg !== undefined) await writeFile(svg, renderRolloutSvg(model));
    const rows = model.groups.reduce((n, g) => n + g.rows.length, 0);
    io.err(
      `wrote ${[html, svg].filter(Boolean).join(' and ')}: ${rows} nodes in ${model.groups.length} group${model.groups.length === 1 ? '' : 's'}, ${model.pods.length} pods`,
    );
  }
  return 0;
}

/**
 * A fleet member's picture also marks its fleet's stages: only when a fleet wrote the DaemonSet (its
 * annotation names the fleet; the per-cluster DaemonSet carries the fleet's name and namespace, the
 * cluster is the key's), the `fleet/<name>` stream is read from the same table; otherwise nothing is.
 */
async function withFleetStages(life: Lifecycles, key: DaemonSetKey, options: CommandOptions): Promise<Lifecycles> {
  if (!life.fleet) return life;
  const source = await eventLogOf(options);
  try {
    const commits = await new DynamoDbFleetStore(source.client, source.table, systemClock).read<FleetEvent>(fleetStreamId(life.fleet));
    return withFleetMarks(life, fleetStageMarks(commits, { fleet: life.fleet, clusterId: key.clusterId, namespace: key.namespace, name: key.name }));
  } finally {
    await source.close();
  }
}
