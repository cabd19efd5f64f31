// The event log a read-only command inspects: the AWS table named by --table, else the local
// control plane's — through its running dynalite (the endpoint file `up` and `demo` write), or,
// when none runs, by opening its data folder directly.
import { daemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import { loadAuditLog, type AuditLog } from '../log/audit-log';
import type { CliIo } from './io';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../adapters/event-store/dynamodb';
import { EVENT_LOG_TABLE_NAME } from '../adapters/event-store/keys';
import type { EventStore } from '../adapters/event-store/port';
import { localDynamoDbClient, startLocalDynamoDb } from '../local/dynalite-server';
import { stringOption, UsageError, type CommandOptions } from './options';
import { dataDirIn, DEFAULT_STATE_DIR, dynamoDbEndpointIn } from './state-dir';

export interface EventLogSource {
  store: EventStore;
  /** The table itself, for a reader that needs the items as stored (`log verify`). */
  client: DynamoDBClient;
  table: string;
  /** Where the log was found, for the reader. */
  description: string;
  close(): Promise<void>;
}

export async function eventLogOf(options: CommandOptions): Promise<EventLogSource> {
  const table = stringOption(options, 'table');
  if (table) {
    const region = stringOption(options, 'region');
    const client = new DynamoDBClient(region ? { region } : {}); // credentials: the default provider chain
    return { store: new DynamoDbEventStore(client, table), client, table, description: `table ${table}`, close: async () => client.destroy() };
  }
  const stateDir = stringOption(options, 'state') ?? DEFAULT_STATE_DIR;
  const running = await runningEndpoint(stateDir);
  if (running) {
    const client = localDynamoDbClient(running);
    return {
      store: new DynamoDbEventStore(client, EVENT_LOG_TABLE_NAME),
      client,
      table: EVENT_LOG_TABLE_NAME,
      description: `the running control plane (${running})`,
      close: async () => client.destroy(),
    };
  }
  const dataDir = dataDirIn(stateDir);
  if (!existsSync(dataDir))
    throw new UsageError(`no event log in ${stateDir}: run \`daemonloop up\` or \`demo\` first, pass --state DIR, or --table NAME for AWS`);
  const dynamodb = await startLocalDynamoDb(dataDir);
  return {
    store: new DynamoDbEventStore(dynamodb.client, EVENT_LOG_TABLE_NAME),
    client: dynamodb.client,
    table: EVENT_LOG_TABLE_NAME,
    description: dataDir,
    close: () => dynamodb.close(),
  };
}

/** The endpoint a running control plane wrote, when it still answers; a crashed one leaves a stale file. */
export async function runningEndpoint(stateDir: string): Promise<string | undefined> {
  const file = dynamoDbEndpointIn(stateDir);
  if (!existsSync(file)) return undefined;
  const endpoint = (await readFile(file, 'utf8')).trim();
  const answers = await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  );
  return answers ? endpoint : undefined;
}

/**
 * One DaemonSet's audit log (its stream and the nodes and pods streams it read), or undefined
 * after saying there is no history — what the audit views (receipt, cost --since, history --html/--at) start from.
 */
export async function auditLogOf(options: CommandOptions, key: DaemonSetKey, io: CliIo, announce = false): Promise<AuditLog | undefined> {
  const source = await eventLogOf(options);
  let log: AuditLog;
  try {
    if (announce) io.err(`reading ${daemonSetStreamId(key)} and its input streams from ${source.description}`);
    log = await loadAuditLog(source.store, key);
  } finally {
    await source.close();
  }
  if (log.daemonSet.length > 0) return log;
  io.err(`no history for ${daemonSetStreamId(key)}`);
  return undefined;
}
