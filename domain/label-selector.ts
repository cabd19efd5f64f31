// Label requirements and selectors (apimachinery labels/selector.go, metav1 LabelSelectorAsSelector).
// A requirement compiles once into a predicate, so matching thousands of pods or nodes stays linear.
import type { V1LabelSelector } from '@kubernetes/client-node';

export type Labels = Record<string, string> | undefined;
export type Matcher = (labels: Labels) => boolean;
export interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const INTEGER = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n),
  INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): a signed base-10 integer within int64, else undefined. */
function parseInt64(s: unknown): bigint | undefined {
  if (typeof s !== 'string' || !INTEGER.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** labels.Set.Lookup: the label's own value only — a key such as "constructor" is absent unless set. */
const lookup = (labels: Labels, key: string): string | undefined => (labels != null && Object.hasOwn(labels, key) ? labels[key] : undefined);

/** A qualified label key: an optional DNS-subdomain prefix and `/`, then a name of ≤ 63 characters. */
function labelKeyError(key: unknown): string | undefined {
  if (typeof key !== 'string' || key === '') return 'label key must be non-empty';
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `invalid label key prefix ${JSON.stringify(prefix)}`;
  if (name.length > 63 || !NAME.test(name)) return `invalid label key ${JSON.stringify(key)}`;
  return undefined;
}

function labelValueError(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'label value must be a string';
  if (value !== '' && (value.length > 63 || !NAME.test(value))) return `invalid label value ${JSON.stringify(value)}`;
  return undefined;
}

/**
 * Compiles a requirement, or returns why it cannot be parsed. `numeric` admits Gt/Lt (node
 * selectors only); their single value and the label value must be base-10 integers.
 */
export function compileRequirement(r: Requirement, numeric: boolean): Matcher | string {
  const keyError = labelKeyError(r?.key);
  if (keyError) return keyError;
  const values = r.values ?? [];
  if (!Array.isArray(values)) return `values of ${r.key} must be a list`;
  const { key } = r;
  switch (r.operator) {
    case 'In':
    case 'NotIn': {
      if (values.length === 0) return `${r.operator} on ${key} needs at least one value`;
      const bad = values.map(labelValueError).find(Boolean);
      if (bad) return bad;
      const set = new Set(values);
      return r.operator === 'In'
        ? (labels) => {
            const v = lookup(labels, key);
            return v !== undefined && set.has(v);
          }
        : (labels) => {
            const v = lookup(labels, key);
            return v === undefined || !set.has(v);
          };
    }
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) return `${r.operator} on ${key} takes no values`;
      return r.operator === 'Exists' ? (labels) => lookup(labels, key) !== undefined : (labels) => lookup(labels, key) === undefined;
    case 'Gt':
    case 'Lt': {
      if (!numeric) return `unsupported operator ${JSON.stringify(r.operator)}`;
      // NewRequirement: exactly one value, an int64, and (as for every operator) a valid label value — so no sign.
      const bound = values.length === 1 && labelValueError(values[0]) === undefined ? parseInt64(values[0]) : undefined;
      if (bound === undefined) return `${r.operator} on ${key} needs exactly one integer value`;
      const gt = r.operator === 'Gt';
      return (labels) => {
        const v = parseInt64(lookup(labels, key));
        if (v === undefined) return false;
        return gt ? v > bound : v < bound;
      };
    }
    default:
      return `unsupported operator ${JSON.stringify(r?.operator)}`;
  }
}

/** Why a LabelSelector is unusable, or undefined. An absent selector is not an error here. */
export function labelSelectorError(selector: V1LabelSelector | undefined): string | undefined {
  if (selector === undefined || selector === null) return undefined;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const error = labelKeyError(key) ?? labelValueError(value);
    if (error) return error;
  }
  const expressions = selector.matchExpressions ?? [];
  if (!Array.isArray(expressions)) return 'matchExpressions must be a list';
  for (const r of expressions) {
    const compiled = compileRequirement(r as Requirement, false);
    if (typeof compiled === 'string') return compiled;
  }
  return undefined;
}

/** An absent selector selects nothing, an empty one everything, an invalid one nothing. */
export function compileLabelSelector(selector: V1LabelSelector | undefined): Matcher {
  if (selector === undefined || selector === null || labelSelectorError(selector)) return () => false;
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = (selector.matchExpressions ?? []).map((r) => compileRequirement(r as Requirement, false) as Matcher);
  return (labels) => {
    for (const [k, v] of matchLabels) if (labels?.[k] !== v) return false;
    for (const matches of expressions) if (!matches(labels)) return false;
    return true;
  };
}

export function selectorMatches(selector: V1LabelSelector | undefined, labels: Labels): boolean {
  return compileLabelSelector(selector)(labels);
}
