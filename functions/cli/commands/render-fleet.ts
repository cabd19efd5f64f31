// Fleet output as strings (tested without a terminal): the `fleet get` table and the `fleet status` report.
import type { FleetStreamEvent } from '../../adapters/fleet-store/port';
import type { FleetStatus } from '../../../domain/fleet/status';
import { humanDuration } from '../human-duration';
import { renderTable } from '../render-table';

export function renderFleets(rows: { status: FleetStatus; appliedAt?: string }[], now: Date): string {
  return renderTable(
    ['NAME', 'REVISION', 'CLUSTERS', 'UP-TO-DATE', 'AVAILABLE', 'STAGE', 'AGE'],
    rows.map(({ status: s, appliedAt }) => [
      s.name,
      String(s.revision),
      String(s.clusters),
      `${s.updated}/${s.desired}`,
      `${s.available}/${s.desired}`,
      s.stage ?? '-',
      appliedAt ? humanDuration(now.getTime() - Date.parse(appliedAt)) : '-',
    ]),
  );
}

export function renderFleetStatus(s: FleetStatus): string {
  const lines = [
    `fleet ${s.name}: revision ${s.revision}, ${s.clusters} cluster(s), ${s.updated}/${s.desired} nodes updated, ${s.available}/${s.desired} available`,
  ];
  for (const c of s.conditions) lines.push(`  ${c.type}=${c.status} ${c.reason}${c.message ? `: ${c.message}` : ''}`);
  lines.push(
    '',
    renderTable(
      ['CLUSTER', 'STAGE', 'REVISION', 'DESIRED', 'UPDATED', 'AVAILABLE', 'STATE', 'OVERRIDES'],
      s.perCluster.map((c) => [
        c.clusterId,
        c.stage ?? '-',
        c.revision === undefined ? '-' : String(c.revision),
        String(c.desired),
        String(c.updated),
        String(c.available),
        c.state + (c.reason ? ` (${c.reason})` : ''),
        c.overrides.join(',') || '-',
      ]),
    ),
  );
  if (s.waits.length > 0) {
    lines.push('', 'waiting:');
    for (const w of s.waits) lines.push(`  ${[w.stage, w.clusterId].filter(Boolean).join('/')}: ${w.reason}`);
  }
  return lines.join('\n');
}

/** One line per event of the fleet's stream: the run's timeline. */
export function renderFleetHistory(commits: { commit: number; events: FleetStreamEvent[] }[]): string {
  const lines: string[] = [];
  for (const { commit, events } of commits) {
    for (const e of events) lines.push(`${e.time}  #${commit}  ${e.type}  ${describe(e)}`);
  }
  return lines.join('\n');
}

function describe(e: FleetStreamEvent): string {
  switch (e.type) {
    case 'FleetApplied':
      return `revision ${e.revision}`;
    case 'FleetRunStarted':
      return `revision ${e.plan.revision}: ${e.plan.stages.map((s) => `${s.name}[${s.clusters.join(',')}]`).join(' → ')}${e.supersedes !== undefined ? ` (supersedes revision ${e.supersedes})` : ''}`;
    case 'FleetClusterStarted':
      return `${e.clusterId} (stage ${e.stage}) at revision ${e.revision}`;
    case 'FleetClusterWritten':
      return `${e.clusterId} ${e.outcome}${e.reason ? `: ${e.reason}` : ''}`;
    case 'FleetClusterSucceeded':
      return e.clusterId;
    case 'FleetClusterRegressed':
    case 'FleetClusterFailed':
      return `${e.clusterId}: ${e.reason}`;
    case 'FleetRunFinished':
      return `revision ${e.revision} ${e.outcome}: ${e.reason}`;
    case 'FleetStageApproved':
      return `stage ${e.stage} of revision ${e.revision}`;
    case 'FleetPauseChanged':
      return e.paused ? 'paused' : 'resumed';
    case 'FleetClusterRemoved':
      return `${e.clusterId} (${e.policy})`;
    case 'FleetDecided':
      return `read ${
        Object.entries(e.observed)
          .map(([id, o]) => `${id} ${o.updated}/${o.available}/${o.desired}${o.at !== undefined ? `@${o.at}` : ''}`)
          .join(', ') || 'no member DaemonSet'
      }${e.clusters ? `; ${e.clusters.length} registered cluster(s)` : ''}`;
    case 'FleetBudgetSized':
      return e.limit === null ? 'no node budget' : `maxUnavailableNodes ${e.limit}${e.window ? `, ${e.window.nodes} per ${e.window.windowSeconds}s` : ''}`;
    case 'FleetBudgetGranted':
    case 'FleetBudgetReturned':
      return `${e.clusterId}: ${e.nodes.join(', ')}`;
    default: {
      const unknown: never = e;
      return String(unknown);
    }
  }
}
