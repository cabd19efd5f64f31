// Kubernetes `Status` error bodies (metav1.Status), with the reasons and messages the API server
// uses, so clients classify simulator errors exactly as they classify real ones.
import type { V1Status } from '@kubernetes/client-node';

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: {
      name?: string;
      group?: string;
      kind?: string;
      retryAfterSeconds?: number;
      causes?: { reason: string; message: string; field: string }[];
    } = {},
  ) {
    super(message);
  }

  toStatus(): V1Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    };
  }
}

/** Identifies a resource in messages: `pods`, or `daemonsets.daemonloop.dev` for a group's resource. */
export interface ResourceName {
  plural: string;
  group: string;
  kind: string;
}
const qualified = (r: ResourceName) => (r.group ? `${r.plural}.${r.group}` : r.plural);
const details = (r: ResourceName, name: string) => ({ name, group: r.group || undefined, kind: r.plural });

export const notFound = (r: ResourceName, name: string) => new StatusError(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name));

export const alreadyExists = (r: ResourceName, name: string) =>
  new StatusError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, details(r, name));

export const conflict = (r: ResourceName, name: string, why: string) =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, details(r, name));

export const staleResourceVersion = (r: ResourceName, name: string) =>
  conflict(r, name, 'the object has been modified; please apply your changes to the latest version and try again');

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

export const invalid = (r: ResourceName, name: string, message: string) =>
  new StatusError(422, 'Invalid', `${r.kind} "${name}" is invalid: ${message}`, details(r, name));

export const gone = (message: string) => new StatusError(410, 'Expired', message);

export const methodNotAllowed = (method: string) =>
  new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);

export const unsupportedMediaType = (type: string) =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`,
  );

/** The Status a fault injection answers with: the reason the API server gives for that code. */
export function injectedFault(code: number, retryAfterSeconds?: number): StatusError {
  switch (code) {
    case 404:
      return new StatusError(404, 'NotFound', 'the server could not find the requested resource (injected)');
    case 409:
      return new StatusError(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again (injected)');
    case 429:
      return new StatusError(429, 'TooManyRequests', 'Too many requests, please try again later. (injected)', { retryAfterSeconds: retryAfterSeconds ?? 1 });
    case 500:
      return new StatusError(500, 'InternalError', 'Internal error occurred: injected fault');
    case 503:
      return new StatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request (injected)', {
        retryAfterSeconds: retryAfterSeconds ?? 1,
      });
    default:
      return new StatusError(code, 'Unknown', `injected fault ${code}`);
  }
}

/** NewInvalid with field errors: the message as the API server writes it, and the causes kubectl prints. */
export const invalidFields = (r: ResourceName, name: string, errors: readonly { field: string; message: string }[]) => {
  const lines = errors.map((e) => `${e.field}: ${e.message}`);
  return new StatusError(
    422,
    'Invalid',
    `${r.kind}${r.group ? `.${r.group}` : ''} "${name}" is invalid: ${lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`}`,
    {
      ...details(r, name),
      kind: r.kind,
      causes: errors.map((e) => ({ reason: 'FieldValueInvalid', message: e.message, field: e.field })),
    },
  );
};
