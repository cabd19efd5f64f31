// One client-node informer (ListWatch) that keeps going and says whether it is healthy: on an
// error (which stops a client-node informer) it is started again after a backoff (1 s doubling to
// 30 s, reset by the next successful list). Every completed (re)list is reported with its items
// and resourceVersion, for the relist marker. Watches ask for bookmarks; every list, watch event,
// bookmark or answered watch request is progress, so a watch that hangs shows as stalled (livez).
// The cache keeps each object as `project` leaves it, never the full object.
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';
import { doublingDelay } from '../doubling-delay';

const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 30_000;

export interface WatchedResource<T extends KubernetesObject> {
  name: string; // for logs: nodes, pods, daemonsets
  path: string;
  /** Every object, each passed through `map` (the projection) as it arrives. */
  list(map?: (item: T) => T): Promise<KubernetesListObject<T>>;
  /** What the informer keeps of each object (and hands to the callbacks); the whole object by default. */
  project?(obj: T): T;
  onUpsert(obj: T): void;
  onDelete(obj: T): void;
  /** After the informer has processed a list: what exists at `resourceVersion`. */
  onListed(items: T[], resourceVersion: string): void;
}

export interface InformerHealth {
  name: string;
  /** The first list has been processed. */
  synced: boolean;
  /** The last list, watch event, bookmark or answered watch request. */
  lastProgress: Date;
}

export interface RunningInformer<T extends KubernetesObject> {
  cached(): readonly T[];
  health(): InformerHealth;
  stop(): Promise<void>;
}

type WatchCallback = (phase: string, apiObj: unknown, watchObj?: unknown) => void;

/** Resolves once the first list has been processed (retrying until it can be). */
export function startInformer<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  resource: WatchedResource<T>,
  deps: { clock: Clock; telemetry: Telemetry },
): Promise<RunningInformer<T>> {
  let restarts = 0;
  let cancelRestart: (() => void) | undefined;
  let stopped = false;
  let synced = false;
  let lastProgress = deps.clock.now();
  const progress = () => (lastProgress = deps.clock.now());
  const project = resource.project ?? ((o: T) => o);
  let firstList: () => void = () => undefined;
  const listed = new Promise<void>((resolve) => (firstList = resolve));

  // client-node's Watch, asking for bookmarks, noting progress and projecting what it delivers.
  const inner = new Watch(kubeConfig);
  const watch = {
    async watch(path: string, params: Record<string, unknown>, callback: WatchCallback, done: (err: unknown) => void) {
      let failed = false;
      const controller = await inner.watch(
        path,
        { ...params, allowWatchBookmarks: true },
        (phase, obj, raw) => {
          progress();
          callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? project(obj as T) : obj, raw);
        },
        (err) => {
          failed = err !== null && err !== undefined;
          done(err);
        },
      );
      if (!failed) progress(); // the API server answered
      return controller;
    },
  } as unknown as Watch;

  const informer = new ListWatch<T>(
    resource.path,
    watch,
    async () => {
      const projected = await resource.list(project);
      // The informer applies the list (adds, updates, deletes) synchronously once this resolves:
      // report it after that, so the marker follows the objects it covers.
      setImmediate(() => {
        if (stopped) return;
        restarts = 0;
        synced = true;
        progress();
        deps.telemetry.count(`forwarder.${resource.name}.relists`);
        resource.onListed(projected.items, projected.metadata?.resourceVersion ?? '');
        firstList();
      });
      return projected;
    },
    false,
  );
  informer.on('add', (obj) => resource.onUpsert(obj));
  informer.on('update', (obj) => resource.onUpsert(obj));
  informer.on('delete', (obj) => resource.onDelete(obj));
  const start = (): void => void informer.start().catch(restartLater);
  const restartLater = (error: unknown): void => {
    if (stopped) return;
    const restartIn = doublingDelay(FIRST_RESTART_MS, MAX_RESTART_MS, ++restarts);
    deps.telemetry.warn(`forwarder: ${resource.name} informer failed, restarting`, { inMs: restartIn, error: String(error) });
    deps.telemetry.count(`forwarder.${resource.name}.restarts`);
    cancelRestart = deps.clock.setTimer(restartIn, start);
  };
  informer.on('error', restartLater);

  start();
  return listed.then(() => ({
    cached: () => informer.list(),
    health: () => ({ name: resource.name, synced, lastProgress }),
    stop: async () => {
      stopped = true;
      cancelRestart?.();
      await informer.stop();
    },
  }));
}
