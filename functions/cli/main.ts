// The daemonloop CLI: one table of commands (the CDK CLI's cli-config idea). An entry is a name,
// a description, its options and a loader: a command's file (and what it imports, client-node, the
// AWS SDK…) is loaded only when that command runs, so `--help` or `completion` start in milliseconds.
import './quiet-sdk-warning';
import { parseArgs } from 'node:util';
import { renderCommandHelp, renderUsage, type CommandEntry, type Options } from './help';
import { processIo, type CliIo } from './io';
import { UsageError, type CommandOptions } from './options';
import { apiErrorMessage } from './api-error-message';
import { packageVersion } from './package-root';

/** Selects a cluster as kubectl does ($KUBECONFIG, ~/.kube/config, --context), or a state dir's. */
const cluster: Options = { kubeconfig: { type: 'string' }, context: { type: 'string' }, state: { type: 'string' } };
const namespaced: Options = { ...cluster, namespace: { type: 'string', short: 'n' } };
const output: Options = { output: { type: 'string', short: 'o' }, json: { type: 'boolean' } };

export const COMMANDS: CommandEntry[] = [
  { name: 'up', description: 'Start the local control plane on a simulated cluster (or a real one)', usage: '[--nodes N | --kubeconfig PATH] [--state DIR]', options: { ...cluster, nodes: { type: 'string' } }, load: () => import('./commands/up') },
  { name: 'demo', description: 'What `npm start` runs: a control plane, a DaemonSet, a rollout', usage: '[--nodes N] [--virtual] [--exit] [--json] [--state DIR]', options: { nodes: { type: 'string' }, virtual: { type: 'boolean' }, exit: { type: 'boolean' }, json: { type: 'boolean' }, state: { type: 'string' } }, load: () => import('./commands/demo') },
  { name: 'apply', description: 'Create or update DaemonSets from a file', usage: '-f FILE [--dry-run=none|client|server]', options: { ...namespaced, filename: { type: 'string', short: 'f' }, 'dry-run': { type: 'string' } }, load: () => import('./commands/apply') },
  { name: 'diff', description: 'Show what apply -f would change (exit 1 when it would)', usage: '-f FILE', options: { ...namespaced, filename: { type: 'string', short: 'f' } }, load: () => import('./commands/diff') },
  { name: 'get ds', description: 'List DaemonSets, or print one', usage: '[NAME] [-n NS | -A] [-o json|yaml|wide|name]', options: { ...namespaced, ...output, 'all-namespaces': { type: 'boolean', short: 'A' } }, load: () => import('./commands/get-ds') },
  { name: 'delete ds', description: 'Delete a DaemonSet; --cascade=orphan leaves its pods', usage: 'NAME [--cascade=background|orphan|foreground]', options: { ...namespaced, cascade: { type: 'string' } }, load: () => import('./commands/delete-ds') },
  { name: 'rollout status', description: "Follow a DaemonSet's rollout until it completes", usage: 'ds/NAME [-n NS] [-o json|yaml|name] [--timeout 5m]', options: { ...namespaced, ...output, timeout: { type: 'string' } }, load: () => import('./commands/rollout-status') },
  { name: 'history', description: "A DaemonSet's event log as a timeline; --verify replays its decisions", usage: 'ds/NAME [-n NS] [-o json|yaml|name] [--verify] [--state DIR | --table NAME [--region R]] [--cluster-id ID]', options: { namespace: { type: 'string', short: 'n' }, ...output, verify: { type: 'boolean' }, state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } }, load: () => import('./commands/history') },
  { name: 'cost', description: 'What each daemon fleet costs', usage: '[ds/NAME] [-n NS | -A] [--prices FILE.json] [-o json|yaml|wide|name]', options: { ...namespaced, ...output, 'all-namespaces': { type: 'boolean', short: 'A' }, prices: { type: 'string' } }, load: () => import('./commands/cost') },
  { name: 'nodes', description: 'Add, remove, label or taint nodes of the simulated cluster', usage: 'add NAME [--label k=v]… [--taint k=v:Effect]… | remove NAME | label NAME k=v… | taint NAME k=v:Effect…', options: { ...cluster, label: { type: 'string', multiple: true }, taint: { type: 'string', multiple: true } }, load: () => import('./commands/nodes') },
  { name: 'forward', description: 'Run the watch forwarder against EventBridge', usage: '--cluster-id ID --event-bus NAME', options: { ...cluster, 'cluster-id': { type: 'string' }, 'event-bus': { type: 'string' } }, load: () => import('./commands/forward') },
  { name: 'clusters register', description: 'Add a cluster to the registry in the event-log table', usage: '--cluster-id ID --endpoint URL (--secret-arn ARN | --eks-cluster NAME [--region R]) [--ca-data B64] [--price-table REF] [--table NAME]', options: { 'cluster-id': { type: 'string' }, endpoint: { type: 'string' }, 'secret-arn': { type: 'string' }, 'eks-cluster': { type: 'string' }, region: { type: 'string' }, 'ca-data': { type: 'string' }, 'price-table': { type: 'string' }, table: { type: 'string' } }, load: () => import('./commands/clusters-register') },
  { name: 'completion', description: 'Print a shell completion script', usage: 'bash|zsh', options: {}, load: () => import('./commands/completion') },
];

