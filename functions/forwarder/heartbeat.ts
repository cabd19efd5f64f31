// The forwarder's pulse: a ForwarderHeartbeat on the bus every minute, straight through the sink
// (not the outbox: a late beat is worth nothing, the next one replaces it). Ingest turns each into
// the ForwarderHeartbeat metric of its cluster, and the stack alarms when a cluster's beats stop
// (missing data is breaching): a dead or partitioned forwarder means an unmanaged cluster.
// With leader election, only the leader beats: whoever starts this should hold the lease.
import { EVENT_SCHEMA_VERSION, FORWARDER_HEARTBEAT, type ForwarderHeartbeat } from '../../domain/events';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';
import type { EventSink } from './event-sink';

/** One beat a minute: the alarm's one-minute periods each expect one. */
export const HEARTBEAT_INTERVAL_MS = 60_000;

export interface RunningHeartbeat {
  stop(): void;
}

/** Beats now, then every `intervalMs`; a failed send is logged and counted, and the next beat tries again. */
export function startHeartbeat(
  sink: EventSink<ForwarderHeartbeat>,
  clusterId: string,
  clock: Clock,
  options: { intervalMs?: number; telemetry?: Pick<Telemetry, 'warn' | 'count'> } = {},
): RunningHeartbeat {
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  let stopped = false;
  let inFlight = false;
  let cancel: () => void = () => undefined;
  const beat = () => {
    if (stopped) return;
    cancel = clock.setTimer(intervalMs, beat); // on schedule whatever the send does
    if (inFlight) return; // a send still hanging: one beat at a time
    inFlight = true;
    const heartbeat: ForwarderHeartbeat = { type: FORWARDER_HEARTBEAT, clusterId, schemaVersion: EVENT_SCHEMA_VERSION, time: clock.now().toISOString() };
    sink
      .send([heartbeat])
      .catch((error: unknown) => {
        options.telemetry?.warn('forwarder: heartbeat not sent', { clusterId, error: error instanceof Error ? error.message : String(error) });
        options.telemetry?.count('forwarder.heartbeat_failures');
      })
      .finally(() => {
        inFlight = false;
      });
  };
  beat();
  return {
    stop() {
      stopped = true;
      cancel();
    },
  };
}
