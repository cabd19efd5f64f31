// PATCH bodies: JSON merge patch (RFC 7386; strategic merge patch is treated as one, which is exact
// for maps and replaces lists wholesale) and JSON patch (RFC 6902, including `test`).
import { StatusError, unsupportedMediaType } from './status-error';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: a null member removes the key, an object merges into the target's, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const invalidPatch = (message: string) => new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);

const pointer = (path: string): string[] => {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalidPatch(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
};

function parentOf(doc: unknown, tokens: string[]): [Record<string, unknown> | unknown[], string] {
  let node: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw invalidPatch(`missing path: /${tokens.join('/')}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw invalidPatch(`missing path: /${tokens.join('/')}`);
  return [node as Record<string, unknown> | unknown[], tokens[tokens.length - 1]!];
}

function read(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const token of pointer(path)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw invalidPatch(`missing value at ${path}`);
  }
  return node;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const [parent, key] = parentOf(doc, tokens);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!(index >= 0 && index <= parent.length)) throw invalidPatch(`index out of range at ${path}`);
    parent.splice(index, 0, value);
  } else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  const [parent, key] = parentOf(doc, tokens);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!(index >= 0 && index < parent.length)) throw invalidPatch(`index out of range at ${path}`);
    parent.splice(index, 1);
  } else {
    if (!(key in parent)) throw invalidPatch(`missing value at ${path}`);
    delete parent[key];
  }
  return doc;
}

function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw invalidPatch('a JSON patch must be an array of operations');
  let doc: unknown = structuredClone(target);
  for (const op of operations as Operation[]) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, structuredClone(op.value));
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace':
        read(doc, op.path);
        doc = add(remove(doc, op.path), op.path, structuredClone(op.value));
        break;
      case 'move': {
        const v = read(doc, op.from ?? '');
        doc = add(remove(doc, op.from ?? ''), op.path, v);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, structuredClone(read(doc, op.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) throw invalidPatch(`testing value ${op.path} failed`);
        break;
      default:
        throw invalidPatch(`unexpected operation ${JSON.stringify((op as { op: unknown }).op)}`);
    }
  }
  return doc;
}

/** Applies a PATCH body according to its content type. */
export function applyPatch(target: unknown, contentType: string, body: unknown): unknown {
  const type = contentType.split(';')[0]!.trim();
  if (type === 'application/json-patch+json') return jsonPatch(target, body);
  if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') return mergePatch(target, body);
  throw unsupportedMediaType(type);
}
