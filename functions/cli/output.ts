// kubectl's -o: json and yaml print the object (one) or a List (several), name prints
// `daemonset.daemonloop.dev/NAME`, wide a table with more columns; --json stays as -o json.
import { DAEMONSET_GROUP, DAEMONSET_SINGULAR } from '../adapters/kubernetes/custom-resource';
import { flag, stringOption, UsageError, type CommandOptions } from './options';

export type OutputFormat = 'table' | 'json' | 'yaml' | 'wide' | 'name';
const FORMATS = ['json', 'name', 'wide', 'yaml'] as const;

export function outputFormatOf(options: CommandOptions, allowed: readonly OutputFormat[] = FORMATS): OutputFormat {
  const given = stringOption(options, 'output') ?? (flag(options, 'json') ? 'json' : undefined);
  if (given === undefined) return 'table';
  if (!(allowed as readonly string[]).includes(given)) {
    throw new UsageError(
      `unable to match a printer suitable for the output format "${given}", allowed formats are: ${[...allowed]
        .filter((f) => f !== 'table')
        .sort()
        .join(',')}`,
    );
  }
  return given as OutputFormat;
}

/** `daemonset.daemonloop.dev/NAME`, as kubectl's -o name and apply print a resource. */
export const daemonSetRef = (name: string | undefined): string => `${DAEMONSET_SINGULAR}.${DAEMONSET_GROUP}/${name ?? ''}`;

/** Keys in order, as Go's encoding/json writes a custom resource (an unstructured map). */
const sortedKeys = (_key: string, value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value;

/** kubectl's JSON: keys sorted, indented by four spaces. */
export const toJson = (value: unknown): string => JSON.stringify(value, sortedKeys, 4);

/** kubectl's YAML: keys sorted. */
export async function toYaml(value: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(JSON.parse(JSON.stringify(value, sortedKeys))).trimEnd();
}

/** One object as itself, several (or none asked by name) as kubectl's List. */
export function listOrOne<T>(items: T[], one: boolean): T | { apiVersion: 'v1'; kind: 'List'; metadata: { resourceVersion: '' }; items: T[] } {
  return one && items.length === 1 ? items[0]! : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

/** Prints json or yaml of `value`; returns false for the other formats, which the command renders. */
export async function printStructured(format: OutputFormat, value: unknown, out: (text: string) => void): Promise<boolean> {
  if (format === 'json') out(toJson(value));
  else if (format === 'yaml') out(await toYaml(value));
  else return false;
  return true;
}

/** `ds/NAME`, `daemonset/NAME`, `daemonsets.daemonloop.dev/NAME` or plain NAME → NAME. */
export function daemonSetName(arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  const match = /^(ds|dlds|daemonsets?|daemonsets?\.daemonloop\.dev)\/(.+)$/.exec(arg);
  if (match) return match[2];
  if (arg.includes('/')) throw new UsageError(`${JSON.stringify(arg)} is not a DaemonSet: use NAME or ds/NAME`);
  return arg;
}
