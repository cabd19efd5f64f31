// Well-known labels and annotations the DaemonSet controller reads and writes (apps/v1 types.go).
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** Deprecated `extensions/v1beta1` label; still honoured by IsPodUpdated. */
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The API server's template generation `G`, on every apps/v1 DaemonSet it returns. */
export const DEPRECATED_TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
