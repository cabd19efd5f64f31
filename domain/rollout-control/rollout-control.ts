// Rollout control as one pure plan per pass: which nodes the update may touch (the started waves,
// minus what the canary selector and the partition hold), under which budgets, which revision a
// pod created on a node gets, and what the status says (conditions, status.rollout). Everything
// comes from the spec, the nodes, the pods, `now`, the known revisions and the previous status —
// so replay decides it again. reconcile.ts calls it only when the DaemonSet sets a rollout field.
//
// A node that joins while the rollout is paused gets the revision most pods run now (ADS's
// choice): a pause must not spread the new revision, nor roll a mostly-updated fleet back. After a
// failure-budget stop, a node without a pod (a new one, or one whose failed pod was deleted) gets
// the old revision: the failing one must not spread. A node of an unstarted wave, or one held by
// the selector or the partition, gets the old revision most old pods run (with none left, the
// newest recorded old revision); a node of a started wave gets the new one. Only when no old
// template is recorded does a node get the current revision.
import type { IntOrString, V1DaemonSet, V1DaemonSetStatus, V1Node, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { scaledValue } from '../int-or-percent';
import { CONTROLLER_REVISION_HASH_LABEL } from '../labels';
import type { SyncScope } from '../manage';
import { isTerminating } from '../pod-readiness';
import { isPodUpdated, type UpdateBudget } from '../rolling-update';
import { millisOf } from '../timestamps';
import type { Revision, Wait } from '../types';
import { AVAILABLE, PAUSED, PROGRESSING, REASON, setConditions, type ConditionValue, type RolloutCondition } from './conditions';
import { describeFailures, mergeFailures, newPodFailure, type FailedNode } from './failure-budget';
import { rolloutOf, type RolloutStatus, type WaveProgress } from './rollout-status';
import { resumeEpochOf, type RolloutControlSpec } from './spec';
import { planWaves, type PlannedWave } from './waves';

export const WAIT_PAUSED = 'rollout paused';
export const WAIT_STOPPED = 'rollout stopped';
export const WAIT_SOAKING = 'wave soaking';
export const WAIT_WAVE = 'wave not started';
export const WAIT_HELD = 'held on the old revision';
export const ROLLOUT_WAITS = [WAIT_PAUSED, WAIT_STOPPED, WAIT_SOAKING, WAIT_WAVE, WAIT_HELD] as const;

/** One started wave the rolling update may act on, with its budget. */
export interface UpdateScope {
  wave: string;
  nodes: V1Node[];
  budget?: UpdateBudget; // the wave's own; else the strategy's
}

export interface CreateRevision {
  hash: string;
  template: V1PodTemplateSpec;
  current: boolean;
}

export interface RolloutPlan {
  updates: UpdateScope[];
  allowsSurge: boolean;
  createRevision(nodeName: string): CreateRevision;
  waits: Wait[];
  requeueSeconds: number[];
  rollout: RolloutStatus;
  conditions: ConditionValue[]; // Progressing and Paused; Available needs the counts (rolloutConditions)
}

/**
 * When the pod became available — Ready since its last transition, plus minReadySeconds — or
 * undefined when it is not Ready. A Ready pod without a transition time is available at once when
 * minReadySeconds is 0 (as isPodAvailable has it) and has nothing to soak against (-Infinity).
 */
function availableSince(pod: V1Pod, minReadySeconds: number): number | undefined {
  const conditions = pod.status?.conditions;
  if (!conditions) return undefined;
  for (const c of conditions) {
    if (c?.type !== 'Ready') continue;
    if (c.status !== 'True') return undefined;
    const since = millisOf(c.lastTransitionTime);
    if (since === undefined) return minReadySeconds <= 0 ? -Infinity : undefined;
    return since + minReadySeconds * 1000;
  }
  return undefined;
}

const positive = (v: IntOrString | undefined) => v !== undefined && (scaledValue(v, 1) ?? 0) > 0;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * `desired`: the scope's nodes that should run the pod, in node-list order (reconcile collects
 * them in the pass that decides eligibility, so this plan does not look each node up again).
 */
