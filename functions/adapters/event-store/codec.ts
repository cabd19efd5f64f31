// A commit's events on disk: JSON, deflated into one binary attribute. A pod observation is about
// 1 KB of JSON and 0.55 KB deflated, so a one-event commit stays within one write unit. Reading
// back validates every event and restores its Dates (domain/event-schema.ts): a store never hands
// the fold a malformed event.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { parseLogEvent } from '../../../domain/event-schema';
import type { LogEvent } from '../../../domain/events';

export const encodeEvents = (events: readonly LogEvent[]): Uint8Array => encodeJson(events);

/** Another writer's commit payload (the registry's changes, a fleet's events): the same deflated JSON, under its own schema. */
export const encodeJson = (value: unknown): Uint8Array => deflateRawSync(JSON.stringify(value));
export const decodeJson = <T>(bytes: Uint8Array): T => JSON.parse(inflateRawSync(bytes).toString('utf8')) as T;

export function decodeEvents(bytes: Uint8Array): LogEvent[] {
  return decodeJson<unknown[]>(bytes).map(parseLogEvent);
}
