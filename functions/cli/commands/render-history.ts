// A DaemonSet's stream as an auditor reads it: one line per commit — each decision with what it
// did, the status it computed and when it asked to be woken, then why it held nodes back (waits,
// grouped by reason), followed by what happened (outcomes, status writes, timers) and what the
// controller observed of the DaemonSet. Node lists are summarised: a 5,000-node rollout stays readable.
import { templateHash } from '../../../domain';
import * as E from '../../../domain/events';
import { rolloutTransitions } from '../../../domain/rollout-control/transitions';
import type { Commit } from '../../adapters/event-store/port';
import type { ReplayReport } from '../../log/replay';

const SHOWN_NAMES = 5;

export function renderHistory(streamId: string, commits: readonly Commit[]): string {
  const decisions = commits.filter((c) => c.events.some((e) => e.type === E.RECONCILE_DECIDED)).length;
  const lines = [`${streamId}: ${commits.length} commits, ${decisions} decisions`];
  let template: string | undefined;
  let shown: { commit: number; conclusion: string } | undefined; // the last decision shown in full
  let repeats: { count: number; first: Commit; last: Commit } | undefined; // decisions since that concluded the same and did nothing
  let lastStatus: E.ReconcileDecided['status'] | undefined; // the previous decision's: rollout transitions are changes from it
  const flush = () => {
    if (repeats) {
      const { count: n, first, last } = repeats;
      const span = n === 1 ? `#${first.commit}` : `#${first.commit}–#${last.commit}`;
      lines.push(`${stamp(first.time)}  ${span}  decided as #${shown!.commit} again${n === 1 ? '' : ` (${n} decisions, the last at ${stamp(last.time)})`}`);
    }
    repeats = undefined;
  };
  for (const commit of commits) {
    const decided = commit.events.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED);
    const transitions = decided ? rolloutTransitions(lastStatus, decided.status) : [];
    if (decided) lastStatus = decided.status;
    const concluded = decided && transitions.length === 0 ? conclusion(commit, decided) : undefined;
    if (concluded !== undefined && concluded === shown?.conclusion) {
      repeats = { count: (repeats?.count ?? 0) + 1, first: repeats?.first ?? commit, last: commit };
      continue;
    }
    flush();
    if (decided) {
      lines.push(...renderDecision(commit, decided));
      for (const t of transitions) lines.push(`      rollout  ${t.kind}${t.message ? `: ${t.message}` : ''}`);
      shown = concluded === undefined ? undefined : { commit: commit.commit, conclusion: concluded };
    } else lines.push(`${stamp(commit.time)}  #${commit.commit}  ${renderFacts(commit.events)}`);
    for (const event of commit.events) {
      if (event.type !== E.DAEMONSET_OBSERVED) continue;
      const hash = event.daemonSet.spec?.template ? templateHash(event.daemonSet.spec.template) : undefined;
      if (template !== undefined && hash !== template) lines.push(`      template changed: ${template} → ${hash}`);
      template = hash;
    }
  }
  flush();
  return lines.join('\n');
}

/**
 * What a decision that changed nothing concluded — status, waits, wake-up — equal for two that read
 * the same; undefined for one that did more (pods, a revision): that one is always shown.
 */
function conclusion(commit: Commit, d: E.ReconcileDecided): string | undefined {
  const timers = commit.events.filter((e): e is E.TimerScheduled => e.type === E.TIMER_SCHEDULED);
  if (commit.events.length !== 1 + timers.length) return undefined;
  const s = d.status;
  const counters = [s.desiredNumberScheduled, s.updatedNumberScheduled, s.numberAvailable, s.numberReady, s.numberMisscheduled];
  return JSON.stringify([d.currentHash, counters, d.requeueAfterSeconds, groupWaits(d.waits), timers.map((t) => [t.dueAt, t.reason])]);
}

/** `--json`: one object per event, with the commit it belongs to. */
export const historyJsonLines = (commits: readonly Commit[]): string[] =>
  commits.flatMap((c) => c.events.map((event) => JSON.stringify({ commit: c.commit, committedAt: c.time, ...event })));

export function renderReplay(report: ReplayReport): string {
  if (report.mismatches.length === 0) return `replayed ${report.decisions} decisions: all match`;
  return [
    ...report.mismatches.flatMap((m) => [`decision #${m.commit} (${stamp(m.time)}) does not match its replay:`, ...m.differences.map((d) => `  ${d}`)]),
    `replayed ${report.decisions} decisions: ${report.mismatches.length} do not match`,
  ].join('\n');
}

