// A fleet's wake-up from the loop's timer queue (a soak's end, a progress deadline, a retry):
// when due, ask for a fleet reconcile on the fleet FIFO; when not yet due (SQS delays stop at
// 900 s), put it back for the remainder. The fleet stream records no TimerFired: a fleet
// decision records the time it was taken, which is all its replay needs.
import type { FleetTimerRequest } from '../adapters/sqs/fleet-messages';
import type { Clock } from '../clock';

export interface FleetTimerDeps {
  clock: Clock;
  fleets: { request(fleet: string, dedupId?: string): Promise<void> };
  fleetTimers: { schedule(fleet: string, dueAt: Date, reason: string): Promise<void> };
}

export async function fleetTimerOne({ fleet, dueAt, reason }: FleetTimerRequest, deps: FleetTimerDeps): Promise<'fired' | 'rescheduled'> {
  if (dueAt.getTime() > deps.clock.now().getTime()) {
    await deps.fleetTimers.schedule(fleet, dueAt, reason);
    return 'rescheduled';
  }
  await deps.fleets.request(fleet, `timer@${dueAt.getTime()}`); // a duplicate delivery of this wake-up collapses in SQS
  return 'fired';
}
