// A cluster id begins every stream key of its cluster (`<cluster>/nodes`, …) and names the
// cluster in IAM conditions and event sources, so it must never reach into another key space:
// a DNS-1123 label (no `/`, no `#`), and none of the words the table's own key spaces start with.
/** Key spaces of the event-log table that are not a cluster's: `queue/…`, `registry/…`, `ratelimit/…`, and those of later loops. */
export const RESERVED_CLUSTER_IDS: readonly string[] = ['queue', 'registry', 'ratelimit', 'fleet', 'checkpoint', 'checkpoints', 'snapshot', 'rejected'];

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX_LENGTH = 63;

/** Why `id` cannot be a cluster id (the rule it breaks), or undefined when it can. */
export function clusterIdProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > DNS1123_LABEL_MAX_LENGTH || !DNS1123_LABEL.test(id)) {
    return `cluster id ${JSON.stringify(id)} is not a DNS-1123 label (1–${DNS1123_LABEL_MAX_LENGTH} characters of a-z, 0-9 and '-', starting and ending with a letter or digit)`;
  }
  if (RESERVED_CLUSTER_IDS.includes(id)) return `cluster id ${JSON.stringify(id)} is reserved (the table's own key spaces: ${RESERVED_CLUSTER_IDS.join(', ')})`;
  return undefined;
}
