// Label and field selectors in the API's query syntax (labelSelector=…, fieldSelector=…).
// Labels: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k` (does not exist).
// Fields: `path=v`, `path==v`, `path!=v` over the paths each resource supports.
import { badRequest } from './status-error';

export type ObjectMatcher = (obj: KubeObject) => boolean;

/** Any stored object: what the simulator reads of it is metadata, spec and status. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    finalizers?: string[];
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

const always: ObjectMatcher = () => true;

/** Splits on commas outside parentheses. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0,
    start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '(') depth++;
    else if (selector[i] === ')') depth--;
    else if (selector[i] === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const LABEL_KEY = /^([a-z0-9A-Z.\-_/]+)$/;

function labelRequirement(req: string): (labels: Record<string, string>) => boolean {
  let m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(req);
  if (m) {
    const key = m[1]!,
      values = new Set(m[3]!.split(',').map((v) => v.trim()));
    return m[2] === 'in' ? (l) => key in l && values.has(l[key]!) : (l) => !(key in l) || !values.has(l[key]!);
  }
  m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(req);
  if (m) {
    const key = m[1]!,
      value = m[3]!;
    return m[2] === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^!\s*(\S+)$/.exec(req);
  if (m && LABEL_KEY.test(m[1]!)) {
    const key = m[1]!;
    return (l) => !(key in l);
  }
  if (LABEL_KEY.test(req)) return (l) => req in l;
  throw badRequest(`unable to parse requirement: found '${req}', expected: in, notin, =, ==, !=, gt, lt`);
}

export function parseLabelSelector(selector: string | null | undefined): ObjectMatcher {
  if (!selector) return always;
  const reqs = requirements(selector).map(labelRequirement);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

export type FieldGetter = (obj: KubeObject) => string | undefined;

export function parseFieldSelector(selector: string | null | undefined, fields: Record<string, FieldGetter>): ObjectMatcher {
  if (!selector) return always;
  const reqs = requirements(selector).map((req) => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(req);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${req}'`);
    const get = fields[m[1]!];
    if (!get) throw badRequest(`field label not supported: ${m[1]}`);
    const value = m[3]!;
    return m[2] === '!=' ? (o: KubeObject) => (get(o) ?? '') !== value : (o: KubeObject) => (get(o) ?? '') === value;
  });
  return (obj) => reqs.every((r) => r(obj));
}
