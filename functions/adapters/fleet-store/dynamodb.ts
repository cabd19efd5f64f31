// The fleet store on the event-log table: each commit written and read by the log's own chained
// commit writer (one conditional PutItem, hash-chained, events as deflated JSON), so fleets and
// their budget ledgers are checkpointed and checked by `log verify` like every stream. Every
// fleet stream's first commit is indexed under the reserved owner "fleet"; the fleets are those
// streams without a further `/` (not `fleet/<name>/budget`).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../clock';
import { ChainedCommits, queryItems } from '../event-store/chained-commits';
import { decodeJson, encodeJson } from '../event-store/codec';
import { EVENT_LOG_CLUSTER_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_STREAMS_INDEX } from '../event-store/keys';
import { FLEET_STREAM_OWNER, fleetStreamId, type FleetCommit, type FleetStore, type FleetStreamEvent } from './port';

export class DynamoDbFleetStore implements FleetStore {
  private readonly commits: ChainedCommits;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    clock: Clock,
  ) {
    this.commits = new ChainedCommits(client, tableName, clock);
  }

  async read<E extends FleetStreamEvent>(streamId: string, fromCommit = 1): Promise<FleetCommit<E>[]> {
    const commits: FleetCommit<E>[] = [];
    for await (const c of this.commits.read(streamId, fromCommit)) commits.push({ commit: c.commit, time: c.time, events: decodeJson<E[]>(c.events) });
    return commits;
  }

  async append(streamId: string, expected: number, events: FleetStreamEvent[]): Promise<number> {
    return (await this.commits.append(streamId, expected, encodeJson(events), FLEET_STREAM_OWNER)).commit;
  }

  async listFleets(): Promise<string[]> {
    const prefix = fleetStreamId('');
    const names: string[] = [];
    const items = queryItems(this.client, {
      TableName: this.tableName,
      IndexName: EVENT_LOG_STREAMS_INDEX,
      KeyConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': EVENT_LOG_CLUSTER_ATTRIBUTE },
      ExpressionAttributeValues: { ':owner': { S: FLEET_STREAM_OWNER } },
    });
    for await (const item of items) names.push(item[EVENT_LOG_PARTITION_KEY]!.S!.slice(prefix.length));
    return names.filter((name) => !name.includes('/')).sort();
  }
}
