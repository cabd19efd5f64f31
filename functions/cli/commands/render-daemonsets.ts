// `kubectl get ds` output for our DaemonSet resource: the same columns, the same AGE format; -o wide
// adds kubectl's CONTAINERS, IMAGES and SELECTOR, the conditions (an InvalidSpec shows here), and
// the CRD's priority-1 printer columns: the rollout's wave and its Paused condition.
import type { V1DaemonSet, V1LabelSelector } from '@kubernetes/client-node';
import { PAUSED } from '../../../domain/rollout-control/conditions';
import { rolloutOf } from '../../../domain/rollout-control/rollout-status';
import { humanDuration } from '../human-duration';
import { renderTable } from '../render-table';

const COLUMNS = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'];
const WIDE_COLUMNS = ['CONTAINERS', 'IMAGES', 'SELECTOR', 'CONDITIONS', 'WAVE', 'PAUSED'];

const nodeSelector = (ds: V1DaemonSet): string => {
  const selector = ds.spec?.template?.spec?.nodeSelector ?? {};
  const pairs = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
};

const age = (ds: V1DaemonSet, now: Date): string => {
  const created = ds.metadata?.creationTimestamp;
  return created ? humanDuration(now.getTime() - new Date(created).getTime()) : '<unknown>';
};

/** A label selector as kubectl prints it (metav1.LabelSelectorAsSelector's String). */
export function renderSelector(selector: V1LabelSelector | undefined): string {
  const terms = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector?.matchExpressions ?? []).map((e) => {
      switch (e.operator) {
        case 'In':
          return `${e.key} in (${(e.values ?? []).join(',')})`;
        case 'NotIn':
          return `${e.key} notin (${(e.values ?? []).join(',')})`;
        case 'Exists':
          return e.key;
        case 'DoesNotExist':
          return `!${e.key}`;
        default:
          return `${e.key} ${e.operator}`;
      }
    }),
  ].sort();
  return terms.length === 0 ? '<none>' : terms.join(',');
}

const wideCells = (ds: V1DaemonSet): string[] => {
  const containers = ds.spec?.template?.spec?.containers ?? [];
  const conditions = ds.status?.conditions ?? [];
  return [
    containers.map((c) => c.name).join(',') || '<none>',
    containers.map((c) => c.image ?? '').join(',') || '<none>',
    renderSelector(ds.spec?.selector),
    conditions.map((c) => `${c.type}=${c.status}`).join(',') || '<none>',
    rolloutOf(ds.status)?.currentWave ?? '<none>',
    conditions.find((c) => c.type === PAUSED)?.status ?? '<none>',
  ];
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
      ...(options.wide ? wideCells(ds) : []),
    ];
    return options.allNamespaces ? [ds.metadata?.namespace ?? '', ...cells] : cells;
  });
  const header = options.wide ? [...COLUMNS, ...WIDE_COLUMNS] : COLUMNS;
  return renderTable(options.allNamespaces ? ['NAMESPACE', ...header] : header, rows);
}
