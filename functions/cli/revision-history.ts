// A DaemonSet's revisions as its log recorded them (RevisionRecorded): what `rollout history` lists
// and `rollout undo` goes back to. Our controller keeps them in the log, not in ControllerRevisions.
import * as E from '../../domain/events';
import { daemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import type { Revision } from '../../domain/types';
import type { EventStore } from '../adapters/event-store/port';

/** Ascending by revision; a template made current again keeps only its newest number (as the fold does). */
export async function recordedRevisions(store: EventStore, key: DaemonSetKey): Promise<Revision[]> {
  const byHash = new Map<string, Revision>();
  for await (const commit of store.read(daemonSetStreamId(key))) {
    for (const event of commit.events) {
      if (event.type === E.REVISION_RECORDED) byHash.set(event.hash, { revision: event.revision, hash: event.hash, template: event.template });
    }
  }
  return [...byHash.values()].sort((a, b) => a.revision - b.revision);
}
