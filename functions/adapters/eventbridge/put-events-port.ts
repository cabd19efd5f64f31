// The one call the forwarder's sink needs from EventBridge. The SDK client and the local bus both provide it.
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';

export interface PutEventsPort {
  putEvents(entries: PutEventsRequestEntry[]): Promise<{ FailedEntryCount?: number; Entries?: PutEventsResultEntry[] }>;
}

export const eventBridgePutEvents = (client: EventBridgeClient): PutEventsPort => ({
  putEvents: (entries) => client.send(new PutEventsCommand({ Entries: entries })),
});
