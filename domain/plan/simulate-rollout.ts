// One simulated rollout: the real reconcile, decision after decision, against a model cluster on
// a virtual clock. Pods start and terminate after times drawn from the learned distributions; a
// pod that does not fit stays Pending; API calls queue behind the client's token bucket; the next
// decision comes when the previous one has applied its calls and something has changed (a pod
// turned Ready or went away) or a requeue is due — as the loop runs on AWS, one decision at a time
// per DaemonSet. Pure: time and randomness are inputs.
import type { V1DaemonSet, V1DaemonSetStatus, V1Node, V1Pod } from '@kubernetes/client-node';
import { podTargetNodeName } from '../daemon-pod';
import { CONTROLLER_REVISION_HASH_LABEL } from '../labels';
import { withDefaults } from '../defaults';
import { daemonNodeEligibility } from '../eligibility';
import { reconcile } from '../reconcile';
import { currentRevision } from '../revisions';
import { rolloutOf } from '../rollout-control/rollout-status';
import { rolloutTransitions } from '../rollout-control/transitions';
import type { FailedPodBackoff, ReconcileInput, ReconcileResult, Revision } from '../types';
import { draw } from './distribution';
import { nodeGroupOf, type TimingModel } from './timing-model';

export interface SimulationInput {
  /** The DaemonSet with the new spec (generation moved on) and the status last written. */
  daemonSet: V1DaemonSet;
  nodes: readonly V1Node[];
  pods: readonly V1Pod[];
  revisions: readonly Revision[];
  start: number; // ms
  timing: TimingModel;
  /** Nodes where the new revision's pod would stay Pending. */
  unfit: ReadonlySet<string>;
  /** The client's rate limit to the cluster API (token bucket). */
  qps: number;
  burst: number;
  /** From an observation to the decision it triggers (forwarder → bus → ingest → queue → reconcile). */
  loopLatencyMs: number;
  random: () => number;
  /** Give up after this much virtual time: the rollout is stuck. */
  horizonMs: number;
  /** What one extra (surge) pod costs per hour on a node. */
  podHourlyOn(nodeName: string): number;
}

export interface UnavailablePoint {
  atMs: number; // since the start
  count: number;
}

export interface SimulationResult {
  completed: boolean;
  durationMs: number; // to completion, or to the moment it got stuck
  unavailable: UnavailablePoint[]; // a step curve: the count holds until the next point
  peakUnavailable: number;
  unavailableNodeSeconds: number;
  surgePodSeconds: number;
  surgeUsd: number;
  api: { creates: number; deletes: number; statusWrites: number; peakPerSecond: number };
  /** What the control loop did, for its AWS bill. */
  work: { decisions: number; observations: number; timers: number };
  /** The waves in the order they ran (rollout control's; one wave of every node without it). */
  waves: WaveTiming[];
}

/** One wave as the simulated statuses recorded it (domain/rollout-control/transitions.ts). */
export interface WaveTiming {
  name: string;
  nodes: number; // the nodes the wave updates (held-back ones not counted)
  startMs: number; // since the start
  endMs?: number; // every node of the wave updated and available; undefined: it never got there
  soakUntilMs?: number; // the wave's minSuccessSeconds soak, when it has one
}

/** A decision's dealings with something outside the cluster (a fleet's node budget). */
export interface DecisionHook {
  /** How many more nodes the decision may make unavailable (ReconcileInput.disruptionAllowance). */
  allowance?(input: ReconcileInput): number | undefined;
  /** What the decision did, once decided. */
  decided?(input: ReconcileInput, result: ReconcileResult): void;
}

interface SimPod {
  pod: V1Pod;
  node: string;
  readyAt?: number; // undefined: stays Pending
  availableAt?: number;
  goneAt?: number;
  counted: boolean; // counted as an available pod on its node
}

/** Kubernetes' default when the template says nothing. */
const DEFAULT_GRACE_SECONDS = 30;
/** Watch events a created pod produces that the controller reads: added, bound, Running, Ready. */
const OBSERVATIONS_PER_CREATE = 4;
/** A deletion: the deletionTimestamp update, then the DELETED event. */
const OBSERVATIONS_PER_DELETE = 2;