export function planRollout(
  control: RolloutControlSpec,
  scope: SyncScope,
  desired: readonly V1Node[],
  view: ReadonlyMap<string, V1Pod[]>,
  generation: number | undefined,
  revisions: readonly Revision[] | undefined,
  previous: V1DaemonSetStatus,
): RolloutPlan {
  const { ds, hash, now } = scope;
  const nowIso = new Date(now).toISOString();
  const plan = planWaves(control, desired);
  const epoch = resumeEpochOf(ds);
  const before = rolloutOf(previous);
  const sameRevision = before?.updateRevision === hash ? before : undefined;
  const sameEpoch = sameRevision?.resumeEpoch === epoch ? sameRevision : undefined;

  // 1. Where each wave stands, and which new pods failed.
  const { progress, complete, soakEnd, doneTotal, found } = countWaves(
    plan.waves,
    view,
    scope,
    generation,
    control.maxFailedNodes !== undefined ? { readyDeadline: control.progressDeadlineSeconds } : undefined,
  );

  // 2. The current wave: the first not complete, or complete but still soaking — a soak guards the
  // waves after it, so a wave with none left to update after it does not soak.
  const last = plan.waves.length - 1;
  const workAfter: boolean[] = [];
  for (let i = last, any = false; i >= 0; i--) {
    workAfter[i] = any;
    any ||= plan.waves[i]!.release.length > 0;
  }
  let current = plan.waves.findIndex((_, i) => !complete[i] || (workAfter[i]! && soakEnd[i]! > now));
  const allComplete = current < 0;
  if (allComplete) current = last;
  // Waves only move forward within a revision: a node joining a finished wave does not send the rollout back.
  const remembered = sameRevision ? plan.waves.findIndex((w) => w.name === sameRevision.currentWave) : -1;
  if (remembered > current) current = remembered;
  const soaking = !allComplete && complete[current]! && soakEnd[current]! > now;

  // 3. The failure budget: remembered failures of this revision and resume epoch, plus the new ones.
  const budget = control.maxFailedNodes === undefined ? undefined : Math.max(0, scaledValue(control.maxFailedNodes, desired.length) ?? 0);
  let failedNodes = mergeFailures(sameEpoch?.failedNodes ?? [], found);
  let stopped = sameEpoch?.stopped;
  if (stopped)
    failedNodes = sameEpoch!.failedNodes ?? failedNodes; // frozen at the stop
  else if (budget !== undefined && failedNodes.length > budget) {
    stopped = {
      reason: REASON.failureBudget,
      message: `${failedNodes.length} nodes failed, more than maxFailedNodes ${control.maxFailedNodes} (${budget}): ${describeFailures(failedNodes)}`,
      at: nowIso,
    };
  }
  const paused = control.paused;
  const halted = paused || stopped !== undefined;

  // 4. What the update may touch, and the revision a created pod gets.
  const updates: UpdateScope[] = [];
  if (!halted) {
    for (let i = 0; i <= current; i++) {
      const w = plan.waves[i]!;
      if (w.release.length === 0) continue;
      const own = w.maxUnavailable !== undefined || w.maxSurge !== undefined;
      updates.push({
        wave: w.name,
        nodes: w.release,
        ...(own ? { budget: { maxUnavailable: w.maxUnavailable ?? 0, maxSurge: w.maxSurge ?? 0 } } : {}),
      });
    }
  }
  const strategy = ds.spec?.updateStrategy?.rollingUpdate;
  const allowsSurge = positive(strategy?.maxSurge) || plan.waves.some((w) => positive(w.maxSurge));
  const createRevision = revisionChooser(ds, hash, view, revisions, (nodeName) => {
    if (stopped) return 'old'; // the failing revision does not spread, not even to a node whose pod failed
    if (paused) return 'majority';
    const wave = plan.waveOf(nodeName);
    return plan.isHeld(nodeName) || (wave !== undefined && wave > current) ? 'old' : 'current';
  });

  // 5. Why it waits (one line per wave or knob, not per node: a 5,000-node rollout stays small in the log).
  const waits: Wait[] = [];
  const requeueSeconds: number[] = [];
  if (paused) waits.push({ reason: `${WAIT_PAUSED}: spec.paused is true; no pod is updated until it is resumed` });
  if (stopped) waits.push({ reason: `${WAIT_STOPPED}: ${stopped.message}; resume or roll back to continue` });
  if (!halted && soaking) {
    waits.push({ reason: `${WAIT_SOAKING}: ${plan.waves[current]!.name} soaks until ${new Date(soakEnd[current]!).toISOString()}` });
    requeueSeconds.push(seconds(soakEnd[current]! - now));
  }
  for (let i = current + 1; i <= last; i++) {
    if (progress[i]!.waiting + progress[i]!.inProgress === 0) continue;
    waits.push({ reason: `${WAIT_WAVE}: ${plan.waves[i]!.name} (${plan.waves[i]!.release.length} nodes) waits for ${plan.waves[current]!.name}` });
  }
  if (plan.heldBySelector > 0) waits.push({ reason: `${WAIT_HELD}: ${plan.heldBySelector} nodes outside rollingUpdate.selector` });
  if (plan.heldByPartition > 0) waits.push({ reason: `${WAIT_HELD}: ${plan.heldByPartition} nodes kept by rollingUpdate.partition` });

  // 6. The progress deadline: no progress for progressDeadlineSeconds while rolling (not paused, stopped or soaking).
  const phase: RolloutStatus['phase'] = stopped ? 'Stopped' : paused ? 'Paused' : allComplete ? 'Complete' : soaking ? 'Soaking' : 'Rolling';
  const progressMark = `${current}/${doneTotal}/${phase}`;
  const progressedAt = sameRevision?.progressMark === progressMark ? sameRevision.progressedAt : nowIso;
  const deadline = control.progressDeadlineSeconds;
  let exceeded = false;
  if (phase === 'Rolling' && deadline !== undefined) {
    const due = (millisOf(progressedAt) ?? now) + deadline * 1000;
    exceeded = now >= due;
    if (!exceeded) requeueSeconds.push(seconds(due - now));
  }

  const wave = plan.waves[current]!;
  const p = progress[current]!;
  const releaseTotal = plan.waves.reduce((n, w) => n + w.release.length, 0);
  const progressing: ConditionValue = stopped
    ? { type: PROGRESSING, status: 'Unknown', reason: REASON.paused, message: `stopped by the failure budget: ${stopped.message}` }
    : paused
      ? { type: PROGRESSING, status: 'Unknown', reason: REASON.paused, message: 'DaemonSet is paused' }
      : exceeded
        ? {
            type: PROGRESSING,
            status: 'False',
            reason: REASON.deadline,
            message: `no progress for ${deadline}s in ${wave.name}: ${p.done} of ${wave.release.length} nodes updated`,
          }
        : allComplete
          ? {
              type: PROGRESSING,
              status: 'True',
              reason: REASON.complete,
              message: `${doneTotal} of ${releaseTotal} nodes updated${plan.held > 0 ? `, ${plan.held} held on the old revision` : ''}`,
            }
          : soaking
            ? { type: PROGRESSING, status: 'True', reason: REASON.soaking, message: `${wave.name} soaking until ${p.soakUntil}` }
            : { type: PROGRESSING, status: 'True', reason: REASON.rolling, message: `${wave.name}: ${p.done} of ${wave.release.length} nodes updated` };
  const pausedCondition: ConditionValue = stopped
    ? { type: PAUSED, status: 'True', reason: REASON.failureBudget, message: stopped.message }
    : paused
      ? { type: PAUSED, status: 'True', reason: REASON.pausedByUser, message: 'spec.paused is true' }
      : { type: PAUSED, status: 'False', reason: REASON.notPaused, message: 'rollout running' };

  const rollout: RolloutStatus = {
    updateRevision: hash,
    currentWave: wave.name,
    currentWaveIndex: current,
    waves: progress,
    phase,
    ...(soaking ? { soakUntil: p.soakUntil } : {}),
    progressedAt,
    progressMark,
    resumeEpoch: epoch,
    ...(failedNodes.length > 0 ? { failedNodes } : {}),
    ...(stopped ? { stopped } : {}),
    ...(waits.length > 0 ? { waiting: waits.map((w) => w.reason) } : {}),
  };
  return { updates, allowsSurge, createRevision, waits, requeueSeconds, rollout, conditions: [progressing, pausedCondition] };
}

