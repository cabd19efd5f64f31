// API timestamps arrive as Date from client-node, or as RFC 3339 strings once they have crossed
// JSON (the event log). The domain reads both; a missing or unparsable value is undefined.
export function millisOf(t: unknown): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' || typeof t === 'number' ? new Date(t).getTime() : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
