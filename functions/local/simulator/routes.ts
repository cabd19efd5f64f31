// Maps a request path onto a resource: /api/v1/… for the core group, /apis/<group>/<version>/…
// for others; namespaced resources under namespaces/<ns>/, with an optional /status subresource.
import { RESOURCES, type ResourceType } from './resources';

export interface ResourceRoute {
  resource: ResourceType;
  namespace?: string; // undefined: cluster-scoped, or all namespaces for a namespaced list/watch
  name?: string;
  subresource?: 'status';
}

/** `/api/v1` or `/apis/<group>/<version>`: where a resource's group version is served. */
export const groupVersionPath = (r: ResourceType): string => `${r.group ? `/apis/${r.group}` : '/api'}/${r.version}`;

export function parseResourcePath(pathname: string): ResourceRoute | undefined {
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  const prefixLength = segments[0] === 'api' ? 2 : segments[0] === 'apis' ? 3 : 0;
  if (prefixLength === 0 || segments.length <= prefixLength) return undefined;
  const prefix = `/${segments.slice(0, prefixLength).join('/')}`;
  const rest = segments.slice(prefixLength);
  const candidates = RESOURCES.filter((r) => groupVersionPath(r) === prefix);
  if (candidates.length === 0) return undefined;
  const find = (plural: string | undefined) => candidates.find((r) => r.plural === plural);
  let namespace: string | undefined;
  // namespaces/<ns>/<plural>… addresses a namespaced resource; namespaces[/<name>] is the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const resource = find(rest[0]);
  if (!resource || (namespace !== undefined && !resource.namespaced) || rest.length > 3) return undefined;
  const subresource = rest[2];
  if (subresource !== undefined && (subresource !== 'status' || !resource.hasStatus)) return undefined;
  return { resource, namespace, name: rest[1], subresource: subresource as 'status' | undefined };
}
