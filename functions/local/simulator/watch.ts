// Watch: a chunked stream of newline-delimited JSON events, resumable from a resourceVersion.
// No version (or "0"): the current objects as ADDED, then changes. A version older than the
// compacted history: one ERROR event with a 410 Expired Status, then the end of the stream.
// Selectors filter as the API server does: an object that stops matching is DELETED for the watch.
import type { ServerResponse } from 'node:http';
import { apiVersionOf, type ResourceType } from './resources';
import type { KubeObject, ObjectMatcher } from './selectors';
import { gone } from './status-error';
import type { Change, ObjectStore, WatchEventType } from './store';

export interface WatchRequest {
  resource: ResourceType;
  namespace?: string;
  match: ObjectMatcher;
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
}

export class WatchHub {
  private readonly watches = new Set<(change: Change) => void>();
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly store: ObjectStore,
    private readonly bookmarkIntervalMs: number,
  ) {
    store.onChange((change) => {
      for (const send of this.watches) send(change);
    });
  }

  get open(): number {
    return this.closers.size;
  }

  /** Ends every open watch stream cleanly (clients reconnect from their last resourceVersion). */
  closeAll(): void {
    for (const close of [...this.closers]) close();
  }

  serve(request: WatchRequest, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    // client-node's watch() awaits the response headers: send them before the first event.
    res.flushHeaders();
    const write = (type: WatchEventType | 'BOOKMARK' | 'ERROR', object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);

    const from = request.resourceVersion;
    let backlog: Change[] | undefined = [];
    if (from && from !== '0') {
      backlog = this.store.changesSince(Number(from));
      if (!backlog) {
        write('ERROR', gone(`too old resource version: ${from} (${this.store.resourceVersion})`).toStatus());
        res.end();
        return;
      }
    } else {
      for (const obj of this.store.list(request.resource, { namespace: request.namespace, match: request.match })) write('ADDED', obj);
    }

    const inScope = (obj: KubeObject) => request.namespace === undefined || obj.metadata.namespace === request.namespace;
    const send = (change: Change) => {
      if (change.resource !== request.resource || !inScope(change.object)) return;
      const matchesNow = change.type !== 'DELETED' && request.match(change.object);
      const matchedBefore = change.type === 'DELETED' ? request.match(change.object) : change.type === 'MODIFIED' && request.match(change.old!);
      if (matchesNow) write(matchedBefore ? 'MODIFIED' : 'ADDED', change.object);
      else if (matchedBefore) write('DELETED', change.object);
    };
    for (const change of backlog) send(change);

    const bookmarks = request.allowWatchBookmarks
      ? setInterval(
          () =>
            write('BOOKMARK', {
              kind: request.resource.kind,
              apiVersion: apiVersionOf(request.resource),
              metadata: { resourceVersion: String(this.store.resourceVersion) },
            }),
          this.bookmarkIntervalMs,
        )
      : undefined;
    const timeout = request.timeoutSeconds ? setTimeout(() => close(), request.timeoutSeconds * 1000) : undefined;
    bookmarks?.unref();
    timeout?.unref();
    const close = () => {
      this.watches.delete(send);
      this.closers.delete(close);
      clearInterval(bookmarks);
      clearTimeout(timeout);
      if (!res.writableEnded) res.end();
    };
    this.watches.add(send);
    this.closers.add(close);
    res.on('close', close);
  }
}
