// kubectl's words for an API server's refusal: `Error from server (NotFound): daemonsets… "x" not
// found`, and an Invalid object's message alone, as kubectl prints them. Duck-typed on client-node's
// ApiException (code, body) so main.ts need not load client-node to report one.
interface Status {
  kind?: string;
  reason?: string;
  message?: string;
  details?: { kind?: string; name?: string; causes?: { field?: string; message?: string }[] };
}

function statusOf(body: unknown): Status | undefined {
  if (typeof body === 'string') {
    try {
      return statusOf(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null && (body as Status).kind === 'Status' ? (body as Status) : undefined;
}

export function apiErrorMessage(error: unknown): string | undefined {
  if (typeof (error as { code?: unknown })?.code !== 'number') return undefined;
  const status = statusOf((error as { body?: unknown }).body);
  if (!status?.message) return undefined;
  const causes = status.details?.causes ?? [];
  if (status.reason === 'Invalid' && causes.length > 0) {
    const lines = causes.map((c) => `${c.field}: ${c.message}`);
    return `The ${status.details?.kind} ${JSON.stringify(status.details?.name ?? '')} is invalid: ${lines.length === 1 ? lines[0] : lines.map((l) => `\n* ${l}`).join('')}`;
  }
  return status.reason === 'Invalid' ? status.message : `Error from server (${status.reason ?? 'Unknown'}): ${status.message}`;
}
