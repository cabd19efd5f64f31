// The fleet loop's queue messages: "reconcile fleet NAME" on the fleet FIFO, and a fleet's
// wake-up on the shared timer queue (told apart from a DaemonSet's by its `fleet` field).
import { z } from 'zod';
import { fleetNameProblem } from '../../../domain/fleet/validation';

const fleetRequest = z.object({ fleet: z.string() });
const fleetTimer = z.object({ fleet: z.string(), dueAt: z.iso.datetime(), reason: z.string() });

export interface FleetTimerRequest {
  fleet: string;
  dueAt: Date;
  reason: string;
}

export const fleetRequestBody = (fleet: string): string => JSON.stringify({ fleet });

/** The fleet's name; a body naming no valid fleet fails here, by field. */
export function parseFleetRequest(body: string): string {
  return checked(fleetRequest.parse(JSON.parse(body)).fleet);
}

export const fleetTimerBody = (request: FleetTimerRequest): string =>
  JSON.stringify({ fleet: request.fleet, dueAt: request.dueAt.toISOString(), reason: request.reason });

/** A fleet's wake-up, or undefined when the timer message is a DaemonSet's. */
export function parseFleetTimer(body: string): FleetTimerRequest | undefined {
  const raw = JSON.parse(body) as Record<string, unknown>;
  if (raw.fleet === undefined) return undefined;
  const m = fleetTimer.parse(raw);
  return { fleet: checked(m.fleet), dueAt: new Date(m.dueAt), reason: m.reason };
}

function checked(fleet: string): string {
  const problem = fleetNameProblem(fleet);
  if (problem) throw new Error(`fleet message: fleet: ${problem}`);
  return fleet;
}
