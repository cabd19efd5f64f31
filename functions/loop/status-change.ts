// Whether a decided status differs from the one the cluster shows: an unchanged status is not
// written (one API call saved per quiet reconcile, as upstream's storeDaemonSetStatus does).
import type { V1DaemonSetStatus } from '@kubernetes/client-node';

/** JSON equality with undefined fields dropped and object keys in any order (dates compare by instant). */
export function sameStatus(a: V1DaemonSetStatus | undefined, b: V1DaemonSetStatus | undefined): boolean {
  return canonical(a ?? {}) === canonical(b ?? {});
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
