// A decision that would change nothing need not be recorded. Most reconciles of a rollout wake up
// to find the same pods waiting for the same gates: before, each appended a commit carrying every
// wait (≈ 500 KB for a 5,000-node DaemonSet). Skipping one loses nothing `history --verify` checks:
// it requested no pod change, wrote no status, scheduled no new wake-up and settled or expired no
// intent, so folding it would have changed only `lastDecision`'s id and time — and the recorded
// decisions around it keep their own input marks, so each still replays exactly. A fleet member's
// decision is skipped too when it neither returns nor takes node budget (reconcile-one.ts): its
// ledger commit would be empty, and no grant names a DaemonSet commit that was never written.
import { controllerKey } from '../../domain/cluster-state';
import * as E from '../../domain/events';
import type { DaemonSetKey } from '../../domain/streams';
import type { ReconcileInput, ReconcileResult } from '../../domain/types';
import type { Rebuilt } from '../log/event-log';
import { sameStatus } from './status-change';

/** A wake-up already scheduled within this much of the new one serves it. */
const SAME_WAKE_UP_MS = 1_000;

export function changesNothing(key: DaemonSetKey, rebuilt: Rebuilt, input: ReconcileInput, result: ReconcileResult, events: E.Decision[]): boolean {
  const controller = rebuilt.state.controllers[controllerKey(key.namespace, key.name)];
  const last = controller?.lastDecision;
  if (!controller || !last || controller.daemonSetUid !== input.daemonSet.metadata?.uid) return false;
  if (result.create.length + result.delete.length + result.adopt.length + result.release.length > 0) return false;
  if (Object.keys(controller.creates).length + Object.keys(controller.deletes).length > 0) return false; // open intents: the decision would settle or expire them
  const settled = rebuilt.marks.settledIntents;
  if (settled && settled.creates.length + settled.deletes.length > 0) return false;
  if (events.some((e) => e.type !== E.RECONCILE_DECIDED && e.type !== E.TIMER_SCHEDULED)) return false; // a new revision, an intent
  const decided = events.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED);
  if (!decided || decided.currentHash !== last.currentHash) return false;
  if (!sameStatus(result.status, last.status) || !sameStatus(result.status, input.daemonSet.status)) return false;
  if (JSON.stringify(result.failedPodBackoff) !== JSON.stringify(controller.failedPodBackoff)) return false;
  return sameWakeUp(last, input.now, result.requeueAfterSeconds);
}

/** The last decision's wake-up, still to come, is the one this decision would schedule. */
function sameWakeUp(last: { time: string; requeueAfterSeconds?: number }, now: Date, requeueAfterSeconds: number | undefined): boolean {
  if (requeueAfterSeconds === undefined) return last.requeueAfterSeconds === undefined;
  if (last.requeueAfterSeconds === undefined) return false;
  const due = now.getTime() + requeueAfterSeconds * 1000;
  const scheduled = Date.parse(last.time) + last.requeueAfterSeconds * 1000;
  return scheduled > now.getTime() && Math.abs(due - scheduled) < SAME_WAKE_UP_MS;
}
