// What each handler needs, as ports: the event log, the queues, the cluster registry and the
// clusters' APIs, a clock and telemetry. handlers/aws-deps.ts builds them on AWS; local/runtime.ts
// builds them in-process. Tests build them from the same parts.
import type { ClusterApi } from '../adapters/kubernetes/cluster-api';
import type { FleetBudget } from '../fleet/budget-client';
import type { Redelivery } from '../adapters/sqs/redelivery';
import type { Clock } from '../clock';
import type { EventLog } from '../log/event-log';
import type { Telemetry } from '../observability';
import type { ClusterRegistry } from '../registry/cluster-registry';
import type { PendingReconciles, ReconcileQueue, TimerQueue } from './queues';

/** A cluster's API by cluster id (built from its registry entry, kept while warm). */
export interface ClusterConnections {
  api(clusterId: string): Promise<ClusterApi>;
}

export type ReconcileLog = Pick<EventLog, 'rebuild' | 'appendDecision' | 'appendOutcomes'>;

export interface IngestDeps {
  log: Pick<EventLog, 'appendObservations' | 'daemonSetsOfCluster'>;
  registry: Pick<ClusterRegistry, 'lookup'>;
  reconciles: ReconcileQueue;
  pending: PendingReconciles;
  telemetry: Telemetry;
  fleets?: { request(fleet: string): Promise<void> }; // the fleet loop's queue
}

export interface ReconcileDeps {
  log: ReconcileLog;
  clock: Clock;
  clusters: ClusterConnections;
  timers: TimerQueue;
  pending: Pick<PendingReconciles, 'waiting'>;
  telemetry: Telemetry;
  fleetBudget?: FleetBudget; // fleet members take node disruptions from their fleet's ledger
}

/** The reconcile handler also clears the DaemonSet's pending mark before each reconcile. */
export type ReconcileHandlerDeps = ReconcileDeps & { pending: PendingReconciles };

export interface TimerDeps {
  log: Pick<EventLog, 'appendOutcomes'>;
  clock: Clock;
  reconciles: ReconcileQueue;
  timers: TimerQueue;
  pending: PendingReconciles;
  telemetry: Telemetry;
}

/** Per queue, how a handler brings its failed records back soon (adapters/sqs/redelivery.ts); absent locally, whose queues retry in seconds anyway. */
export interface RedeliveryDeps {
  redelivery?: { ingest?: Redelivery; reconcile?: Redelivery; timer?: Redelivery };
}

export type LoopDeps = IngestDeps & ReconcileDeps & TimerDeps & RedeliveryDeps;
