// `history DS --at TIME`: what the controller knew then — the DaemonSet's spec and revision, every
// node with its pods and why the last decision held it back — as a table, or one JSON object.
import { CONTROLLER_REVISION_HASH_LABEL } from '../../../domain/labels';
import { isPodAvailable, isPodReady } from '../../../domain/pod-readiness';
import { templateHash } from '../../../domain/revisions';
import type { PointInTime } from '../../log/point-in-time';
import { renderTable } from '../render-table';

interface NodeLine {
  node: string;
  pods: { name: string; hash?: string; phase?: string; ready: boolean; available: boolean; terminating: boolean }[];
  wait?: string;
}

function nodeLines(p: PointInTime): NodeLine[] {
  const input = p.input;
  const waits = new Map<string, string>();
  for (const w of p.lastDecision?.waits ?? []) if (w.nodeName && !waits.has(w.nodeName)) waits.set(w.nodeName, w.reason);
  const minReady = input?.daemonSet.spec?.minReadySeconds ?? 0;
  const lines = new Map<string, NodeLine>();
  for (const n of Object.values(p.state.nodes)) lines.set(n.metadata!.name!, { node: n.metadata!.name!, pods: [] });
  for (const pod of input?.pods ?? []) {
    const node =
      pod.spec?.nodeName ??
      pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ??
      '(unscheduled)';
    const line = lines.get(node) ?? { node, pods: [] };
    lines.set(node, line);
    line.pods.push({
      name: pod.metadata!.name!,
      hash: pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL],
      phase: pod.status?.phase,
      ready: isPodReady(pod),
      available: isPodAvailable(pod, minReady, new Date(p.at)),
      terminating: pod.metadata?.deletionTimestamp != null,
    });
  }
  for (const [node, wait] of waits) (lines.get(node) ?? lines.set(node, { node, pods: [] }).get(node)!).wait = wait;
  return [...lines.values()].sort((a, b) => a.node.localeCompare(b.node, 'en', { numeric: true }));
}

export function renderPointInTime(p: PointInTime): string {
  const ds = p.input?.daemonSet;
  const head = [
    `at ${p.at}: the log up to commits daemonSet #${p.commits.daemonSet}, nodes #${p.commits.nodes}, pods #${p.commits.pods}`,
    ds
      ? `DaemonSet ${ds.metadata?.namespace}/${ds.metadata?.name} generation ${ds.metadata?.generation ?? '?'}, template ${templateHash(ds.spec!.template, ds.status?.collisionCount ?? undefined)}${p.revision ? `, revision ${p.revision.revision} (${p.revision.hash}) current` : ''}`
      : 'the DaemonSet did not exist at that time',
    ...(p.lastDecision
      ? [
          `last decision #${p.lastDecision.decisionId.split('@')[1]} at ${p.lastDecision.time}: desired ${p.lastDecision.status.desiredNumberScheduled} updated ${p.lastDecision.status.updatedNumberScheduled ?? 0} available ${p.lastDecision.status.numberAvailable ?? 0}`,
        ]
      : []),
  ];
  const rows = nodeLines(p).map((l) => [
    l.node,
    l.pods.map((x) => `${x.name}@${x.hash ?? '?'}`).join(' ') || '-',
    l.pods.map((x) => (x.terminating ? 'Terminating' : x.available ? 'Available' : x.ready ? 'Ready' : (x.phase ?? 'Pending'))).join(' ') || '-',
    l.wait ?? '',
  ]);
  return [...head, '', renderTable(['NODE', 'PODS', 'STATE', 'WAIT'], rows)].join('\n');
}

export function pointInTimeJson(p: PointInTime): string {
  const ds = p.input?.daemonSet;
  return JSON.stringify({
    at: p.at,
    commits: p.commits,
    daemonSet: ds ? { generation: ds.metadata?.generation, spec: ds.spec } : null,
    revision: p.revision ?? null,
    lastDecision: p.lastDecision ? { decisionId: p.lastDecision.decisionId, time: p.lastDecision.time, status: p.lastDecision.status } : null,
    nodes: nodeLines(p),
  });
}
