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
const fleetLog: Options = { state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' } };
const fromLog: Options = { state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } }; // where the event log is

/** A command file's other export, for the files that hold several commands (fleet-control, fleet-status). */
const runOf = <M, K extends keyof M>(module: Promise<M>, key: K) => module.then((m) => ({ run: m[key] as CommandRun }));
type CommandRun = Awaited<ReturnType<CommandEntry['load']>>['run'];

export const COMMANDS: CommandEntry[] = [
  {
    name: 'up',
    description: 'Start the local control plane on a simulated cluster (or a real one); --clusters N simulates a fleet',
    usage: '[--nodes N | --kubeconfig PATH] [--clusters N] [--state DIR]',
    options: { ...cluster, nodes: { type: 'string' }, clusters: { type: 'string' } },
    load: () => import('./commands/up'),
  },
  {
    name: 'demo',
    description: 'What `npm start` runs: a control plane and a fleet rollout; --single, one DaemonSet on one cluster',
    usage: '[--single [--virtual]] [--nodes N] [--exit] [--json] [--state DIR]',
    options: {
      nodes: { type: 'string' },
      virtual: { type: 'boolean' },
      exit: { type: 'boolean' },
      json: { type: 'boolean' },
      state: { type: 'string' },
      single: { type: 'boolean' },
    },
    load: async () => ({
      run: async (o, io) => (o.values.single === true ? (await import('./commands/demo')).run(o, io) : (await import('./commands/demo-fleet')).run(o, io)),
    }),
  },
  {
    name: 'apply',
    description: 'Create or update DaemonSets from a file',
    usage: '-f FILE [--dry-run=none|client|server]',
    options: { ...namespaced, filename: { type: 'string', short: 'f' }, 'dry-run': { type: 'string' } },
    load: () => import('./commands/apply'),
  },
  {
    name: 'diff',
    description: 'Show what apply -f would change (exit 1 when it would)',
    usage: '-f FILE',
    options: { ...namespaced, filename: { type: 'string', short: 'f' } },
    load: () => import('./commands/diff'),
  },
  {
    name: 'get ds',
    description: 'List DaemonSets, or print one',
    usage: '[NAME] [-n NS | -A] [-o json|yaml|wide|name]',
    options: { ...namespaced, ...output, 'all-namespaces': { type: 'boolean', short: 'A' } },
    load: () => import('./commands/get-ds'),
  },
  {
    name: 'delete ds',
    description: 'Delete a DaemonSet; --cascade=orphan leaves its pods',
    usage: 'NAME [--cascade=background|orphan|foreground]',
    options: { ...namespaced, cascade: { type: 'string' } },
    load: () => import('./commands/delete-ds'),
  },
  {
    name: 'rollout pause',
    description: "Pause a DaemonSet's rollout (spec.paused)",
    usage: 'DS [-n NS]',
    options: namespaced,
    load: () => import('./commands/rollout-pause'),
  },
  {
    name: 'rollout resume',
    description: "Resume a paused DaemonSet's rollout",
    usage: 'DS [-n NS]',
    options: namespaced,
    load: () => import('./commands/rollout-resume'),
  },
  {
    name: 'rollout restart',
    description: "Restart a DaemonSet's pods (a new template annotation)",
    usage: 'DS [-n NS]',
    options: namespaced,
    load: () => import('./commands/rollout-restart'),
  },
  {
    name: 'rollout undo',
    description: 'Roll a DaemonSet back to a recorded revision',
    usage: 'DS [-n NS] [--to-revision N] [--table NAME [--region R]] [--cluster-id ID]',
    options: { ...namespaced, 'to-revision': { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } },
    load: () => import('./commands/rollout-undo'),
  },
  {
    name: 'rollout history',
    description: "A DaemonSet's recorded revisions",
    usage: 'DS [-n NS] [--revision N] [--table NAME [--region R]] [--cluster-id ID]',
    options: { ...namespaced, revision: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } },
    load: () => import('./commands/rollout-history'),
  },
  {
    name: 'rollout receipt',
    description: 'What one rollout did and cost, from the log',
    usage: 'DS [-n NS] [--revision N] [-o json|csv] [--prices FILE.json]',
    options: {
      ...fromLog,
      namespace: { type: 'string', short: 'n' },
      revision: { type: 'string' },
      output: { type: 'string', short: 'o' },
      prices: { type: 'string' },
    },
    load: () => import('./commands/rollout-receipt'),
  },
  {
    name: 'rollout status',
    description: "Follow a DaemonSet's rollout until it completes",
    usage: 'ds/NAME [-n NS] [-o json|yaml|name] [--timeout 5m]',
    options: { ...namespaced, ...output, timeout: { type: 'string' } },
    load: () => import('./commands/rollout-status'),
  },
  {
    name: 'history',
    description: "A DaemonSet's event log as a timeline; --verify replays its decisions",
    usage:
      'ds/NAME [-n NS] [-o json|yaml|name] [--verify] [--html FILE] [--svg FILE] [--group-by auto|wave|zone|none] [--since T] [--until T] [--at TIME] [--export FILE.jsonl] [--state DIR | --table NAME [--region R]] [--cluster-id ID]',
    options: {
      namespace: { type: 'string', short: 'n' },
      ...output,
      verify: { type: 'boolean' },
      html: { type: 'string' },
      svg: { type: 'string' },
      'group-by': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      at: { type: 'string' },
      export: { type: 'string' },
      state: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      'cluster-id': { type: 'string' },
    },
    load: () => import('./commands/history'),
  },
  {
    name: 'log verify',
    description: "Check the event log's hash chains and signed checkpoints",
    usage: '[--stream ID] [--since TIME] [--public-key FILE] [--json] [--state DIR | --table NAME --bucket NAME [--region R]]',
    options: {
      stream: { type: 'string' },
      since: { type: 'string' },
      'public-key': { type: 'string' },
      json: { type: 'boolean' },
      state: { type: 'string' },
      table: { type: 'string' },
      bucket: { type: 'string' },
      region: { type: 'string' },
    },
    load: () => import('./commands/log-verify'),
  },
  {
    name: 'replay',
    description: 'Decide recorded decisions again from exported logs',
    usage: 'FILE.jsonl… [--json]',
    options: { json: { type: 'boolean' } },
    load: () => import('./commands/replay'),
  },
  {
    name: 'plan',
    description: 'What-if: simulate a rollout of a new spec before applying it',
    usage:
      '-f NEW.yaml [-n NS] [--cluster ID | --fleet NAME] [--set-image C=IMAGE]… [--max-unavailable V[,V…]] [--max-surge V[,V…]] [--runs N] [--seed N] [--qps N] [--burst N] [--loop-latency-ms MS] [--prices FILE.json] [--svg FILE] [--record] [-o json] [--state DIR | --table NAME [--region R]]',
    options: {
      filename: { type: 'string', short: 'f' },
      namespace: { type: 'string', short: 'n' },
      cluster: { type: 'string' },
      fleet: { type: 'string' },
      'set-image': { type: 'string', multiple: true },
      'max-unavailable': { type: 'string', multiple: true },
      'max-surge': { type: 'string', multiple: true },
      runs: { type: 'string' },
      seed: { type: 'string' },
      'loop-latency-ms': { type: 'string' },
      qps: { type: 'string' },
      burst: { type: 'string' },
      prices: { type: 'string' },
      svg: { type: 'string' },
      record: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      state: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
    },
    load: () => import('./commands/plan'),
  },
  {
    name: 'cost',
    description: 'What each daemon fleet costs; --since, what one DaemonSet cost over a window (from the log)',
    usage:
      '[ds/NAME] [-n NS | -A] [--prices FILE.json] [-o json|yaml|wide|name] | ds/NAME --since 7d [--until TIME] [--by cluster|instance-type|revision|node]',
    options: {
      ...namespaced,
      ...fromLog,
      ...output,
      'all-namespaces': { type: 'boolean', short: 'A' },
      prices: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      by: { type: 'string' },
    },
    load: () => import('./commands/cost'),
  },
  {
    name: 'nodes',
    description: 'Add, remove, label or taint nodes of the simulated cluster',
    usage: 'add NAME [--label k=v]… [--taint k=v:Effect]… | remove NAME | label NAME k=v… | taint NAME k=v:Effect…',
    options: { ...cluster, label: { type: 'string', multiple: true }, taint: { type: 'string', multiple: true } },
    load: () => import('./commands/nodes'),
  },
  {
    name: 'forward',
    description: 'Run the watch forwarder against EventBridge',
    usage: '--cluster-id ID [--source-name NAME] [--kubeconfig PATH] --event-bus NAME',
    options: { ...cluster, 'cluster-id': { type: 'string' }, 'source-name': { type: 'string' }, 'event-bus': { type: 'string' } },
    load: () => import('./commands/forward'),
  },
  {
    name: 'clusters register',
    description: 'Add a cluster to the registry in the event-log table',
    usage:
      '--cluster-id ID --role-arn ARN (--eks-cluster NAME [--region R] | --secret-arn ARN --endpoint URL [--ca-data B64]) [--label k=v]… [--price-table REF] [--table NAME]',
    options: {
      'cluster-id': { type: 'string' },
      'role-arn': { type: 'string' },
      endpoint: { type: 'string' },
      'secret-arn': { type: 'string' },
      'eks-cluster': { type: 'string' },
      region: { type: 'string' },
      'ca-data': { type: 'string' },
      label: { type: 'string', multiple: true },
      'price-table': { type: 'string' },
      table: { type: 'string' },
    },
    load: () => import('./commands/clusters-register'),
  },
  {
    name: 'clusters label',
    description: "Set or remove a registered cluster's labels",
    usage: 'ID k=v… [k-]… [--table NAME]',
    options: { table: { type: 'string' } },
    load: () => import('./commands/clusters-label'),
  },
  {
    name: 'fleet apply',
    description: 'Create or update a fleet rollout (DaemonSets across clusters) from a file',
    usage: '-f FILE [--state DIR | --table NAME]',
    options: { ...fleetLog, filename: { type: 'string', short: 'f' } },
    load: () => import('./commands/fleet-apply'),
  },
  {
    name: 'fleet get',
    description: 'List fleets, or print one',
    usage: '[NAME] [--json]',
    options: { ...fleetLog, json: { type: 'boolean' } },
    load: () => import('./commands/fleet-get'),
  },
  {
    name: 'fleet status',
    description: "A fleet's stages and clusters",
    usage: 'NAME [--json]',
    options: { ...fleetLog, json: { type: 'boolean' } },
    load: () => import('./commands/fleet-status'),
  },
  {
    name: 'fleet rollout status',
    description: "Follow a fleet's rollout until it completes",
    usage: 'NAME [--timeout SECONDS]',
    options: { ...fleetLog, timeout: { type: 'string' } },
    load: () => runOf(import('./commands/fleet-status'), 'runRolloutStatus'),
  },
  {
    name: 'fleet rollout pause',
    description: "Pause a fleet's rollout",
    usage: 'NAME',
    options: fleetLog,
    load: () => runOf(import('./commands/fleet-control'), 'runPause'),
  },
  {
    name: 'fleet rollout resume',
    description: "Resume a paused fleet's rollout",
    usage: 'NAME',
    options: fleetLog,
    load: () => runOf(import('./commands/fleet-control'), 'runResume'),
  },
  {
    name: 'fleet rollout undo',
    description: 'Roll a fleet back to a recorded revision',
    usage: 'NAME [--to-revision N]',
    options: { ...fleetLog, 'to-revision': { type: 'string' } },
    load: () => runOf(import('./commands/fleet-control'), 'runUndo'),
  },
  {
    name: 'fleet approve',
    description: "Approve a fleet's gated stage",
    usage: 'NAME --stage S',
    options: { ...fleetLog, stage: { type: 'string' } },
    load: () => runOf(import('./commands/fleet-control'), 'runApprove'),
  },
  {
    name: 'fleet history',
    description: "A fleet's event log as a timeline; --verify decides every recorded fleet decision again",
    usage: 'NAME [--json] [--verify]',
    options: { ...fleetLog, json: { type: 'boolean' }, verify: { type: 'boolean' } },
    load: () => import('./commands/fleet-history'),
  },
  { name: 'completion', description: 'Print a shell completion script', usage: 'bash|zsh', options: {}, load: () => import('./commands/completion') },
];

/** Resource words kubectl accepts for a DaemonSet: `get daemonsets`, `get dlds`, `get ds/NAME`. */
const RESOURCE_ALIASES: Record<string, string> = {
  daemonset: 'ds',
  daemonsets: 'ds',
  dlds: 'ds',
  'daemonsets.daemonloop.dev': 'ds',
  'daemonset.daemonloop.dev': 'ds',
};

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
  const { values, positionals } = parseArgs({
    args: words.slice(command.name.split(' ').length),
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
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
