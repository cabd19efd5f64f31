// One pass over a DaemonSet's audit log that turns events into intervals: each of its pods from
// creation through scheduled, ready, available, terminating to gone; each node from first sight to
// deletion; per node, the spans during which decisions held it back (one span per unchanged wait
// reason, so 5,000 nodes waiting through 300 decisions stay 5,000 spans); each decision's pod actions;
// each observed DaemonSet change with who made it. Receipts, cost and the picture read only this.
//
// Times are the log's: creation, Ready and deletion timestamps as the API server stamped them;
// scheduled, terminating and gone as the forwarder saw them (its watch receipt time).
import type { V1Node, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import * as E from '../../domain/events';
import { FLEET_NAME_ANNOTATION } from '../../domain/fleet/types';
import { CONTROLLER_REVISION_HASH_LABEL } from '../../domain/labels';
import { isNewer } from '../../domain/resource-version';
import { templateHash } from '../../domain/revisions';
import { rolloutOf } from '../../domain/rollout-control/rollout-status';
import { rolloutControlOf, type RolloutControlSpec } from '../../domain/rollout-control/spec';
import { rolloutTransitions, type RolloutTransition, type RolloutTransitionKind } from '../../domain/rollout-control/transitions';
import { millisOf } from '../../domain/timestamps';
import { ms, timeline, type AuditLog } from './audit-log';

export interface PodLife {
  uid: string;
  name: string;
  nodeName?: string;
  hash?: string;
  createdMs: number;
  scheduledMs?: number;
  readyMs?: number;
  /** readyMs + the DaemonSet's minReadySeconds when it became ready. */
  availableMs?: number;
  terminatingMs?: number;
  failedMs?: number;
  goneMs?: number;
  lastResourceVersion: string;
}

export interface NodeLife {
  name: string;
  uid: string;
  labels: Record<string, string>;
  /** The node's allocatable resources when the projection carries them. */
  allocatable?: Record<string, string>;
  firstMs: number;
  goneMs?: number;
  lastResourceVersion: string;
}

export interface WaitSpan {
  nodeName: string;
  phrase: string; // the wait's fixed phrase (domain/waits.ts), what rows are coloured by
  reason: string; // the first full reason of the span
  fromMs: number;
  toMs?: number; // open while the last decision still held the node back
  fromCommit: number;
}

export interface PodAction {
  ms: number;
  commit: number;
  action: 'create' | 'delete';
  podName: string;
  nodeName?: string;
  reason?: string;
  outcome?: E.PodActionOutcome;
  outcomeReason?: string;
}

export interface DecisionRecord {
  ms: number;
  commit: number;
  currentHash: string;
  status: E.ReconcileDecided['status'];
  creates: number;
  deletes: number;
  waits: number;
}

export interface SpecChange {
  ms: number;
  commit: number;
  generation?: number;
  hash: string;
  template: V1PodTemplateSpec;
  minReadySeconds: number;
  /** How many nodes the rollout may touch at once: maxUnavailable + maxSurge as resolved for `nodes`. */
  strategy: { type: string; maxUnavailable?: number | string; maxSurge?: number | string };
  manager?: string;
  operation?: string;
  changeCause?: string;
}

export interface RevisionMark {
  revision: number;
  hash: string;
  template: V1PodTemplateSpec;
  ms: number;
  commit: number;
}

/**
 * What a mark across the picture's rows stands for. Rollout control's come from the transitions
 * between consecutive decided statuses (domain/rollout-control/transitions.ts, as `history` lists
 * them): a failure-budget stop is a pause whose reason is the stop, a wave finishing into its soak
 * is a 'soak' (until the soak's end). An event type this build does not know is 'other'. A fleet
 * member's marks from its fleet's stream (functions/log/fleet-stage-marks.ts) are 'stage'.
 */
export type ControlKind = 'rollout-start' | 'wave-start' | 'wave-finish' | 'soak' | 'pause' | 'resume' | 'deadline' | 'complete' | 'stage' | 'other';
const KIND_OF: Record<RolloutTransitionKind, ControlKind> = {
  RolloutStarted: 'rollout-start',
  WaveStarted: 'wave-start',
  WaveFinished: 'wave-finish',
  Paused: 'pause',
  FailureBudgetExceeded: 'pause',
  Resumed: 'resume',
  ProgressDeadlineExceeded: 'deadline',
  RolloutComplete: 'complete',
};
const KNOWN_TYPES = new Set<string>([
  ...E.OBSERVATION_TYPES,
  E.RECONCILE_DECIDED,
  E.POD_CREATE_REQUESTED,
  E.POD_DELETE_REQUESTED,
  E.POD_ACTION_COMPLETED,
  E.TIMER_SCHEDULED,
  E.TIMER_FIRED,
  E.STATUS_WRITTEN,
  E.REVISION_RECORDED,
]);

export interface ControlMark {
  ms: number;
  commit: number;
  streamId: string;
  /** The transition's kind (RolloutStarted, WaveStarted, Paused, FailureBudgetExceeded, …) or the unknown event's type. */
  type: string;
  kind: ControlKind;
  reason?: string;
  label?: string; // the wave
  /** A soak's planned end; a fleet band's end (open: to the picture's end). */
  untilMs?: number;
  /** A fleet mark that opens a band: this cluster's stage in progress, or the fleet paused. */
  band?: 'staged' | 'fleet-paused';
  nodes?: string[];
}

export interface Lifecycles {
  pods: PodLife[];
  nodes: NodeLife[];
  waits: WaitSpan[];
  actions: PodAction[];
  decisions: DecisionRecord[];
  specChanges: SpecChange[];
  revisions: RevisionMark[];
  controls: ControlMark[];
  /** The rollout-control fields of the last DaemonSet observed (its waves group the picture's rows). */
  rolloutControl?: RolloutControlSpec;
  /** The fleet that wrote the last DaemonSet observed (its FLEET_NAME_ANNOTATION), when one did. */
  fleet?: string;
  /** API calls the controller made: pod creates/deletes and status writes, with their outcome time. */
  apiCalls: { ms: number; kind: 'create' | 'delete' | 'status'; outcome: string }[];
  commits: { daemonSet: number; nodes: number; pods: number };
  startMs: number;
  endMs: number; // the last event's time: the "now" of an open interval
}

const waitPhrase = (reason: string): string => {
  const colon = reason.indexOf(': ');
  return colon < 0 ? reason : reason.slice(0, colon);
};

const targetNode = (pod: V1Pod): string | undefined =>
  pod.spec?.nodeName || pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];