export function simulateRollout(input: SimulationInput): SimulationResult {
  const sim = new ClusterSimulation(input);
  for (let at = sim.nextDecisionAt(); at !== undefined; at = sim.nextDecisionAt()) sim.decide(at);
  return sim.finish();
}

/**
 * The rollout, one decision at a time, for a caller that interleaves several clusters on one
 * clock (a fleet): decide at nextDecisionAt() until it answers undefined (done or stuck), then finish().
 */
export class ClusterSimulation {
  readonly nextDecisionAt: () => number | undefined;
  readonly decide: (at: number, hook?: DecisionHook) => V1DaemonSetStatus;
  readonly finish: () => SimulationResult;
  readonly isCompleted: () => boolean;

  constructor(input: SimulationInput) {
    const parts = simulation(input);
    this.nextDecisionAt = parts.nextDecisionAt;
    this.decide = parts.decide;
    this.finish = parts.finish;
    this.isCompleted = parts.isCompleted;
  }
}

function simulation(input: SimulationInput) {
  const { start, timing, random } = input;
  const minReadyMs = (input.daemonSet.spec?.minReadySeconds ?? 0) * 1000;
  const nodeByName = new Map(input.nodes.map((n) => [n.metadata!.name!, n]));
  const pods = new Map<string, SimPod>();
  const perNode = new Map<string, { pods: number; available: number; surgeSince?: number }>();
  const nodeState = (node: string) => perNode.get(node) ?? perNode.set(node, { pods: 0, available: 0 }).get(node)!;

  // Curve and integrals, moved forward event by event.
  const shouldRun = daemonNodeEligibility(withDefaults(input.daemonSet));
  let eligible = input.nodes.filter((n) => shouldRun(n).shouldRun).length;
  let nodesAvailable = 0;
  let lastCurveAt = start;
  let unavailableNodeMs = 0;
  let surgePodMs = 0;
  let surgeUsd = 0;
  const unavailable: UnavailablePoint[] = [];
  const noteCurve = (at: number) => {
    const count = Math.max(0, eligible - nodesAvailable);
    unavailableNodeMs += (at - lastCurveAt) * (unavailable.at(-1)?.count ?? count);
    lastCurveAt = at;
    const last = unavailable.at(-1);
    if (last?.atMs === at - start)
      last.count = count; // one point per instant: calls issued together land together
    else if (last?.count !== count) unavailable.push({ atMs: at - start, count });
  };
  const podCountChanged = (node: string, delta: number, at: number) => {
    const s = nodeState(node);
    const before = s.pods;
    s.pods += delta;
    if (before < 2 && s.pods >= 2) s.surgeSince = at;
    if (before >= 2 && s.pods < 2 && s.surgeSince !== undefined) {
      surgePodMs += at - s.surgeSince;
      surgeUsd += ((at - s.surgeSince) / 3_600_000) * input.podHourlyOn(node);
      s.surgeSince = undefined;
    }
  };
  const availabilityChanged = (node: string, delta: number, at: number) => {
    const s = nodeState(node);
    const had = s.available > 0;
    s.available += delta;
    if (had !== s.available > 0) {
      nodesAvailable += s.available > 0 ? 1 : -1;
      noteCurve(at);
    }
  };

  const queue = new Happenings();
  const schedule = (sim: SimPod, readyAt: number) => {
    queue.push({ at: readyAt, kind: 'ready', pod: sim.pod.metadata!.name!, sim });
    queue.push({ at: readyAt + minReadyMs, kind: 'available', pod: sim.pod.metadata!.name!, sim });
  };
  const add = (pod: V1Pod, node: string, createdAt: number, readyAt: number | undefined) => {
    const sim: SimPod = { pod, node, counted: false, ...(readyAt !== undefined ? { readyAt, availableAt: readyAt + minReadyMs } : {}) };
    pods.set(pod.metadata!.name!, sim);
    podCountChanged(node, +1, createdAt);
    if (readyAt !== undefined) schedule(sim, readyAt);
    return sim;
  };
  for (const pod of input.pods) {
    const node = podTargetNodeName(pod) ?? pod.spec?.nodeName;
    if (!node) continue;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
    const sim = add(modelPod(pod, node), node, start, undefined);
    if (ready) {
      sim.readyAt = sim.availableAt = -Infinity; // available since before the plan
      if (!pod.metadata?.deletionTimestamp) {
        sim.counted = true;
        const s = nodeState(node);
        if (s.available++ === 0) nodesAvailable += 1;
      }
    } else if (!pod.metadata?.deletionTimestamp) {
      sim.readyAt = start + draw(timing.startup(nodeGroupOf(nodeByName.get(node))), random());
      sim.availableAt = sim.readyAt + minReadyMs;
      schedule(sim, sim.readyAt);
    }
    if (pod.metadata?.deletionTimestamp) {
      sim.goneAt = start + draw(timing.termination(nodeGroupOf(nodeByName.get(node))), random());
      queue.push({ at: sim.goneAt, kind: 'gone', pod: sim.pod.metadata!.name!, sim });
    }
  }

  // Token bucket: a call waits for a token; the decision's calls go out one after another.
  let tokens = input.burst;
  let tokensAt = start;
  const peak = new Map<number, number>();
  const call = (at: number): number => {
    tokens = Math.min(input.burst, tokens + ((at - tokensAt) / 1000) * input.qps);
    tokensAt = at;
    let issued = at;
    if (tokens < 1) {
      issued = at + ((1 - tokens) / input.qps) * 1000;
      tokens = 1;
      tokensAt = issued;
    }
    tokens -= 1;
    const second = Math.floor(issued / 1000);
    peak.set(second, (peak.get(second) ?? 0) + 1);
    return issued;
  };

  let ds: V1DaemonSet = structuredClone(input.daemonSet);
  let revisions = [...input.revisions];
  let backoff: FailedPodBackoff = {};
  const api = { creates: 0, deletes: 0, statusWrites: 0 };
  const work = { decisions: 0, observations: 0, timers: 0 };
  let wake: number | undefined;
  let now = start;
  let uid = 0;

  /** Moves the model cluster to `to`: pods turn Ready and available, terminating pods go — in time order. */
  const advance = (to: number) => {
    for (let next = queue.peek(); next && next.at <= to; next = queue.peek()) {
      queue.pop();
      next.applied = true;
      const sim = pods.get(next.pod);
      if (!sim || sim !== next.sim) continue; // the pod went, or its name was reused
      if (next.kind === 'gone') {
        pods.delete(next.pod);
        podCountChanged(sim.node, -1, next.at);
      } else if (sim.pod.metadata?.deletionTimestamp)
        continue; // asked to go before it got there
      else if (next.kind === 'ready')
        sim.pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(next.at) }] };
      else if (!sim.counted) {
        sim.counted = true;
        availabilityChanged(sim.node, +1, next.at);
      }
    }
    now = to;
  };

  /** When the controller next has a reason to decide: a pod it watches changed, or its requeue is due. */
  const nextTrigger = (): number | undefined => {
    const observed = queue.firstObservable();
    const at = observed === undefined ? undefined : Math.max(observed, now) + input.loopLatencyMs;
    return wake === undefined ? at : at === undefined ? wake : Math.min(wake, at);
  };

  noteCurve(start);
  let completed = false;
  let nextAt: number | undefined = start;
  const waves: WaveTiming[] = [];

  /** Wave starts and finishes, as the status the decision writes records them. */
  const noteWaves = (before: V1DaemonSetStatus | undefined, after: V1DaemonSetStatus) => {
    const rollout = rolloutOf(after);
    for (const t of rolloutTransitions(before, after)) {
      if (t.kind === 'WaveStarted' && t.wave !== undefined) {
        const progress = rollout?.waves.find((w) => w.name === t.wave);
        waves.push({ name: t.wave, nodes: progress ? progress.nodes - progress.held : 0, startMs: now - start });
      } else if (t.kind === 'WaveFinished' && t.wave !== undefined) {
        const wave = waves.findLast((w) => w.name === t.wave && w.endMs === undefined);
        if (!wave) continue;
        wave.endMs = now - start;
        if (rollout?.soakUntil && rollout.currentWave === t.wave) wave.soakUntilMs = Date.parse(rollout.soakUntil) - start;
      } else if (t.kind === 'RolloutComplete') for (const w of waves) w.endMs ??= now - start;
    }
  };

  const decide = (at: number, hook?: DecisionHook): V1DaemonSetStatus => {
    advance(Math.max(at, now));
    const decisionInput: ReconcileInput = {
      daemonSet: ds,
      nodes: input.nodes as V1Node[],
      pods: [...pods.values()].map((p) => p.pod),
      now: new Date(now),
      revisions,
      failedPodBackoff: backoff,
    };
    const allowance = hook?.allowance?.(decisionInput);
    if (allowance !== undefined && allowance !== Infinity) decisionInput.disruptionAllowance = allowance;
    const result = reconcile(decisionInput);
    hook?.decided?.(decisionInput, result);
    work.decisions += 1;
    const current = currentRevision(ds, revisions);
    if (!revisions.some((r) => r.hash === current.hash))
      revisions = [...revisions, { revision: current.revision, hash: current.hash, template: current.template }];
    backoff = result.failedPodBackoff;
    if (result.status.desiredNumberScheduled !== undefined && result.status.desiredNumberScheduled !== eligible) {
      eligible = result.status.desiredNumberScheduled;
      noteCurve(now);
    }
    noteWaves(ds.status, result.status);
    if (isComplete(result.status, pods, current.hash)) {
      completed = true;
      nextAt = undefined;
      ds = { ...ds, status: result.status };
      return result.status;
    }
    let applied = now;
    for (const { nodeName, pod } of result.create) {
      applied = call(applied);
      api.creates += 1;
      work.observations += OBSERVATIONS_PER_CREATE;
      const created = modelPod(
        { ...pod, metadata: { ...pod.metadata, uid: `planned-${++uid}`, creationTimestamp: new Date(applied) }, status: { phase: 'Pending' } },
        nodeName,
      );
      const fits = !input.unfit.has(nodeName);
      add(created, nodeName, applied, fits ? applied + draw(timing.startup(nodeGroupOf(nodeByName.get(nodeName))), random()) : undefined);
    }
    for (const d of result.delete) {
      const sim = pods.get(d.podName);
      if (!sim) continue;
      applied = call(applied);
      api.deletes += 1;
      work.observations += OBSERVATIONS_PER_DELETE;
      const grace = (sim.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
      sim.pod.metadata!.deletionTimestamp = new Date(applied + grace);
      sim.goneAt = applied + Math.min(draw(timing.termination(nodeGroupOf(nodeByName.get(sim.node))), random()), grace);
      queue.push({ at: sim.goneAt, kind: 'gone', pod: d.podName, sim });
      if (sim.counted) {
        sim.counted = false;
        availabilityChanged(sim.node, -1, applied);
      }
    }
    if (statusChanged(ds.status, result.status)) {
      applied = call(applied);
      api.statusWrites += 1;
      work.observations += 1; // the status write comes back as a DaemonSet observation
    }
    ds = { ...ds, status: result.status };
    wake = result.requeueAfterSeconds !== undefined ? now + result.requeueAfterSeconds * 1000 : undefined;
    if (wake !== undefined) work.timers += 1;
    const trigger = nextTrigger();
    if (trigger === undefined || trigger - start > input.horizonMs) {
      nextAt = undefined; // nothing left that could move it: stuck
    } else nextAt = Math.max(applied, trigger);
    return result.status;
  };

  const finish = (): SimulationResult => {
    noteCurve(now);
    for (const [node, s] of perNode) if (s.surgeSince !== undefined) podCountChanged(node, -s.pods, now); // close open surge intervals
    const rolloutWaves = waves.length > 0 ? waves : [{ name: 'all nodes', nodes: eligible, startMs: 0, ...(completed ? { endMs: now - start } : {}) }];
    return {
      completed,
      durationMs: now - start,
      unavailable,
      peakUnavailable: Math.max(0, ...unavailable.map((p) => p.count)),
      unavailableNodeSeconds: unavailableNodeMs / 1000,
      surgePodSeconds: surgePodMs / 1000,
      surgeUsd,
      api: { ...api, peakPerSecond: Math.max(0, ...peak.values()) },
      work,
      waves: rolloutWaves,
    };
  };

  return { nextDecisionAt: () => nextAt, decide, finish, isCompleted: () => completed };
}

