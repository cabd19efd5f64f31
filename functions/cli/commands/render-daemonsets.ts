// `kubectl get ds` output for our DaemonSet resource: the same columns, the same AGE format.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { humanDuration } from '../human-duration';
import { renderTable } from '../render-table';

const COLUMNS = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'];

const nodeSelector = (ds: V1DaemonSet): string => {
  const selector = ds.spec?.template?.spec?.nodeSelector ?? {};
  const pairs = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
};

const age = (ds: V1DaemonSet, now: Date): string => {
  const created = ds.metadata?.creationTimestamp;
  return created ? humanDuration(now.getTime() - new Date(created).getTime()) : '<unknown>';
};

export function renderDaemonSetTable(daemonSets: V1DaemonSet[], now: Date, options: { allNamespaces?: boolean } = {}): string {
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
    ];
    return options.allNamespaces ? [ds.metadata?.namespace ?? '', ...cells] : cells;
  });
  return renderTable(options.allNamespaces ? ['NAMESPACE', ...COLUMNS] : COLUMNS, rows);
}
