// An EventBridge event-pattern matcher, so the local bus routes with the very constant the CDK
// rule carries (functions/bus/patterns.ts). Supported: exact values (string, number, boolean,
// null), prefix, suffix, equals-ignore-case, anything-but (a value, a list, or a prefix), exists,
// numeric ranges and $or. An operator outside that list throws: a pattern we cannot evaluate
// must never silently match or drop events.
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    if (field === '$or') return (rule as readonly EventPattern[]).some((alternative) => matchesPattern(alternative, event));
    const value = isObject(event) ? event[field] : undefined;
    if (Array.isArray(rule)) return matchesField(rule, value);
    return isObject(value) && matchesPattern(rule as EventPattern, value);
  });
}

/** A field matches when any of its rules matches any of its values (an array field is a set). */
function matchesField(rules: readonly unknown[], value: unknown): boolean {
  const present = value !== undefined;
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (!isObject(rule)) return present && values.some((v) => v === rule);
    if ('exists' in rule) return rule.exists === present;
    return present && values.some((v) => matchesOperator(rule, v));
  });
}

function matchesOperator(rule: Json, value: unknown): boolean {
  const [operator, ...rest] = Object.keys(rule);
  if (operator === undefined || rest.length > 0) throw new Error(`event pattern: one operator per rule, got ${JSON.stringify(rule)}`);
  const operand = rule[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      // A string, or { 'equals-ignore-case': string } for a case-insensitive prefix or suffix.
      const ignoreCase = isObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string';
      const affix = ignoreCase ? (operand['equals-ignore-case'] as string) : operand;
      if (typeof affix !== 'string')
        throw new Error(`event pattern: ${operator} wants a string or {"equals-ignore-case": string}, got ${JSON.stringify(operand)}`);
      if (typeof value !== 'string') return false;
      const [text, part] = ignoreCase ? [value.toLowerCase(), affix.toLowerCase()] : [value, affix];
      return operator === 'prefix' ? text.startsWith(part) : text.endsWith(part);
    }
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw new Error(`event pattern: equals-ignore-case wants a string, got ${JSON.stringify(operand)}`);
      return typeof value === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'anything-but':
      return !anythingButExcludes(operand, value);
    case 'numeric':
      return typeof value === 'number' && inNumericRange(operand, value);
    default:
      throw new Error(`event pattern: unsupported operator ${JSON.stringify(operator)}`);
  }
}

function anythingButExcludes(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.some((excluded) => excluded === value);
  if (isObject(operand)) return matchesOperator(operand, value);
  return operand === value;
}

const comparisons: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `numeric: ['>', 0, '<=', 5]`: every (operator, bound) pair must hold. */
function inNumericRange(operand: unknown, value: number): boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
    throw new Error(`event pattern: numeric wants [op, number, …], got ${JSON.stringify(operand)}`);
  }
  for (let i = 0; i < operand.length; i += 2) {
    const compare = comparisons[operand[i] as string];
    const bound = operand[i + 1];
    if (!compare || typeof bound !== 'number') throw new Error(`event pattern: bad numeric pair ${JSON.stringify(operand.slice(i, i + 2))}`);
    if (!compare(value, bound)) return false;
  }
  return true;
}
