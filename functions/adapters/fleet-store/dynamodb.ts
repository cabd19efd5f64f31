// The fleet store on the event-log table: one conditional PutItem per commit (events as JSON), the
// first commit of `fleet/<name>` indexed under the reserved owner "fleet" so fleets can be listed.
import { paginateQuery, PutItemCommand, type DynamoDBClient, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../../clock';
import { isConditionalCheckFailed } from '../dynamodb-errors';
import { StreamVersionConflict } from '../event-store/port';
import {
  EVENT_LOG_CLUSTER_ATTRIBUTE, EVENT_LOG_EVENTS_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY, EVENT_LOG_STREAMS_INDEX, EVENT_LOG_TIME_ATTRIBUTE,
} from '../event-store/keys';
import { FLEET_STREAM_OWNER, fleetStreamId, type FleetCommit, type FleetStore, type FleetStreamEvent } from './port';

export class DynamoDbFleetStore implements FleetStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async read<E extends FleetStreamEvent>(streamId: string, fromCommit = 1): Promise<FleetCommit<E>[]> {
    const commits: FleetCommit<E>[] = [];
    const pages = paginateQuery({ client: this.client }, {
      TableName: this.tableName,
      KeyConditionExpression: '#stream = :stream AND #commit >= :from',
      ExpressionAttributeNames: { '#stream': EVENT_LOG_PARTITION_KEY, '#commit': EVENT_LOG_SORT_KEY },
      ExpressionAttributeValues: marshall({ ':stream': streamId, ':from': Math.max(1, fromCommit) }),
      ConsistentRead: true,
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const row = unmarshall(item);
        commits.push({ commit: row[EVENT_LOG_SORT_KEY] as number, time: row[EVENT_LOG_TIME_ATTRIBUTE] as string, events: JSON.parse(row[EVENT_LOG_EVENTS_ATTRIBUTE] as string) as E[] });
      }
    }
    return commits;
  }

  async append(streamId: string, expected: number, events: FleetStreamEvent[]): Promise<number> {
    if (expected > 0 && (await this.read(streamId, expected)).length === 0) throw new StreamVersionConflict(streamId, expected, `commit ${expected} does not exist`);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({
            [EVENT_LOG_PARTITION_KEY]: streamId,
            [EVENT_LOG_SORT_KEY]: expected + 1,
            [EVENT_LOG_EVENTS_ATTRIBUTE]: JSON.stringify(events),
            [EVENT_LOG_TIME_ATTRIBUTE]: this.clock.now().toISOString(),
            ...(expected === 0 && /^fleet\/[^/]+$/.test(streamId) ? { [EVENT_LOG_CLUSTER_ATTRIBUTE]: FLEET_STREAM_OWNER } : {}),
          }),
          ConditionExpression: 'attribute_not_exists(#commit)',
          ExpressionAttributeNames: { '#commit': EVENT_LOG_SORT_KEY },
        }),
      );
      return expected + 1;
    } catch (error) {
      throw isConditionalCheckFailed(error) ? new StreamVersionConflict(streamId, expected) : error;
    }
  }

  async listFleets(): Promise<string[]> {
    const items: NonNullable<QueryCommandOutput['Items']> = [];
    const pages = paginateQuery({ client: this.client }, {
      TableName: this.tableName,
      IndexName: EVENT_LOG_STREAMS_INDEX,
      KeyConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': EVENT_LOG_CLUSTER_ATTRIBUTE },
      ExpressionAttributeValues: marshall({ ':owner': FLEET_STREAM_OWNER }),
    });
    for await (const page of pages) items.push(...(page.Items ?? []));
    const prefix = fleetStreamId('');
    return items.map((i) => (unmarshall(i)[EVENT_LOG_PARTITION_KEY] as string).slice(prefix.length)).sort();
  }
}