interface WaveCounts {
  progress: WaveProgress[];
  complete: boolean[];
  soakEnd: number[]; // ms; -Infinity when the wave does not soak
  doneTotal: number;
  found: FailedNode[];
}

/**
 * One pass over the released nodes, wave by wave: each node's pods read once, counted as done
 * (a new pod available, no old one), in progress or waiting, and — given `failures`, that is
 * when a failure budget is set — the new pods that failed. Kept apart from planRollout so the hot
 * loop is small and compiled early.
 */
function countWaves(
  waves: readonly PlannedWave[],
  view: ReadonlyMap<string, V1Pod[]>,
  scope: SyncScope,
  generation: number | undefined,
  failures: { readyDeadline?: number } | undefined,
): WaveCounts {
  const { hash, now, minReadySeconds } = scope;
  const out: WaveCounts = { progress: [], complete: [], soakEnd: [], doneTotal: 0, found: [] };
  for (const wave of waves) {
    const p: WaveProgress = { name: wave.name, nodes: wave.nodes.length, done: 0, inProgress: 0, waiting: 0, held: wave.nodes.length - wave.release.length };
    const soaks = wave.minSuccessSeconds > 0;
    let lastAvailable = -Infinity;
    for (const node of wave.release) {
      const name = node.metadata!.name!;
      const pods = view.get(name);
      let newPod: V1Pod | undefined, oldPod: V1Pod | undefined;
      if (pods) {
        for (const pod of pods) {
          if (isTerminating(pod)) continue;
          if (isPodUpdated(pod, hash, generation)) newPod ??= pod;
          else oldPod ??= pod;
        }
      }
      if (newPod && failures) {
        const failure = newPodFailure(newPod, now, failures.readyDeadline);
        if (failure) out.found.push({ nodeName: name, reason: failure });
      }
      const since = newPod && !oldPod ? availableSince(newPod, minReadySeconds) : undefined;
      if (since !== undefined && since <= now) {
        p.done++;
        if (soaks && since > lastAvailable) lastAvailable = since;
      } else if (newPod || !oldPod) p.inProgress++;
      else p.waiting++;
    }
    out.doneTotal += p.done;
    const isComplete = p.done === wave.release.length;
    const until = soaks && Number.isFinite(lastAvailable) ? lastAvailable + wave.minSuccessSeconds * 1000 : -Infinity;
    if (until > now && isComplete) p.soakUntil = new Date(until).toISOString();
    out.progress.push(p);
    out.complete.push(isComplete);
    out.soakEnd.push(until);
  }
  return out;
}

