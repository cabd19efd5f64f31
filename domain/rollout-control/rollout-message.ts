// `rollout status` for a DaemonSet under rollout control: kubectl's messages, plus the wave, the
// soak countdown, a pause, a deadline breach and a failure-budget stop. `now` only counts down.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { findCondition, PROGRESSING, REASON } from './conditions';
import { rolloutOf, type RolloutStatus } from './rollout-status';

export interface RolloutMessage {
  done: boolean;
  /** The rollout cannot finish without the user: stopped by its failure budget, or past its deadline. */
  failed: boolean;
  message: string;
}

export function controlledRolloutStatus(ds: V1DaemonSet, rollout: RolloutStatus, now: Date | undefined): RolloutMessage {
  const name = JSON.stringify(ds.metadata?.name ?? '');
  const waiting = (detail: string, failed = false): RolloutMessage => ({
    done: false,
    failed,
    message: `Waiting for daemon set ${name} rollout to finish: ${detail}`,
  });
  const index = rollout.currentWaveIndex;
  const wave = rollout.waves[index];
  const where = rollout.waves.length > 1 ? `wave ${rollout.currentWave} (${index + 1} of ${rollout.waves.length})` : 'rollout';
  const counts = wave ? `${wave.done} of ${wave.nodes - wave.held} nodes updated` : '';
  if (rollout.stopped) return { done: false, failed: true, message: `daemon set ${name} rollout stopped by its failure budget: ${rollout.stopped.message}` };
  const progressing = findCondition(ds.status?.conditions, PROGRESSING);
  if (progressing?.reason === REASON.deadline)
    return { done: false, failed: true, message: `daemon set ${name} exceeded its progress deadline: ${progressing.message}` };
  if (rollout.phase === 'Paused') return waiting(`paused at ${where}, ${counts}...`);
  if (rollout.phase === 'Soaking' && rollout.soakUntil) {
    if (!now) return waiting(`${where} soaking until ${rollout.soakUntil}...`);
    const seconds = Math.max(0, Math.ceil((Date.parse(rollout.soakUntil) - now.getTime()) / 1000));
    return waiting(`${where} soaking, the next wave starts in ${seconds}s...`);
  }
  if (rollout.phase !== 'Complete') return waiting(`${where}: ${counts}...`);
  const status = ds.status;
  const desired = status?.desiredNumberScheduled ?? 0;
  if ((status?.numberAvailable ?? 0) < desired) return waiting(`${status?.numberAvailable ?? 0} of ${desired} updated pods are available...`);
  const held = rollout.waves.reduce((n, w) => n + w.held, 0);
  return { done: true, failed: false, message: `daemon set ${name} successfully rolled out${held > 0 ? ` (${held} nodes held on the old revision)` : ''}` };
}

export { rolloutOf };
