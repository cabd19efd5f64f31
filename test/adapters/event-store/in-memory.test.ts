import { InMemoryEventStore } from '../../../functions/adapters/event-store/in-memory';
import { eventStoreContract } from './contract';

const store = new InMemoryEventStore();
eventStoreContract('in memory', () => ({ store }));
