// Kubernetes resourceVersions are comparable (KEP-5504, stable since v1.35): positive integers
// without leading zeros, compared by length then lexically, only within one resource type. Never as
// JS numbers: etcd revisions may outgrow 2^53.
export function compareResourceVersions(a: string, b: string): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

export const isNewer = (candidate: string, than: string): boolean => compareResourceVersions(candidate, than) > 0;
