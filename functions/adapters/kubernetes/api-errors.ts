// Classifies what a client-node call threw: the HTTP code and the Status reason when the server
// answered, and whether trying again can help (429 with its Retry-After, 5xx, 401, timeouts, broken
// connections) or cannot (any other 4xx: the request itself is wrong).
import { ApiException } from '@kubernetes/client-node';

export interface ApiFailure {
  code?: number; // HTTP status, when the server answered
  statusReason?: string; // the Status body's reason: AlreadyExists, Conflict, NotFound, …
  message: string;
  retryable: boolean;
  retryAfterSeconds?: number;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { retryAfterSeconds?: number };
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return body as StatusBody;
  try {
    return JSON.parse(String(body)) as StatusBody;
  } catch {
    return { message: body === undefined ? undefined : String(body) };
  }
}

/** The error codes of an error and its causes (undici wraps socket errors in `fetch failed`). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

export function classifyApiError(error: unknown): ApiFailure {
  if (error instanceof ApiException) {
    const code = error.code as number;
    const status = parseStatus(error.body);
    const header = (error.headers as Record<string, string> | undefined)?.['retry-after'];
    const retryAfter = header !== undefined && /^\d+$/.test(header) ? Number(header) : status.details?.retryAfterSeconds;
    return {
      code,
      statusReason: status.reason,
      message: status.message ?? `HTTP ${code}`,
      // 401: the credentials expired or were rotated; the connection drops them, so a retry reads fresh ones.
      retryable: code === 429 || code >= 500 || code === 401,
      ...(retryAfter !== undefined && (code === 429 || code >= 500) ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  const e = error as { name?: string; message?: string };
  const message = e?.message ?? String(error);
  // undici reports every network failure as `TypeError: fetch failed`, the socket error as its cause.
  const networkFailure = e?.name === 'TypeError' && message === 'fetch failed';
  const transient = networkFailure || e?.name === 'TimeoutError' || e?.name === 'AbortError' || errorCodes(error).some((c) => CONNECTION_ERROR_CODES.has(c));
  return { message, retryable: transient };
}

const TIMEOUT_ERROR_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * A failed call's Code dimension for the KubernetesApiFailures metric, from a small fixed set so
 * the metric's series stay few: the 4xx status as is (404, 409, 429, …), every 5xx as `5xx`, a
 * deadline as `timeout`, any other transport failure as `network`, anything else as `other`.
 */
export function failureCode(error: unknown): string {
  if (error instanceof ApiException) {
    const code = error.code as number;
    return code >= 500 ? '5xx' : code >= 400 ? String(code) : 'other';
  }
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || errorCodes(error).some((c) => TIMEOUT_ERROR_CODES.has(c))) return 'timeout';
  return classifyApiError(error).retryable ? 'network' : 'other';
}
