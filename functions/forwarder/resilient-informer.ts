// One client-node informer that keeps going: on an error (which stops a client-node informer)
// it is started again after a backoff (1 s doubling to 30 s, reset by the next successful list).
// Every completed (re)list is reported with its items and resourceVersion, for the relist marker.
import { makeInformer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';
import { doublingDelay } from '../doubling-delay';

const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 30_000;

export interface WatchedResource<T extends KubernetesObject> {
  name: string; // for logs: nodes, pods, daemonsets
  path: string;
  list(): Promise<KubernetesListObject<T>>;
  onUpsert(obj: T): void;
  onDelete(obj: T): void;
  /** After the informer has processed a list: what exists at `resourceVersion`. */
  onListed(items: T[], resourceVersion: string): void;
}

export interface RunningInformer<T extends KubernetesObject> {
  cached(): readonly T[];
  stop(): Promise<void>;
}

/** Resolves once the first list has been processed (retrying until it can be). */
export function startInformer<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  resource: WatchedResource<T>,
  deps: { clock: Clock; telemetry: Telemetry },
): Promise<RunningInformer<T>> {
  let restarts = 0;
  let cancelRestart: (() => void) | undefined;
  let stopped = false;
  let firstList: () => void = () => undefined;
  const listed = new Promise<void>((resolve) => (firstList = resolve));

  const informer = makeInformer<T>(kubeConfig, resource.path, async () => {
    const list = await resource.list();
    // The informer applies the list (adds, updates, deletes) synchronously once this resolves:
    // report it after that, so the marker follows the objects it covers.
    setImmediate(() => {
      if (stopped) return;
      restarts = 0;
      deps.telemetry.count(`forwarder.${resource.name}.relists`);
      resource.onListed(list.items, list.metadata?.resourceVersion ?? '');
      firstList();
    });
    return list;
  });
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
    stop: async () => {
      stopped = true;
      cancelRestart?.();
      await informer.stop();
    },
  }));
}
