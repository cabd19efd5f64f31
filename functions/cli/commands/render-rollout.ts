// The rollout progress bar: updated pods out of desired, then available ones, as one line.
import type { V1DaemonSetStatus } from '@kubernetes/client-node';

export function renderRollout(status: V1DaemonSetStatus | undefined, width = 30): string {
  const total = status?.desiredNumberScheduled ?? 0;
  const updated = Math.min(status?.updatedNumberScheduled ?? 0, total);
  const available = Math.min(status?.numberAvailable ?? 0, total);
  const filled = total === 0 ? width : Math.round((updated / total) * width);
  return `[${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${updated}/${total} updated, ${available}/${total} available`;
}
