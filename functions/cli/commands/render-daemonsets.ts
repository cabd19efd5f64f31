// `kubectl get ds` output for our DaemonSet resource: the same columns, the same AGE format.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { PAUSED } from '../../../domain/rollout-control/conditions';
import { rolloutOf } from '../../../domain/rollout-control/rollout-status';
import { humanDuration } from '../human-duration';
import { renderTable } from '../render-table';

const COLUMNS = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'];
/** -o wide: the CRD's priority-1 printer columns, the rollout's wave and its Paused condition. */
const WIDE_COLUMNS = ['WAVE', 'PAUSED'];

const wide = (ds: V1DaemonSet): string[] => [
  rolloutOf(ds.status)?.currentWave ?? '<none>',
  ds.status?.conditions?.find((c) => c.type === PAUSED)?.status ?? '<none>',
];

const nodeSelector = (ds: V1DaemonSet): string => {
  const selector = ds.spec?.template?.spec?.nodeSelector ?? {};
  const pairs = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
};

const age = (ds: V1DaemonSet, now: Date): string => {
  const created = ds.metadata?.creationTimestamp;
  return created ? humanDuration(now.getTime() - new Date(created).getTime()) : '<unknown>';
};

export function renderDaemonSetTable(daemonSets: V1DaemonSet[], now: Date, options: { allNamespaces?: boolean; wide?: boolean } = {}): string {
  if (daemonSets.length === 0) return '';
  const rows = daemonSets.map((ds) => {
    const s = ds.status;
    const cells = [
      ds.metadata?.name ?? '',
      String(s?.desiredNumberScheduled ?? 0),
      String(s?.currentNumberScheduled ?? 0),
      String(s?.numberReady ?? 0),
      String(s?.updatedNumberScheduled ?? 0),
      String(s?.numberAvailable ?? 0),
      nodeSelector(ds),
      age(ds, now),
      ...(options.wide ? wide(ds) : []),
    ];
    return options.allNamespaces ? [ds.metadata?.namespace ?? '', ...cells] : cells;
  });
  const columns = options.wide ? [...COLUMNS, ...WIDE_COLUMNS] : COLUMNS;
  return renderTable(options.allNamespaces ? ['NAMESPACE', ...columns] : columns, rows);
}