/** The lifecycles in `log` up to `untilMs` (every event, by default). */
export function readLifecycles(log: AuditLog, untilMs = Infinity): Lifecycles {
  const name = log.key.name;
  const pods = new Map<string, PodLife>();
  const nodes = new Map<string, NodeLife>(); // by uid
  const openWaits = new Map<string, WaitSpan & { seen: number }>(); // by node; `seen`: the last decision that held it
  const out: Lifecycles = {
    pods: [],
    nodes: [],
    waits: [],
    actions: [],
    decisions: [],
    specChanges: [],
    revisions: [],
    controls: [],
    apiCalls: [],
    commits: { daemonSet: 0, nodes: 0, pods: 0 },
    startMs: Infinity,
    endMs: -Infinity,
  };
  const actionsByPod = new Map<string, PodAction>(); // `<decisionId>/<action>/<pod>` → its request
  const relists = new Map<string, { parts: number; present: Set<string>; seen: Set<number> }>();
  let minReadySeconds = 0;

  const ownPod = (pod: V1Pod) => pod.metadata?.ownerReferences?.some((r) => r.controller === true && r.kind === 'DaemonSet' && r.name === name) ?? false;
  const gone = (life: PodLife | NodeLife | undefined, at: number) => {
    if (life && life.goneMs === undefined) life.goneMs = at;
  };

  const phrases = new Map<string, string>(); // reason → its fixed phrase: reasons repeat across thousands of nodes
  const phraseOf = (reason: string) => {
    let p = phrases.get(reason);
    if (p === undefined) phrases.set(reason, (p = waitPhrase(reason)));
    return p;
  };
  let decisionCount = 0;
  let lastStatus: E.ReconcileDecided['status'] | undefined; // the previous decision's: rollout transitions are changes from it
  for (const commit of timeline(log)) {
    if (ms(commit.time) > untilMs) break;
    const which = commit.streamId === log.daemonSet[0]?.streamId ? 'daemonSet' : commit.streamId === log.nodes[0]?.streamId ? 'nodes' : 'pods';
    out.commits[which] = commit.commit;
    for (const event of commit.events) {
      const at = ms(event.time);
      if (at < out.startMs) out.startMs = at;
      if (at > out.endMs) out.endMs = at;
      switch (event.type) {
        case E.POD_OBSERVED: {
          const pod = event.pod;
          const m = pod.metadata!;
          if (!ownPod(pod) && !pods.has(m.uid!)) break;
          let life = pods.get(m.uid!);
          if (!life) {
            life = { uid: m.uid!, name: m.name!, createdMs: millisOf(m.creationTimestamp) ?? at, lastResourceVersion: m.resourceVersion! };
            pods.set(m.uid!, life);
          } else if (isNewer(life.lastResourceVersion, m.resourceVersion!)) break; // a stale redelivery
          life.lastResourceVersion = m.resourceVersion!;
          life.nodeName ??= targetNode(pod);
          life.hash ??= m.labels?.[CONTROLLER_REVISION_HASH_LABEL];
          if (pod.spec?.nodeName && life.scheduledMs === undefined) life.scheduledMs = at;
          const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
          if (ready && life.readyMs === undefined) {
            life.readyMs = millisOf(ready.lastTransitionTime) ?? at;
            life.availableMs = life.readyMs + minReadySeconds * 1000;
          }
          if (m.deletionTimestamp && life.terminatingMs === undefined) life.terminatingMs = at;
          if (pod.status?.phase === 'Failed' && life.failedMs === undefined) life.failedMs = at;
          break;
        }
        case E.POD_DELETED:
          gone(pods.get(event.ref.uid), at);
          break;
        case E.NODE_OBSERVED: {
          const n = event.node;
          const uid = n.metadata!.uid!;
          const life = nodes.get(uid);
          if (life && isNewer(life.lastResourceVersion, n.metadata!.resourceVersion!)) break;
          const allocatable = (n as V1Node).status?.allocatable;
          nodes.set(uid, {
            name: n.metadata!.name!,
            uid,
            labels: n.metadata!.labels ?? {},
            ...(allocatable ? { allocatable } : {}),
            firstMs: life?.firstMs ?? at,
            lastResourceVersion: n.metadata!.resourceVersion!,
            ...(life?.goneMs !== undefined ? { goneMs: life.goneMs } : {}),
          });
          break;
        }
        case E.NODE_DELETED:
          gone(nodes.get(event.ref.uid), at);
          break;
        case E.RELIST_COMPLETED: {
          if (event.kind === 'DaemonSet') break;
          const relist = relists.get(event.relistId) ?? { parts: event.parts, present: new Set<string>(), seen: new Set<number>() };
          relists.set(event.relistId, relist);
          relist.seen.add(event.part);
          for (const uid of event.presentUids) relist.present.add(uid);
          if (relist.seen.size < relist.parts) break;
          relists.delete(event.relistId);
          const lives: Iterable<PodLife | NodeLife> = event.kind === 'Pod' ? pods.values() : nodes.values();
          for (const life of lives) if (!relist.present.has(life.uid) && !isNewer(life.lastResourceVersion, event.resourceVersion)) gone(life, at);
          break;
        }
        case E.DAEMONSET_OBSERVED: {
          const ds = event.daemonSet;
          const template = ds.spec!.template;
          minReadySeconds = ds.spec?.minReadySeconds ?? 0;
          const control = rolloutControlOf(ds);
          if (control) out.rolloutControl = control;
          else delete out.rolloutControl;
          const fleet = ds.metadata?.annotations?.[FLEET_NAME_ANNOTATION];
          if (fleet) out.fleet = fleet;
          else delete out.fleet;
          const hash = templateHash(template, ds.status?.collisionCount ?? undefined);
          const last = out.specChanges.at(-1);
          if (last && last.hash === hash && last.generation === ds.metadata?.generation) break; // a status write, not a change
          const writer = specWriter(ds.metadata?.managedFields);
          const strategy = ds.spec?.updateStrategy;
          out.specChanges.push({
            ms: at,
            commit: commit.commit,
            generation: ds.metadata?.generation,
            hash,
            template,
            minReadySeconds,
            strategy: {
              type: strategy?.type ?? 'RollingUpdate',
              maxUnavailable: strategy?.rollingUpdate?.maxUnavailable,
              maxSurge: strategy?.rollingUpdate?.maxSurge,
            },
            ...writer,
            ...(ds.metadata?.annotations?.['kubernetes.io/change-cause'] ? { changeCause: ds.metadata.annotations['kubernetes.io/change-cause'] } : {}),
          });
          break;
        }
        case E.RECONCILE_DECIDED: {
          out.decisions.push({
            ms: at,
            commit: commit.commit,
            currentHash: event.currentHash,
            status: event.status,
            creates: event.creates,
            deletes: event.deletes,
            waits: event.waits.length,
          });
          for (const t of rolloutTransitions(lastStatus, event.status)) out.controls.push(transitionMark(t, event.status, at, commit.commit, commit.streamId));
          lastStatus = event.status;
          // A node's span goes on while each decision gives it the same phrase; one pass, no copy of the waits.
          const stamp = ++decisionCount;
          let kept = 0;
          for (const w of event.waits) {
            if (!w.nodeName) continue;
            const phrase = phraseOf(w.reason);
            const span = openWaits.get(w.nodeName);
            if (span?.seen === stamp) continue; // a second wait for the node in one decision
            if (span && span.phrase === phrase) {
              span.seen = stamp;
              kept++;
              continue;
            }
            if (span) span.toMs = at;
            const opened: WaitSpan & { seen: number } = { nodeName: w.nodeName, phrase, reason: w.reason, fromMs: at, fromCommit: commit.commit, seen: stamp };
            openWaits.set(w.nodeName, opened);
            out.waits.push(opened);
          }
          if (openWaits.size > kept) {
            for (const [node, span] of openWaits) {
              if (span.seen === stamp) continue;
              span.toMs = at;
              openWaits.delete(node);
            }
          }
          break;
        }
        case E.POD_CREATE_REQUESTED:
        case E.POD_DELETE_REQUESTED: {
          const action: PodAction = {
            ms: at,
            commit: commit.commit,
            action: event.type === E.POD_CREATE_REQUESTED ? 'create' : 'delete',
            podName: event.podName,
            ...(event.nodeName ? { nodeName: event.nodeName } : {}),
            ...(event.type === E.POD_DELETE_REQUESTED ? { reason: event.reason } : {}),
          };
          actionsByPod.set(`${event.decisionId}/${action.action}/${event.podName}`, action);
          out.actions.push(action);
          break;
        }
        case E.POD_ACTION_COMPLETED: {
          out.apiCalls.push({ ms: at, kind: event.action, outcome: event.outcome });
          const request = actionsByPod.get(`${event.decisionId}/${event.action}/${event.podName}`);
          if (request) {
            request.outcome = event.outcome;
            if (event.reason) request.outcomeReason = event.reason;
          }
          break;
        }
        case E.STATUS_WRITTEN:
          out.apiCalls.push({ ms: at, kind: 'status', outcome: event.outcome });
          break;
        case E.REVISION_RECORDED:
          out.revisions.push({ revision: event.revision, hash: event.hash, template: event.template, ms: at, commit: commit.commit });
          break;
        case E.DAEMONSET_DELETED:
        case E.TIMER_SCHEDULED:
        case E.TIMER_FIRED:
          break;
        default:
          controlMark(event as unknown as Record<string, unknown>, at, commit.commit, commit.streamId, out.controls);
      }
    }
  }
  out.pods = [...pods.values()];
  out.nodes = [...nodes.values()];
  if (out.startMs === Infinity) out.startMs = out.endMs = 0;
  return out;
}

