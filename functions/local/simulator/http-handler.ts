// The HTTP face of the simulator: bearer-token check, discovery, and the REST verbs per route
// (get, list, watch, create, update, patch, delete), answering errors with Status bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { V1DeleteOptions } from '@kubernetes/client-node';
import { discoveryDocument } from './discovery';
import { openApiDocument } from './openapi';
import type { Faults, Verb } from './faults';
import type { Registry, Writer } from './registry';
import { admitDaemonSet } from './admission';
import { applyPatch } from './patch';
import { apiVersionOf, DAEMONSETS } from './resources';
import { parseResourcePath, type ResourceRoute } from './routes';
import { parseFieldSelector, parseLabelSelector, type KubeObject } from './selectors';
import { badRequest, invalidFields, methodNotAllowed, StatusError } from './status-error';
import { asTable, wantsTable } from './table';
import type { WatchHub } from './watch';

export interface HandlerDeps {
  registry: Registry;
  watches: WatchHub;
  faults: Faults;
  /** Validate DaemonSets on create and update (the CRD's x-kubernetes-validations). */
  admission: boolean;
  /** Told of every API request before it is served (tests measure request rates with it). */
  onRequest?: (verb: Verb, path: string) => void;
  /** The bearer token accepted now (read per request: a test may rotate it). */
  token: () => string;
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, error: StatusError): void {
  const retryAfter = error.details.retryAfterSeconds;
  send(res, error.code, error.toStatus(), retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {});
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

function verbOf(method: string | undefined, route: ResourceRoute, query: URLSearchParams): Verb {
  const watching = query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET':
      return route.name ? 'get' : watching ? 'watch' : 'list';
    case 'POST':
      if (!route.name) return 'create';
      break;
    case 'PUT':
      if (route.name) return 'update';
      break;
    case 'PATCH':
      if (route.name) return 'patch';
      break;
    case 'DELETE':
      if (route.name) return 'delete';
      break;
  }
  throw methodNotAllowed(method ?? '');
}

function deleteOptions(body: unknown, query: URLSearchParams): V1DeleteOptions {
  const options = { ...(body as V1DeleteOptions | undefined) };
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) options.gracePeriodSeconds = Number(grace);
  const policy = query.get('propagationPolicy');
  if (policy !== null) options.propagationPolicy = policy;
  if (query.get('orphanDependents') !== null) options.orphanDependents = query.get('orphanDependents') === 'true';
  return options;
}

/** The request's field manager: `?fieldManager=`, else the user agent's program name (before the first `/`). */
function writerOf(req: IncomingMessage, query: URLSearchParams): Writer {
  const manager = query.get('fieldManager') || (req.headers['user-agent'] ?? '').split('/')[0] || 'unknown';
  return { manager, operation: (req.headers['content-type'] ?? '').includes('apply-patch') ? 'Apply' : 'Update' };
}

/**
 * `limit` and `continue`: one page of a list in key order, and a token for the rest that carries
 * the first page's resourceVersion and the last key served. The API server serves every page from
 * the first page's snapshot; the simulator serves later pages from the objects as they are then
 * (a client that watches from the list's resourceVersion converges either way).
 */
