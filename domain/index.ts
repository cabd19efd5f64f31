// The domain's public contract (docs/DESIGN.md §3): pure functions of their inputs, time included.
export { reconcile } from './reconcile';
export { nodeShouldRunDaemonPod } from './eligibility';
export { templateHash, currentRevision, revisionsToDelete, templateGeneration, type CurrentRevision } from './revisions';
export { podTargetNodeName, daemonPodName, newDaemonPod } from './daemon-pod';
export { selectorMatches } from './label-selector';
export { isPodReady, isPodAvailable } from './pod-readiness';
export { isPodUpdated } from './rolling-update';
export { withDefaults } from './defaults';
export { validateDaemonSet, type ValidationError } from './validation';
export { rolloutStatus, INVALID_SPEC_CONDITION } from './status';
export { BURST_REPLICAS } from './manage';
export { BACKOFF_INITIAL_SECONDS, BACKOFF_MAX_SECONDS } from './backoff';
export {
  CONTROLLER_REVISION_HASH_LABEL,
  POD_TEMPLATE_GENERATION_LABEL,
  DEPRECATED_TEMPLATE_GENERATION_ANNOTATION,
} from './labels';
export * from './waits';
export type * from './types';