/** A rollout transition as a mark: the wave it names as its label, a soak with its planned end. */
function transitionMark(t: RolloutTransition, status: E.ReconcileDecided['status'], at: number, commit: number, streamId: string): ControlMark {
  const rollout = rolloutOf(status);
  const soak = t.kind === 'WaveFinished' && rollout?.phase === 'Soaking' && rollout.soakUntil !== undefined;
  // A wave's transitions name the wave, then (after '; ') what else happened: its label and its reason.
  const [wave, ...rest] = t.kind === 'WaveStarted' || t.kind === 'WaveFinished' ? t.message.split('; ') : [undefined];
  const reason = wave === undefined ? t.message : rest.join('; ');
  return {
    ms: at,
    commit,
    streamId,
    type: t.kind,
    kind: soak ? 'soak' : KIND_OF[t.kind],
    ...(reason ? { reason } : {}),
    ...(wave ? { label: wave } : {}),
    ...(soak ? { untilMs: Date.parse(rollout!.soakUntil!) } : {}),
  };
}

/** An event of a type this build does not know (a later build's): a plain mark with its type name and the fields it names. */
function controlMark(e: Record<string, unknown>, at: number, commit: number, streamId: string, into: ControlMark[]): void {
  const type = String(e.type);
  if (KNOWN_TYPES.has(type)) return;
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const nodes = [e.nodes, e.nodeNames].find(Array.isArray) as unknown[] | undefined;
  const label = text(e.wave) ?? text(e.stage) ?? text(e.name);
  into.push({
    ms: at,
    commit,
    streamId,
    type,
    kind: 'other',
    ...(text(e.reason) ? { reason: text(e.reason) } : {}),
    ...(label ? { label } : {}),
    ...(nodes ? { nodes: nodes.map(String) } : {}),
  });
}

/** Who last wrote the spec: the newest managedFields entry that is not a status write. */
function specWriter(entries: { manager?: string; operation?: string; subresource?: string; time?: Date | string }[] | undefined): {
  manager?: string;
  operation?: string;
} {
  let newest: (typeof entries & object)[number] | undefined;
  for (const f of entries ?? []) {
    if (f.subresource === 'status') continue;
    if (!newest || (millisOf(f.time) ?? 0) >= (millisOf(newest.time) ?? 0)) newest = f;
  }
  return newest ? { ...(newest.manager ? { manager: newest.manager } : {}), ...(newest.operation ? { operation: newest.operation } : {}) } : {};
}