/** Available as Deployments define it: at most maxUnavailable of the desired nodes without an available pod. */
export function rolloutConditions(
  plan: RolloutPlan,
  ds: V1DaemonSet,
  counts: { desiredNumberScheduled: number; numberAvailable: number },
  previous: V1DaemonSetStatus,
  now: Date,
  generation: number | undefined,
): RolloutCondition[] {
  const maxUnavailable = Math.max(0, scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 0, counts.desiredNumberScheduled) ?? 0);
  const enough = counts.numberAvailable >= counts.desiredNumberScheduled - maxUnavailable;
  const available: ConditionValue = {
    type: AVAILABLE,
    status: enough ? 'True' : 'False',
    reason: enough ? REASON.minimumAvailable : REASON.minimumUnavailable,
    message: `${counts.numberAvailable} of ${counts.desiredNumberScheduled} nodes have an available pod (maxUnavailable ${maxUnavailable})`,
  };
  return setConditions(previous.conditions, [...plan.conditions, available], now, generation);
}

/**
 * The revision for a pod created on a node: the current one, the old revision most old pods run
 * ('old'), or the revision most pods run ('majority'). Counted once per pass, on first use.
 */
function revisionChooser(
  ds: V1DaemonSet,
  hash: string,
  view: ReadonlyMap<string, V1Pod[]>,
  revisions: readonly Revision[] | undefined,
  policy: (nodeName: string) => 'current' | 'old' | 'majority',
): (nodeName: string) => CreateRevision {
  const current: CreateRevision = { hash, template: ds.spec!.template, current: true };
  let choice: { old: CreateRevision; majority: CreateRevision } | undefined;
  const choose = () => {
    const counts = new Map<string, number>();
    for (const pods of view.values()) {
      for (const pod of pods) {
        const h = pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
        if (h !== undefined && !isTerminating(pod)) counts.set(h, (counts.get(h) ?? 0) + 1);
      }
    }
    const known = new Map((revisions ?? []).map((r) => [r.hash, r]));
    // Most pods wins; a tie goes to the higher revision number. Hashes without a known template cannot be built.
    const best = (include: (h: string) => boolean): CreateRevision => {
      let pick: { h: string; n: number; rev: number } | undefined;
      for (const [h, n] of counts) {
        if (!include(h) || (h !== hash && !known.has(h))) continue;
        const rev = h === hash ? Infinity : known.get(h)!.revision;
        if (!pick || n > pick.n || (n === pick.n && rev > pick.rev)) pick = { h, n, rev };
      }
      return !pick || pick.h === hash ? current : { hash: pick.h, template: known.get(pick.h)!.template, current: false };
    };
    // No old pod left: the newest recorded old revision.
    const newestOld = (revisions ?? [])
      .filter((r) => r.hash !== hash)
      .reduce<Revision | undefined>((a, r) => (!a || r.revision > a.revision ? r : a), undefined);
    const old = best((h) => h !== hash);
    return {
      old: old.current && newestOld ? { hash: newestOld.hash, template: newestOld.template, current: false } : old,
      majority: best(() => true),
    };
  };
  return (nodeName) => {
    const policyFor = policy(nodeName);
    if (policyFor === 'current') return current;
    choice ??= choose();
    return choice[policyFor];
  };
}
