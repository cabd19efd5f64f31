// What the fleet commands read and write: the fleet streams, the event log (each cluster's
// DaemonSet) and the cluster registry — in the AWS table named by --table, or the local control
// plane's (its running dynalite, or its data folder when none runs), as eventLogOf finds them.
import { existsSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../adapters/event-store/dynamodb';
import { EVENT_LOG_TABLE_NAME } from '../adapters/event-store/keys';
import { DynamoDbFleetStore } from '../adapters/fleet-store/dynamodb';
import type { EventStore } from '../adapters/event-store/port';
import type { FleetStore } from '../adapters/fleet-store/port';
import { systemClock } from '../clock';
import type { ClusterObservation } from '../../domain/fleet/progressive';
import type { FleetCluster } from '../../domain/fleet/types';
import { observationOf } from '../fleet/observe';
import { localDynamoDbClient, startLocalDynamoDb } from '../local/dynalite-server';
import { EventLog } from '../log/event-log';
import { DynamoDbClusterRegistry } from '../registry/cluster-registry';
import { runningEndpoint } from './event-log-source';
import { stringOption, UsageError, type CommandOptions } from './options';
import { dataDirIn, DEFAULT_STATE_DIR } from './state-dir';

export interface FleetSource {
  store: FleetStore;
  /** The event log the clusters' DaemonSets are in (the planner reads their streams). */
  events: EventStore;
  clusters(): Promise<FleetCluster[]>;
  observe(clusterId: string, namespace: string, name: string, now: Date): Promise<ClusterObservation | undefined>;
  close(): Promise<void>;
}

export async function fleetSourceOf(options: CommandOptions): Promise<FleetSource> {
  const table = stringOption(options, 'table');
  let client: DynamoDBClient;
  let tableName = EVENT_LOG_TABLE_NAME;
  let close: () => Promise<void>;
  if (table) {
    const region = stringOption(options, 'region');
    client = new DynamoDBClient(region ? { region } : {});
    tableName = table;
    close = async () => client.destroy();
  } else {
    const stateDir = stringOption(options, 'state') ?? DEFAULT_STATE_DIR;
    const running = await runningEndpoint(stateDir);
    if (running) {
      client = localDynamoDbClient(running);
      close = async () => client.destroy();
    } else {
      if (!existsSync(dataDirIn(stateDir)))
        throw new UsageError(`no control plane in ${stateDir}: run \`daemonloop up --clusters N\` first, pass --state DIR, or --table NAME for AWS`);
      const dynamodb = await startLocalDynamoDb(dataDirIn(stateDir));
      client = dynamodb.client;
      close = () => dynamodb.close();
    }
  }
  const events = new DynamoDbEventStore(client, tableName);
  const log = new EventLog(events);
  const registry = new DynamoDbClusterRegistry(client, tableName, systemClock);
  return {
    store: new DynamoDbFleetStore(client, tableName, systemClock),
    events,
    clusters: async () => (await registry.list()).map((c) => ({ clusterId: c.clusterId, labels: c.labels ?? {} })),
    observe: async (clusterId, namespace, name, now) => observationOf((await log.rebuild({ clusterId, namespace, name }, now)).input?.daemonSet),
    close,
  };
}

/** The fleet's state, clusters and their DaemonSets, read once. */
export async function fleetView(source: FleetSource, name: string, now: Date) {
  const { readFleet } = await import('../fleet/fleet-one');
  const { state } = await readFleet(source, name);
  if (!state.fleet) throw new UsageError(`fleet ${JSON.stringify(name)} not found`);
  const clusters = await source.clusters();
  const observed: Record<string, ClusterObservation> = {};
  for (const c of clusters) {
    const o = await source.observe(c.clusterId, state.fleet.metadata.namespace ?? 'default', name, now);
    if (o) observed[c.clusterId] = o;
  }
  return { state, clusters, observed };
}
