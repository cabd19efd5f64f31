// The resources the simulator serves: their names, scope, subresources and selectable fields,
// as the API server's discovery documents describe them.
import {
  DAEMONSET_CATEGORIES,
  DAEMONSET_GROUP,
  DAEMONSET_KIND,
  DAEMONSET_LIST_KIND,
  DAEMONSET_PLURAL,
  DAEMONSET_SHORT_NAMES,
  DAEMONSET_SINGULAR,
  DAEMONSET_VERSION,
} from '../../adapters/kubernetes/custom-resource';
import { coreFromEventsV1, eventsV1CreateErrors, eventsV1FromCore } from './events-v1';
import type { FieldGetter, KubeObject } from './selectors';
import type { ResourceName } from './status-error';

export interface ResourceType extends ResourceName {
  version: string;
  singular: string;
  listKind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  hasStatus: boolean;
  /** metadata.generation counts spec changes (custom resources with a status subresource do). */
  hasGeneration: boolean;
  fields: Record<string, FieldGetter>;
  /** A second view of another resource's objects (events.k8s.io/v1 of core/v1 Events): stored as that resource, converted both ways. */
  view?: {
    storage: ResourceType;
    fromStorage(o: KubeObject): KubeObject;
    toStorage(o: KubeObject): KubeObject;
    createErrors(o: KubeObject): { field: string; message: string }[];
  };
}

export const apiVersionOf = (r: ResourceType): string => (r.group ? `${r.group}/${r.version}` : r.version);

const metadataFields: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
};
export const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export const NODES: ResourceType = {
  plural: 'nodes',
  singular: 'node',
  kind: 'Node',
  listKind: 'NodeList',
  group: '',
  version: 'v1',
  namespaced: false,
  shortNames: ['no'],
  categories: [],
  hasStatus: true,
  hasGeneration: false,
  fields: { 'metadata.name': metadataFields['metadata.name']!, 'spec.unschedulable': (o) => String(o.spec?.unschedulable ?? false) },
};

export const PODS: ResourceType = {
  plural: 'pods',
  singular: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  hasStatus: true,
  hasGeneration: false,
  fields: {
    ...metadataFields,
    'spec.nodeName': (o: KubeObject) => o.spec?.nodeName as string | undefined,
    'status.phase': (o: KubeObject) => o.status?.phase as string | undefined,
  },
};

export const NAMESPACES: ResourceType = {
  plural: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  group: '',
  version: 'v1',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  hasStatus: true,
  hasGeneration: false,
  fields: { 'metadata.name': metadataFields['metadata.name']! },
};

export const DAEMONSETS: ResourceType = {
  plural: DAEMONSET_PLURAL,
  singular: DAEMONSET_SINGULAR,
  kind: DAEMONSET_KIND,
  listKind: DAEMONSET_LIST_KIND,
  group: DAEMONSET_GROUP,
  version: DAEMONSET_VERSION,
  namespaced: true,
  shortNames: DAEMONSET_SHORT_NAMES,
  categories: DAEMONSET_CATEGORIES,
  hasStatus: true,
  hasGeneration: true,
  fields: metadataFields,
};

/** core/v1 Events, with the fields `kubectl describe` selects an object's events by. */
export const EVENTS: ResourceType = {
  plural: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  hasStatus: false,
  hasGeneration: false,
  fields: {
    ...metadataFields,
    ...Object.fromEntries(
      ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [
        `involvedObject.${f}`,
        (o: KubeObject) => (o.involvedObject as Record<string, string> | undefined)?.[f],
      ]),
    ),
    reason: (o: KubeObject) => o.reason as string | undefined,
    type: (o: KubeObject) => o.type as string | undefined,
    source: (o: KubeObject) => (o.source as { component?: string } | undefined)?.component,
  },
};

/** coordination.k8s.io/v1 Leases: what leader election (the forwarder's two replicas) holds. */
export const LEASES: ResourceType = {
  plural: 'leases',
  singular: 'lease',
  kind: 'Lease',
  listKind: 'LeaseList',
  group: 'coordination.k8s.io',
  version: 'v1',
  namespaced: true,
  shortNames: [],
  categories: [],
  hasStatus: false,
  hasGeneration: false,
  fields: metadataFields,
};

const involved = (f: string) => (o: KubeObject) => (o.involvedObject as Record<string, string> | undefined)?.[f];

/** events.k8s.io/v1 Events: the core/v1 Events above, as that API names their fields. */
export const EVENTS_V1: ResourceType = {
  plural: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  group: 'events.k8s.io',
  version: 'v1',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  hasStatus: false,
  hasGeneration: false,
  // Field selectors run on the stored objects: events.k8s.io's names for core/v1's fields.
  fields: {
    ...metadataFields,
    ...Object.fromEntries(['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [`regarding.${f}`, involved(f)])),
    reason: (o: KubeObject) => o.reason as string | undefined,
    type: (o: KubeObject) => o.type as string | undefined,
    reportingController: (o: KubeObject) => o.reportingComponent as string | undefined,
  },
  view: { storage: EVENTS, fromStorage: eventsV1FromCore, toStorage: coreFromEventsV1, createErrors: eventsV1CreateErrors },
};

export const RESOURCES: readonly ResourceType[] = [NODES, PODS, NAMESPACES, DAEMONSETS, EVENTS, EVENTS_V1, LEASES];
