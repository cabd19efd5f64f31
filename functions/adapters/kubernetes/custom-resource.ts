// The project's DaemonSet custom resource: the apps/v1 DaemonSet spec and status under our own
// group, so the built-in controller never acts on it. infra/manifests/crd.yaml declares it
// (test/adapters/kubernetes/crd.test.ts keeps the two in step).
export const DAEMONSET_GROUP = 'daemonloop.dev';
export const DAEMONSET_VERSION = 'v1alpha1';
export const DAEMONSET_API_VERSION = `${DAEMONSET_GROUP}/${DAEMONSET_VERSION}`;
export const DAEMONSET_KIND = 'DaemonSet';
export const DAEMONSET_LIST_KIND = 'DaemonSetList';
export const DAEMONSET_PLURAL = 'daemonsets';
export const DAEMONSET_SINGULAR = 'daemonset';
export const DAEMONSET_SHORT_NAMES = ['dlds'] as const;
export const DAEMONSET_CATEGORIES = ['daemonloop'] as const;
/** `<plural>.<group>`: the CRD's metadata.name and the resource named in API error messages. */
export const DAEMONSET_RESOURCE = `${DAEMONSET_PLURAL}.${DAEMONSET_GROUP}`;

/** The API path of the custom resource, across all namespaces or in one. */
export const daemonSetsPath = (namespace?: string): string =>
  namespace === undefined ? `/apis/${DAEMONSET_API_VERSION}/${DAEMONSET_PLURAL}` : `/apis/${DAEMONSET_API_VERSION}/namespaces/${namespace}/${DAEMONSET_PLURAL}`;

/** The columns of `kubectl get ds`, as JSONPath over our resource (CRD additionalPrinterColumns). */
export const DAEMONSET_PRINTER_COLUMNS = [
  { name: 'Desired', type: 'integer', jsonPath: '.status.desiredNumberScheduled' },
  { name: 'Current', type: 'integer', jsonPath: '.status.currentNumberScheduled' },
  { name: 'Ready', type: 'integer', jsonPath: '.status.numberReady' },
  { name: 'Up-to-date', type: 'integer', jsonPath: '.status.updatedNumberScheduled' },
  { name: 'Available', type: 'integer', jsonPath: '.status.numberAvailable' },
  { name: 'Node Selector', type: 'string', jsonPath: '.spec.template.spec.nodeSelector' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  // -o wide only (priority 1): the rollout-control columns.
  { name: 'Wave', type: 'string', jsonPath: '.status.rollout.currentWave', priority: 1 },
  { name: 'Paused', type: 'string', jsonPath: '.status.conditions[?(@.type=="Paused")].status', priority: 1 },
] as const;