function renderDecision(commit: Commit, d: E.ReconcileDecided): string[] {
  const creates = commit.events.filter((e): e is E.PodCreateRequested => e.type === E.POD_CREATE_REQUESTED);
  const deletes = commit.events.filter((e): e is E.PodDeleteRequested => e.type === E.POD_DELETE_REQUESTED);
  const s = d.status;
  const head = [
    `${stamp(d.time)}  #${commit.commit}  decided`,
    `rev ${d.currentHash}`,
    ...(creates.length > 0 ? [`create ${creates.length} on ${names(creates.map((c) => c.nodeName))}`] : []),
    ...(deletes.length > 0 ? [`delete ${deletes.length} (${names(deletes.map((x) => (x.nodeName ? `${x.podName} on ${x.nodeName}` : x.podName)))})`] : []),
    `desired ${s.desiredNumberScheduled} updated ${s.updatedNumberScheduled ?? 0} available ${s.numberAvailable ?? 0}`,
    ...(d.requeueAfterSeconds !== undefined ? [`requeue ${d.requeueAfterSeconds}s`] : []),
  ].join('  ');
  const rest = commit.events.filter((e) => e.type !== E.RECONCILE_DECIDED && e.type !== E.POD_CREATE_REQUESTED && e.type !== E.POD_DELETE_REQUESTED);
  return [
    head,
    ...groupWaits(d.waits).map(([reason, nodes]) => `      wait  ${reason}${nodes.length > 0 ? ` — ${count(nodes.length, 'node')} (${names(nodes)})` : ''}`),
    ...(rest.length > 0 ? [`      ${renderFacts(rest)}`] : []),
  ];
}

/**
 * Waits by reason, in the order reasons first appear; a wait without a node counts none. A reason
 * is its fixed phrase (domain/waits.ts): details that vary per node — `available in 3s` — are
 * summarised, so a wave of 500 nodes under minReadySeconds stays one line.
 */
function groupWaits(waits: readonly { nodeName?: string; reason: string }[]): [string, string[]][] {
  const byPhrase = new Map<string, { details: Set<string>; nodes: string[] }>();
  for (const w of waits) {
    const colon = w.reason.indexOf(': ');
    const [phrase, detail] = colon < 0 ? [w.reason, ''] : [w.reason.slice(0, colon), w.reason.slice(colon + 2)];
    const group = byPhrase.get(phrase) ?? { details: new Set<string>(), nodes: [] };
    byPhrase.set(phrase, group);
    group.details.add(detail);
    if (w.nodeName) group.nodes.push(w.nodeName);
  }
  return [...byPhrase].map(([phrase, { details, nodes }]) => {
    const ds = [...details].filter((d) => d !== '');
    const detail = ds.length === 0 ? '' : ds.length <= 2 ? `: ${ds.join(' / ')}` : `: ${ds[0]} / … / ${ds.at(-1)} (${ds.length} distinct)`;
    return [`${phrase}${detail}`, nodes];
  });
}

/** Everything but a decision, one clause per kind of fact, joined on one line. */
function renderFacts(events: readonly E.LogEvent[]): string {
  const clauses: string[] = [];
  const outcomes = new Map<string, string[]>(); // `create succeeded` → nodes (or pod names)
  for (const e of events) {
    switch (e.type) {
      case E.POD_ACTION_COMPLETED: {
        const label = `${e.action} ${e.outcome}${e.reason ? ` (${e.reason})` : ''}`;
        outcomes.set(label, [...(outcomes.get(label) ?? []), e.nodeName ?? e.podName]);
        break;
      }
      case E.TIMER_SCHEDULED:
        clauses.push(`timer due ${stamp(e.dueAt)} (${e.reason})`);
        break;
      case E.TIMER_FIRED:
        clauses.push(`timer fired (due ${stamp(e.dueAt)})`);
        break;
      case E.REVISION_RECORDED:
        clauses.push(`revision ${e.revision} recorded (${e.hash})`);
        break;
      case E.REVISIONS_PRUNED:
        clauses.push(`revisions pruned (${e.hashes.join(', ')})`);
        break;
      case E.ROLLOUT_PLANNED:
        clauses.push(
          `rollout of ${e.hash} planned (${e.strategy}): p50 ${(e.p50Ms / 1000).toFixed(1)} s, p90 ${(e.p90Ms / 1000).toFixed(1)} s, peak ${e.peakUnavailable} unavailable`,
        );
        break;
      case E.STATUS_WRITTEN:
        clauses.push(
          `status written ${e.outcome}${e.reason ? ` (${e.reason})` : ''}: desired ${e.status.desiredNumberScheduled} updated ${e.status.updatedNumberScheduled ?? 0} available ${e.status.numberAvailable ?? 0}`,
        );
        break;
      case E.DAEMONSET_OBSERVED: {
        const m = e.daemonSet.metadata;
        clauses.push(`observed DaemonSet generation ${m?.generation ?? '?'} (resourceVersion ${m?.resourceVersion})`);
        break;
      }
      case E.DAEMONSET_DELETED:
        clauses.push(`observed DaemonSet deleted (resourceVersion ${e.ref.resourceVersion})`);
        break;
      case E.DECISION_REFUSED:
        clauses.push(`refused ${count(e.creates, 'create')} and ${count(e.deletes, 'delete')}: ${e.reason}`);
        break;
      case E.RELIST_COMPLETED:
        clauses.push(`relist of ${e.kind}s completed (resourceVersion ${e.resourceVersion}, part ${e.part}/${e.parts})`);
        break;
      default:
        clauses.push(e.type);
    }
  }
  return [...[...outcomes].map(([label, subjects]) => `${label}: ${count(subjects.length, 'pod')} (${names(subjects)})`), ...clauses].join('; ');
}

const stamp = (iso: string): string => iso.replace('T', ' ').replace('Z', '');
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
const names = (xs: readonly string[]): string =>
  xs.length <= SHOWN_NAMES ? xs.join(', ') : `${xs.slice(0, SHOWN_NAMES).join(', ')}, … +${xs.length - SHOWN_NAMES} more`;