/** Resource words kubectl accepts for a DaemonSet: `get daemonsets`, `get dlds`, `get ds/NAME`. */
const RESOURCE_ALIASES: Record<string, string> = { daemonset: 'ds', daemonsets: 'ds', dlds: 'ds', 'daemonsets.daemonloop.dev': 'ds', 'daemonset.daemonloop.dev': 'ds' };

/** `get daemonset/x` → `get ds x`: the resource word normalised, a TYPE/NAME split in two. */
function normaliseWords(argv: string[]): string[] {
  const [verb, resource, ...rest] = argv;
  if ((verb !== 'get' && verb !== 'delete') || resource === undefined) return argv;
  const slash = resource.indexOf('/');
  const type = slash < 0 ? resource : resource.slice(0, slash);
  if (!(type in RESOURCE_ALIASES) && type !== 'ds') return argv;
  const words = [verb!, RESOURCE_ALIASES[type] ?? type];
  return slash < 0 ? [...words, ...rest] : [...words, resource.slice(slash + 1), ...rest];
}

/** The command whose words begin the arguments. */
const findCommand = (words: string[]) => COMMANDS.find((c) => c.name.split(' ').every((w, i) => words[i] === w));

/** Picks the command whose words begin the arguments, and parses the rest with its options. */
export function parseCommand(argv: string[]): { command: CommandEntry; options: CommandOptions } {
  const words = normaliseWords(argv);
  const command = findCommand(words);
  if (!command) throw new UsageError(argv.length === 0 ? 'no command given' : `unknown command: ${argv.slice(0, 2).join(' ')}`);
  const { values, positionals } = parseArgs({ args: words.slice(command.name.split(' ').length), options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  return { command, options: { values: values as CommandOptions['values'], positionals } };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(renderUsage(COMMANDS));
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === 'version') {
    io.out(`daemonloop ${packageVersion()}`);
    return 0;
  }
  let command: CommandEntry | undefined;
  try {
    const parsed = parseCommand(argv);
    command = parsed.command;
    if (parsed.options.values.help) {
      io.out(renderCommandHelp(command));
      return 0;
    }
    const { run } = await command.load();
    return await run(parsed.options, io);
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS');
    const fromServer = apiErrorMessage(error);
    io.err(fromServer ?? `error: ${(error as Error).message}`);
    command ??= findCommand(normaliseWords(argv));
    if (usage) io.err(command ? `See 'daemonloop ${command.name} --help'.` : renderUsage(COMMANDS));
    return usage ? 2 : 1;
  }
}
