// How `daemonloop plan` reads: a summary a user decides on, a strategy comparison table, and the
// predicted unavailable-nodes curve as a self-contained SVG.
import type { RolloutPlan } from '../../../domain/plan/plan';
import type { FleetRolloutPlan } from '../../../domain/plan/plan-fleet';
import { humanDuration } from '../human-duration';
import { renderTable } from '../render-table';

export interface StrategyPlan {
  strategy: string; // `maxUnavailable 2, maxSurge 0`
  plan: RolloutPlan;
}

const seconds = (ms: number): string => (ms < 120_000 ? `${(ms / 1000).toFixed(1)}s` : humanDuration(ms));
const usd = (v: number): string => `$${v < 0.01 ? v.toFixed(6) : v.toFixed(2)}`;

export function renderPlan(title: string, { strategy, plan }: StrategyPlan): string {
  const incomplete = plan.runs - plan.completedRuns;
  const lines = [
    `${title}: ${plan.eligibleNodes} eligible nodes, ${strategy}`,
    `Duration      p50 ${seconds(plan.durationP50Ms)}   p90 ${seconds(plan.durationP90Ms)}   (${plan.runs} seeded runs${incomplete > 0 ? `, ${incomplete} did not complete` : ''})`,
    `Unavailable   peak ${plan.peakUnavailable} nodes, ${plan.unavailableNodeMinutes.toFixed(1)} node-minutes`,
    `API calls     ${plan.api.total} (${plan.api.creates} creates, ${plan.api.deletes} deletes, ${plan.api.statusWrites} status writes); peak ${plan.api.peakPerSecond}/s against QPS ${plan.api.qps}`,
    `Surge         ${plan.surgePodHours.toFixed(2)} pod-hours, ${usd(plan.surgeUsd)}`,
    `Control loop  ${usd(plan.controlLoop.usd)} on AWS (EventBridge ${usd(plan.controlLoop.breakdown.eventBridge)}, Lambda ${usd(plan.controlLoop.breakdown.lambda)}, DynamoDB ${usd(plan.controlLoop.breakdown.dynamoDb)}, SQS ${usd(plan.controlLoop.breakdown.sqs)})`,
    '',
    'Start-up (create → Ready) and termination (delete → gone), learned per node group:',
    renderTable(
      ['GROUP', 'NODES', 'START P50', 'P90', 'FROM', 'TERMINATE P50', 'P90', 'FROM'],
      plan.timing.map((t) => [
        t.group,
        String(t.nodes),
        seconds(t.startup.p50Ms),
        seconds(t.startup.p90Ms),
        t.startup.source,
        seconds(t.termination.p50Ms),
        seconds(t.termination.p90Ms),
        t.termination.source,
      ]),
    ),
    '',
    'Waves, in order (the median run):',
    renderWaves(plan.waves),
    '',
  ];
  if (plan.unfit.length > 0) {
    lines.push(`Fit: ${plan.unfit.length} node${plan.unfit.length === 1 ? '' : 's'} would keep the new pod Pending:`);
    for (const f of plan.unfit)
      lines.push(
        `  ${f.nodeName}: ${f.reason} (needs ${f.needs.cpuMillicores}m CPU, ${mib(f.needs.memoryBytes)}; free ${f.free!.cpuMillicores}m, ${mib(f.free!.memoryBytes)})`,
      );
  } else lines.push('Fit: the new revision fits on every eligible node the log has resources for');
  if (plan.fitUnknown > 0)
    lines.push(`     (${plan.fitUnknown} node${plan.fitUnknown === 1 ? '' : 's'} without allocatable or requests in the log: not checked)`);
  return lines.join('\n');
}

/** Each wave's (or stage's) predicted start, end and duration from the rollout's start, and its nodes. */
export function renderWaves(
  waves: readonly { name: string; nodes: number; startMs?: number; endMs?: number; soakUntilMs?: number; clusters?: number }[],
  kind = 'WAVE',
): string {
  const stages = waves.some((w) => w.clusters !== undefined);
  return renderTable(
    ['#', kind, ...(stages ? ['CLUSTERS'] : []), 'NODES', 'START', 'END', 'DURATION', 'SOAK UNTIL'],
    waves.map((w, i) => [
      String(i + 1),
      w.name,
      ...(stages ? [String(w.clusters ?? '')] : []),
      String(w.nodes),
      w.startMs === undefined ? 'not reached' : `+${seconds(w.startMs)}`,
      w.endMs === undefined ? 'not reached' : `+${seconds(w.endMs)}`,
      w.endMs === undefined || w.startMs === undefined ? '-' : seconds(w.endMs - w.startMs),
      w.soakUntilMs === undefined ? '-' : `+${seconds(w.soakUntilMs)}`,
    ]),
  );
}

