// A recorded plan held against what happened: the rollout of a template starts with the first
// decision after the plan that acts for its hash (plan, then apply), and ends with the first
// decision after that which finds every desired node updated and available.
import { RECONCILE_DECIDED, ROLLOUT_PLANNED, type LogEvent, type RolloutPlanned } from '../../domain/events';

export interface PlannedVsActual {
  planned: RolloutPlanned;
  startedAt?: string;
  finishedAt?: string;
  actualMs?: number; // undefined while the rollout runs
}

export function plannedVsActual(events: readonly LogEvent[]): PlannedVsActual[] {
  return events.flatMap((planned, at) => {
    if (planned.type !== ROLLOUT_PLANNED) return [];
    let startedAt: string | undefined;
    for (const e of events.slice(at + 1)) {
      if (e.type !== RECONCILE_DECIDED || e.currentHash !== planned.hash) continue;
      startedAt ??= e.time;
      const s = e.status;
      const desired = s.desiredNumberScheduled ?? 0;
      if (desired > 0 && s.updatedNumberScheduled === desired && s.numberAvailable === desired) {
        return [{ planned, startedAt, finishedAt: e.time, actualMs: Date.parse(e.time) - Date.parse(startedAt) }];
      }
    }
    return [{ planned, ...(startedAt ? { startedAt } : {}) }];
  });
}