function paginate(
  items: KubeObject[],
  query: URLSearchParams,
  currentVersion: string,
): { items: KubeObject[]; metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number } } {
  const limit = Number(query.get('limit') ?? 0);
  const token = query.get('continue');
  let from: { rv: string; key: string } | undefined;
  if (token) {
    try {
      from = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: string; key: string };
    } catch {
      throw badRequest('continue: the continue token is not valid');
    }
    if (typeof from?.rv !== 'string' || typeof from.key !== 'string') throw badRequest('continue: the continue token is not valid');
  }
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: must be a non-negative integer, not ${JSON.stringify(query.get('limit'))}`);
  const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const rest = from ? items.filter((o) => keyOf(o) > from.key) : items;
  const resourceVersion = from?.rv ?? currentVersion;
  if (limit === 0 || rest.length <= limit) return { items: rest, metadata: { resourceVersion } };
  const page = rest.slice(0, limit);
  const next = Buffer.from(JSON.stringify({ rv: resourceVersion, key: keyOf(page.at(-1)!) })).toString('base64url');
  return { items: page, metadata: { resourceVersion, continue: next, remainingItemCount: rest.length - limit } };
}

export function createHttpHandler({ registry, watches, faults, token, admission, onRequest }: HandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      // A wrong token is refused. No token is let in: kubectl sends no credentials over plain HTTP
      // (the simulator is the old insecure port of an API server, on loopback only).
      const auth = req.headers.authorization;
      if (auth !== undefined && auth !== `Bearer ${token()}`) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
      const url = new URL(req.url ?? '/', 'http://simulator');
      const query = url.searchParams;
      const route = parseResourcePath(url.pathname);
      if (!route) {
        const doc = req.method === 'GET' ? (discoveryDocument(url.pathname) ?? openApiDocument(url.pathname)) : undefined;
        if (!doc) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
        return send(res, 200, doc);
      }
      const verb = verbOf(req.method, route, query);
      onRequest?.(verb, url.pathname);
      const fault = faults.take(verb, url.pathname);
      if (fault === 'hang') return; // no answer; the connection stays open until the client gives up or the server closes
      if (fault) return sendError(res, fault);
      const { resource, namespace, name, subresource } = route;
      const dryRun = query.getAll('dryRun').includes('All'); // the server's dry run: validated, answered, not stored
      const body = verb === 'get' || verb === 'list' || verb === 'watch' ? undefined : await readBody(req);
      if (admission && resource === DAEMONSETS && subresource === undefined && (verb === 'create' || verb === 'update' || verb === 'patch')) {
        const current = verb === 'patch' ? registry.get(resource, namespace, name!) : undefined;
        admitDaemonSet(current ? (applyPatch(current, req.headers['content-type'] ?? '', body) as KubeObject) : (body as KubeObject), name);
      }
      if (resource.view) return send(res, verb === 'create' ? 201 : 200, serveView(registry, route, verb, body, query, writerOf(req, query), dryRun, req));
      switch (verb) {
        case 'get':
          return send(
            res,
            200,
            wantsTable(req) ? asTable(resource, [registry.get(resource, namespace, name!)], registry.clock.now()) : registry.get(resource, namespace, name!),
          );
        case 'list':
        case 'watch': {
          const labels = parseLabelSelector(query.get('labelSelector'));
          const fields = parseFieldSelector(query.get('fieldSelector'), resource.fields);
          const match = (o: KubeObject) => labels(o) && fields(o);
          if (verb === 'watch') {
            const timeout = query.get('timeoutSeconds');
            return watches.serve(
              {
                resource,
                namespace,
                match,
                resourceVersion: query.get('resourceVersion') ?? undefined,
                allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
                timeoutSeconds: timeout ? Number(timeout) : undefined,
              },
              res,
            );
          }
          const nodeName = /^spec\.nodeName==?([^,]+)$/.exec(query.get('fieldSelector') ?? '')?.[1];
          const all = registry.store.list(resource, { namespace, nodeName, match });
          const page = paginate(all, query, String(registry.store.resourceVersion));
          if (wantsTable(req)) return send(res, 200, asTable(resource, page.items, registry.clock.now(), page.metadata.resourceVersion));
          return send(res, 200, { kind: resource.listKind, apiVersion: apiVersionOf(resource), ...page });
        }
        case 'create':
          return send(res, 201, registry.create(resource, namespace, body as KubeObject, writerOf(req, query), dryRun));
        case 'update':
          return send(res, 200, registry.update(resource, namespace, name!, body as KubeObject, subresource, writerOf(req, query), dryRun));
        case 'patch':
          return send(res, 200, registry.patch(resource, namespace, name!, req.headers['content-type'] ?? '', body, subresource, writerOf(req, query)));
        case 'delete':
          return send(res, 200, registry.delete(resource, namespace, name!, deleteOptions(body, query)));
      }
    } catch (error) {
      if (error instanceof StatusError) return sendError(res, error);
      sendError(res, new StatusError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`));
    }
  };
}

/**
 * A resource served as a view of another's storage (events.k8s.io/v1 Events over core/v1's): the
 * request converted to the stored form, the answer back. Watch and patch are not served on a view.
 */
function serveView(
  registry: Registry,
  route: ResourceRoute,
  verb: Verb,
  body: unknown,
  query: URLSearchParams,
  writer: Writer,
  dryRun: boolean,
  req: IncomingMessage,
): unknown {
  const { resource, namespace, name } = route;
  const { storage, fromStorage, toStorage, createErrors } = resource.view!;
  switch (verb) {
    case 'get': {
      const stored = registry.get(storage, namespace, name!);
      return wantsTable(req) ? asTable(storage, [stored], registry.clock.now()) : fromStorage(stored);
    }
    case 'list': {
      const labels = parseLabelSelector(query.get('labelSelector'));
      const fields = parseFieldSelector(query.get('fieldSelector'), resource.fields);
      const items = registry.store.list(storage, { namespace, match: (o) => labels(o) && fields(o) });
      const resourceVersion = String(registry.store.resourceVersion);
      if (wantsTable(req)) return asTable(storage, items, registry.clock.now(), resourceVersion);
      return { kind: resource.listKind, apiVersion: apiVersionOf(resource), metadata: { resourceVersion }, items: items.map(fromStorage) };
    }
    case 'create': {
      const event = body as KubeObject;
      if (event?.apiVersion && event.apiVersion !== apiVersionOf(resource))
        throw badRequest(`the API version in the data (${event.apiVersion}) does not match the expected API version (${apiVersionOf(resource)})`);
      const errors = createErrors(event);
      if (errors.length > 0) throw invalidFields(resource, event?.metadata?.name ?? '', errors);
      return fromStorage(registry.create(storage, namespace, toStorage(event), writer, dryRun));
    }
    case 'update':
      return fromStorage(registry.update(storage, namespace, name!, toStorage(body as KubeObject), undefined, writer, dryRun));
    case 'delete':
      return fromStorage(registry.delete(storage, namespace, name!, deleteOptions(body, query)));
    default:
      throw methodNotAllowed(verb);
  }
}
