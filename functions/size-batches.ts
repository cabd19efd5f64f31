// Splitting a list into requests or items a service accepts: at most `maxCount` entries and
// `maxBytes` bytes each, order kept. An entry larger than `maxBytes` travels alone (the service
// then names it, rather than this function dropping it).
export function sizeBatches<T>(items: readonly T[], sizeOf: (item: T) => number, limits: { maxBytes: number; maxCount?: number }): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length === limits.maxCount || (current.length > 0 && bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