/** A fleet's plan: fleet-wide figures, the stages in order, each cluster's rollout and its waves. */
export function renderFleetPlan(title: string, plan: FleetRolloutPlan): string {
  const incomplete = plan.runs - plan.completedRuns;
  const lines = [
    `${title}: ${plan.clusters.length} clusters, ${plan.eligibleNodes} eligible nodes`,
    `Duration      p50 ${seconds(plan.durationP50Ms)}   p90 ${seconds(plan.durationP90Ms)}   (${plan.runs} seeded runs${incomplete > 0 ? `, ${incomplete} did not complete` : ''})`,
    `Unavailable   peak ${plan.peakUnavailable} nodes across the fleet, ${plan.unavailableNodeMinutes.toFixed(1)} node-minutes; node budget ${plan.budgetLimit === null ? 'none' : `${plan.budgetLimit} (most held at once ${plan.peakHeld})`}`,
    `Surge         ${plan.surgePodHours.toFixed(2)} pod-hours, ${usd(plan.surgeUsd)}`,
    `Control loop  ${usd(plan.controlLoop.usd)} on AWS (EventBridge ${usd(plan.controlLoop.breakdown.eventBridge)}, Lambda ${usd(plan.controlLoop.breakdown.lambda)}, DynamoDB ${usd(plan.controlLoop.breakdown.dynamoDb)}, SQS ${usd(plan.controlLoop.breakdown.sqs)})`,
    '',
    'Stages, in order (the median run):',
    renderWaves(plan.stages, 'STAGE'),
    '',
    'Clusters:',
    renderTable(
      ['CLUSTER', 'STAGE', 'NODES', 'START', 'END', 'DURATION', 'PEAK UNAVAILABLE', 'NODE-MINUTES', 'SURGE POD-HOURS', 'API CALLS', 'UNFIT'],
      plan.clusters.map((c) => [
        c.clusterId,
        c.stage,
        String(c.eligibleNodes),
        `+${seconds(c.startMs)}`,
        c.endMs === undefined ? 'not reached' : `+${seconds(c.endMs)}`,
        c.durationMs === undefined ? '-' : seconds(c.durationMs),
        String(c.peakUnavailable),
        c.unavailableNodeMinutes.toFixed(1),
        c.surgePodHours.toFixed(2),
        String(c.api.total),
        c.unfit.length === 0 ? '-' : c.unfit.map((f) => `${f.nodeName} (${f.reason})`).join(', '),
      ]),
    ),
    '',
    'Waves per cluster (from the cluster’s start):',
    renderTable(
      ['CLUSTER', '#', 'WAVE', 'NODES', 'START', 'END', 'DURATION'],
      plan.clusters.flatMap((c) =>
        c.waves.map((w, i) => [
          c.clusterId,
          String(i + 1),
          w.name,
          String(w.nodes),
          `+${seconds(w.startMs)}`,
          w.endMs === undefined ? 'not reached' : `+${seconds(w.endMs)}`,
          w.endMs === undefined ? '-' : seconds(w.endMs - w.startMs),
        ]),
      ),
    ),
  ];
  return lines.join('\n');
}

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)}Mi`;

export function renderComparison(plans: StrategyPlan[]): string {
  return renderTable(
    ['STRATEGY', 'P50', 'P90', 'PEAK UNAVAILABLE', 'NODE-MINUTES', 'SURGE POD-HOURS', 'SURGE COST', 'API PEAK/S'],
    plans.map(({ strategy, plan }) => [
      strategy,
      seconds(plan.durationP50Ms),
      seconds(plan.durationP90Ms),
      String(plan.peakUnavailable),
      plan.unavailableNodeMinutes.toFixed(1),
      plan.surgePodHours.toFixed(2),
      usd(plan.surgeUsd),
      String(plan.api.peakPerSecond),
    ]),
  );
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The median run's unavailable nodes over time, one step line per strategy. */
export function planSvg(title: string, plans: StrategyPlan[]): string {
  const width = 800;
  const height = 300;
  const pad = { left: 50, right: 20, top: 30, bottom: 40 };
  const endMs = Math.max(1, ...plans.map((p) => p.plan.durationP50Ms));
  const peak = Math.max(1, ...plans.map((p) => p.plan.peakUnavailable));
  const x = (ms: number) => pad.left + (Math.min(ms, endMs) / endMs) * (width - pad.left - pad.right);
  const y = (n: number) => height - pad.bottom - (n / peak) * (height - pad.top - pad.bottom);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
  const lines = plans.map(({ strategy, plan }, i) => {
    let d = `M ${x(0)} ${y(plan.unavailable[0]?.count ?? 0)}`;
    for (const p of plan.unavailable) d += ` H ${x(p.atMs).toFixed(1)} V ${y(p.count).toFixed(1)}`;
    d += ` H ${x(plan.durationP50Ms).toFixed(1)}`;
    const colour = colours[i % colours.length]!;
    return (
      `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"><title>${escapeXml(strategy)}: peak ${plan.peakUnavailable}, p50 ${seconds(plan.durationP50Ms)}</title></path>` +
      `<text x="${width - pad.right}" y="${pad.top + 14 * i}" text-anchor="end" font-size="11" fill="${colour}">${escapeXml(strategy)}</text>`
    );
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) => `<text x="${x(f * endMs)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="10">${seconds(f * endMs)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${pad.left}" y="18" font-size="13">${escapeXml(title)}: predicted unavailable nodes (median run)</text>`,
    `<line x1="${pad.left}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(0)}" stroke="#999"/>`,
    `<line x1="${pad.left}" y1="${y(0)}" x2="${pad.left}" y2="${y(peak)}" stroke="#999"/>`,
    `<text x="${pad.left - 6}" y="${y(peak) + 4}" text-anchor="end" font-size="10">${peak}</text>`,
    `<text x="${pad.left - 6}" y="${y(0) + 4}" text-anchor="end" font-size="10">0</text>`,
    ...ticks,
    ...lines,
    '</svg>',
  ].join('\n');
}
