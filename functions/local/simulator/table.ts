// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): the columns
// `kubectl get nodes,pods` and `kubectl get dlds` show, with the custom resource's printer columns.
import type { IncomingMessage } from 'node:http';
import type { V1ContainerStatus, V1NodeCondition } from '@kubernetes/client-node';
import { DAEMONSET_PRINTER_COLUMNS } from '../../adapters/kubernetes/custom-resource';
import { DAEMONSETS, EVENTS, NODES, PODS, type ResourceType } from './resources';
import type { KubeObject } from './selectors';

export const wantsTable = (req: IncomingMessage): boolean => /as=Table/.test(req.headers.accept ?? '');

/** kubectl's HumanDuration, shortened: 45s, 12m, 5h, 3d. */
function age(since: string | undefined, now: Date): string {
  if (!since) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(since).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** The value at a JSONPath of the forms the printer columns use: `.a.b.c`, and `.list[?(@.key=="v")].c` (the first match). */
const at = (obj: unknown, path: string): unknown =>
  (path.match(/\[\?\(@\.\w+=="[^"]*"\)\]|[^.[\]]+/g) ?? []).reduce<unknown>((o, step) => {
    const filter = /^\[\?\(@\.(\w+)=="([^"]*)"\)\]$/.exec(step);
    if (filter) return Array.isArray(o) ? o.find((item) => (item as Record<string, unknown>)?.[filter[1]!] === filter[2]) : undefined;
    return o && typeof o === 'object' ? (o as Record<string, unknown>)[step] : undefined;
  }, obj);

interface Column {
  name: string;
  priority?: number;
  cell: (o: KubeObject, now: Date) => string | number;
}

const nodeColumns: Column[] = [
  {
    name: 'Status',
    cell: (o) => {
      const ready = (o.status?.conditions as V1NodeCondition[] | undefined)?.find((c) => c.type === 'Ready')?.status === 'True';
      return `${ready ? 'Ready' : 'NotReady'}${o.spec?.unschedulable ? ',SchedulingDisabled' : ''}`;
    },
  },
  {
    name: 'Roles',
    cell: (o) =>
      Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice(24))
        .join(',') || '<none>',
  },
  { name: 'Age', cell: (o, now) => age(o.metadata.creationTimestamp, now) },
  { name: 'Version', cell: (o) => String(at(o, '.status.nodeInfo.kubeletVersion') ?? '') },
];

const podColumns: Column[] = [
  {
    name: 'Ready',
    cell: (o) => {
      const statuses = (o.status?.containerStatuses as V1ContainerStatus[] | undefined) ?? [];
      return `${statuses.filter((s) => s.ready).length}/${((o.spec?.containers as unknown[] | undefined) ?? []).length}`;
    },
  },
  {
    name: 'Status',
    cell: (o) => {
      if (o.metadata.deletionTimestamp) return 'Terminating';
      const waiting = ((o.status?.containerStatuses as V1ContainerStatus[] | undefined) ?? []).find((s) => s.state?.waiting?.reason)?.state?.waiting?.reason;
      return waiting ?? String(o.status?.phase ?? 'Pending');
    },
  },
  { name: 'Restarts', cell: (o) => ((o.status?.containerStatuses as V1ContainerStatus[] | undefined) ?? []).reduce((n, s) => n + s.restartCount, 0) },
  { name: 'Age', cell: (o, now) => age(o.metadata.creationTimestamp, now) },
  { name: 'IP', priority: 1, cell: (o) => String(o.status?.podIP ?? '<none>') },
  { name: 'Node', priority: 1, cell: (o) => String(o.spec?.nodeName ?? '<none>') },
  { name: 'Nominated Node', priority: 1, cell: () => '<none>' },
  { name: 'Readiness Gates', priority: 1, cell: () => '<none>' },
];

const daemonSetColumns: Column[] = DAEMONSET_PRINTER_COLUMNS.map((c) => ({
  name: c.name,
  ...('priority' in c ? { priority: c.priority } : {}),
  cell: (o: KubeObject, now: Date) => {
    const value = at(o, c.jsonPath);
    if (c.type === 'date') return age(value as string | undefined, now);
    if (value && typeof value === 'object')
      return Object.entries(value)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',');
    return value === undefined ? (c.type === 'integer' ? 0 : '<none>') : (value as string | number);
  },
}));

const namespaceColumns: Column[] = [
  { name: 'Status', cell: (o) => String(o.status?.phase ?? '') },
  { name: 'Age', cell: (o, now) => age(o.metadata.creationTimestamp, now) },
];

const eventColumns: Column[] = [
  { name: 'Last Seen', cell: (o, now) => age((o.lastTimestamp as string | undefined) ?? o.metadata.creationTimestamp, now) },
  { name: 'Type', cell: (o) => String(o.type ?? '') },
  { name: 'Reason', cell: (o) => String(o.reason ?? '') },
  { name: 'Object', cell: (o) => `${String(at(o, '.involvedObject.kind') ?? '').toLowerCase()}/${String(at(o, '.involvedObject.name') ?? '')}` },
  { name: 'Message', cell: (o) => String(o.message ?? '') },
];

const columnsOf = (r: ResourceType): Column[] =>
  r === NODES ? nodeColumns : r === PODS ? podColumns : r === DAEMONSETS ? daemonSetColumns : r === EVENTS ? eventColumns : namespaceColumns;

export function asTable(resource: ResourceType, items: KubeObject[], now: Date, resourceVersion?: string): object {
  const columns = columnsOf(resource);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
      ...columns.map((c) => ({ name: c.name, type: 'string', format: '', description: c.name, priority: c.priority ?? 0 })),
    ],
    rows: items.map((o) => ({
      cells: [o.metadata.name, ...columns.map((c) => c.cell(o, now))],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
