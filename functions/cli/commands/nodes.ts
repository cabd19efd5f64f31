// `daemonloop nodes add|remove|label|taint` on the simulated cluster of a running `up`:
//   nodes add NAME [--label k=v]… [--taint k=v:Effect]…
//   nodes remove NAME
//   nodes label NAME k=v… | k-…          (k- removes the label)
//   nodes taint NAME k[=v]:Effect… | k:Effect-…   (a trailing - removes the taint)
import type { V1Taint } from '@kubernetes/client-node';
import { clusterOf } from '../connect';
import type { CliIo } from '../io';
import { listOption, UsageError, type CommandOptions } from '../options';

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

export function parseTaint(spec: string): { taint: V1Taint; remove: boolean } {
  const remove = spec.endsWith('-');
  const body = remove ? spec.slice(0, -1) : spec;
  const match = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(body);
  if (!match || !EFFECTS.has(match[3]!)) throw new UsageError(`a taint is key[=value]:NoSchedule|PreferNoSchedule|NoExecute, got ${JSON.stringify(spec)}`);
  return { taint: { key: match[1]!, ...(match[2] ? { value: match[2] } : {}), effect: match[3]! }, remove };
}

export function parseLabel(spec: string): [string, string | null] {
  if (spec.endsWith('-') && !spec.includes('=')) return [spec.slice(0, -1), null];
  const i = spec.indexOf('=');
  if (i <= 0) throw new UsageError(`a label is key=value (or key- to remove it), got ${JSON.stringify(spec)}`);
  return [spec.slice(0, i), spec.slice(i + 1)];
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const [verb, name, ...rest] = options.positionals;
  if (!name) throw new UsageError(`nodes ${verb ?? ''} needs a node name`);
  const { cp } = clusterOf(options);
  switch (verb) {
    case 'add': {
      const labels = Object.fromEntries(listOption(options, 'label').map(parseLabel)) as Record<string, string>;
      await cp.addNode(
        name,
        labels,
        listOption(options, 'taint').map((t) => parseTaint(t).taint),
      );
      io.out(`node/${name} created`);
      return 0;
    }
    case 'remove':
      await cp.removeNode(name);
      io.out(`node/${name} deleted`);
      return 0;
    case 'label':
      await cp.labelNode(name, Object.fromEntries(rest.map(parseLabel)));
      io.out(`node/${name} labeled`);
      return 0;
    case 'taint':
      for (const spec of rest) {
        const { taint, remove } = parseTaint(spec);
        await cp.taintNode(name, taint, remove);
      }
      io.out(`node/${name} ${rest.some((s) => s.endsWith('-')) ? 'untainted' : 'tainted'}`);
      return 0;
    default:
      throw new UsageError(`nodes: unknown action ${JSON.stringify(verb)} (add, remove, label, taint)`);
  }
}