/** Every desired node runs one available pod of the current revision, and no other pod is left. */
function isComplete(status: V1DaemonSetStatus, pods: ReadonlyMap<string, SimPod>, hash: string): boolean {
  const desired = status.desiredNumberScheduled ?? 0;
  if (status.updatedNumberScheduled !== desired || status.numberAvailable !== desired || pods.size !== desired) return false;
  for (const sim of pods.values()) if (sim.pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== hash || sim.pod.metadata?.deletionTimestamp) return false;
  return true;
}

const COUNTERS = [
  'desiredNumberScheduled',
  'currentNumberScheduled',
  'numberMisscheduled',
  'numberReady',
  'numberAvailable',
  'numberUnavailable',
  'updatedNumberScheduled',
] as const;
const statusChanged = (a: V1DaemonSetStatus | undefined, b: V1DaemonSetStatus): boolean => COUNTERS.some((k) => (a?.[k] ?? 0) !== (b[k] ?? 0));

interface Happening {
  at: number;
  kind: 'ready' | 'available' | 'gone';
  pod: string;
  sim: SimPod;
  applied?: boolean;
}

/** A binary min-heap of what will happen to pods, by time; and how many of them the controller would observe. */
class Happenings {
  private readonly heap: Happening[] = [];
  /** Observable happenings (ready, gone) by time: `available` is a clock edge the controller learns of from its requeue. */
  private readonly observable: Happening[] = [];

