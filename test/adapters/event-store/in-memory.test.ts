import type { CommitItem } from '../../../functions/adapters/event-store/commit-item';
import { InMemoryEventStore, type InMemoryItems } from '../../../functions/adapters/event-store/in-memory';
import { EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY } from '../../../functions/adapters/event-store/keys';
import { eventStoreContract } from './contract';

const items: InMemoryItems = new Map();
const store = new InMemoryEventStore(undefined, { items });
eventStoreContract('in memory', () => ({
  store,
  fresh: () => new InMemoryEventStore(undefined, { items }),
  items: {
    get: async (streamId, commit) => ({ ...items.get(streamId)![commit - 1]! }),
    put: async (item: CommitItem) => {
      items.get(String(item[EVENT_LOG_PARTITION_KEY]))![Number(item[EVENT_LOG_SORT_KEY]) - 1] = item;
    },
    delete: async (streamId, commit) => {
      items.get(streamId)![commit - 1] = undefined;
    },
  },
}));