  push(h: Happening): void {
    siftUp(this.heap, h);
    if (h.kind !== 'available') siftUp(this.observable, h);
  }
  peek(): Happening | undefined {
    return this.heap[0];
  }
  pop(): Happening | undefined {
    return siftDown(this.heap);
  }
  /** The time of the earliest observable happening still ahead (stale entries are dropped on the way). */
  firstObservable(): number | undefined {
    for (let h = this.observable[0]; h; h = this.observable[0]) {
      if (!h.applied && isLive(h)) return h.at;
      siftDown(this.observable); // already applied, or the pod was asked to go before it got Ready
    }
    return undefined;
  }
}

const isLive = (h: Happening): boolean => (h.kind === 'gone' ? true : !h.sim.pod.metadata?.deletionTimestamp);

function siftUp(heap: Happening[], h: Happening): void {
  let i = heap.push(h) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.at <= h.at) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = h;
}

function siftDown(heap: Happening[]): Happening | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || !last) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    const at = (k: number) => (k === i ? last.at : heap[k]!.at);
    if (l < heap.length && heap[l]!.at < at(m)) m = l;
    if (r < heap.length && heap[r]!.at < at(m)) m = r;
    if (m === i) break;
    heap[i] = heap[m]!;
    i = m;
  }
  heap[i] = last;
  return top;
}

/**
 * The pod as the model keeps it: the fields reconcile reads, always in the same shape — thousands
 * of pods of one hidden class keep each decision as fast as the controller's own.
 */
function modelPod(pod: V1Pod, nodeName: string): V1Pod {
  const m = pod.metadata ?? {};
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      labels: m.labels,
      ownerReferences: m.ownerReferences,
      creationTimestamp: m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
    },
    spec: { nodeName, affinity: pod.spec?.affinity, containers: [], terminationGracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds },
    status: { phase: pod.status?.phase, conditions: pod.status?.conditions },
  };
}
