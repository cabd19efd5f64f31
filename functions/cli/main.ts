// The daemonloop CLI: one table of commands (the CDK CLI's cli-config idea); each command is a
// file in commands/ exporting run(options, io) and returning the exit code.
import './quiet-sdk-warning';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { processIo, type CliIo } from './io';
import { UsageError, type CommandOptions } from './options';
import * as apply from './commands/apply';
import * as clustersLabel from './commands/clusters-label';
import * as clustersRegister from './commands/clusters-register';
import * as cost from './commands/cost';
import * as demo from './commands/demo';
import * as demoFleet from './commands/demo-fleet';
import * as fleetApply from './commands/fleet-apply';
import * as fleetControl from './commands/fleet-control';
import * as fleetGet from './commands/fleet-get';
import * as fleetHistory from './commands/fleet-history';
import * as fleetStatus from './commands/fleet-status';
import * as forward from './commands/forward';
import * as getDs from './commands/get-ds';
import * as history from './commands/history';
import * as logVerify from './commands/log-verify';
import * as nodes from './commands/nodes';
import * as rolloutHistory from './commands/rollout-history';
import * as rolloutPause from './commands/rollout-pause';
import * as rolloutRestart from './commands/rollout-restart';
import * as rolloutResume from './commands/rollout-resume';
import * as replay from './commands/replay';
import * as rolloutReceipt from './commands/rollout-receipt';
import * as plan from './commands/plan';
import * as rolloutStatus from './commands/rollout-status';
import * as rolloutUndo from './commands/rollout-undo';
import * as up from './commands/up';

type Options = NonNullable<ParseArgsConfig['options']>;
interface Command {
  words: string[]; // what selects it: `get ds`, `rollout status`, …
  usage: string;
  options: Options;
  run(options: CommandOptions, io: CliIo): Promise<number>;
}

const cluster: Options = { kubeconfig: { type: 'string' }, state: { type: 'string' } };
const namespaced: Options = { ...cluster, namespace: { type: 'string', short: 'n' } };
const fleetLog: Options = { state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' } };
const fromLog: Options = { state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } }; // where the event log is

export const COMMANDS: Command[] = [
  { words: ['up'], usage: 'up [--nodes N | --kubeconfig PATH] [--clusters N] [--state DIR]', options: { ...cluster, nodes: { type: 'string' }, clusters: { type: 'string' } }, run: up.run },
  {
    words: ['demo'],
    usage: 'demo [--single [--virtual]] [--nodes N] [--exit] [--json] [--state DIR]',
    options: { nodes: { type: 'string' }, virtual: { type: 'boolean' }, exit: { type: 'boolean' }, json: { type: 'boolean' }, state: { type: 'string' }, single: { type: 'boolean' } },
    run: (o, io) => (o.values.single === true ? demo.run(o, io) : demoFleet.run(o, io)),
  },
  { words: ['apply'], usage: 'apply -f FILE [--kubeconfig PATH]', options: { ...cluster, filename: { type: 'string', short: 'f' } }, run: apply.run },
  { words: ['get', 'ds'], usage: 'get ds [-n NS | -A] [-o wide] [--json]', options: { ...namespaced, 'all-namespaces': { type: 'boolean', short: 'A' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' } }, run: getDs.run },
  { words: ['rollout', 'pause'], usage: 'rollout pause DS [-n NS]', options: namespaced, run: rolloutPause.run },
  { words: ['rollout', 'resume'], usage: 'rollout resume DS [-n NS]', options: namespaced, run: rolloutResume.run },
  { words: ['rollout', 'restart'], usage: 'rollout restart DS [-n NS]', options: namespaced, run: rolloutRestart.run },
  { words: ['rollout', 'undo'], usage: 'rollout undo DS [-n NS] [--to-revision N] [--table NAME [--region R]] [--cluster-id ID]', options: { ...namespaced, 'to-revision': { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } }, run: rolloutUndo.run },
  { words: ['rollout', 'history'], usage: 'rollout history DS [-n NS] [--revision N] [--table NAME [--region R]] [--cluster-id ID]', options: { ...namespaced, revision: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } }, run: rolloutHistory.run },
  { words: ['cost'], usage: 'cost [DS] [-n NS | -A] [--prices FILE.json] [--json] | cost DS --since 7d [--until TIME] [--by cluster|instance-type|revision|node]', options: { ...namespaced, ...fromLog, 'all-namespaces': { type: 'boolean', short: 'A' }, prices: { type: 'string' }, json: { type: 'boolean' }, since: { type: 'string' }, until: { type: 'string' }, by: { type: 'string' } }, run: cost.run },
  { words: ['rollout', 'receipt'], usage: 'rollout receipt DS [-n NS] [--revision N] [-o json|csv] [--prices FILE.json]', options: { ...fromLog, namespace: { type: 'string', short: 'n' }, revision: { type: 'string' }, output: { type: 'string', short: 'o' }, prices: { type: 'string' } }, run: rolloutReceipt.run },
  { words: ['replay'], usage: 'replay FILE.jsonl… [--json]', options: { json: { type: 'boolean' } }, run: replay.run },
  { words: ['rollout', 'status'], usage: 'rollout status DS [-n NS] [--json] [--timeout SECONDS]', options: { ...namespaced, json: { type: 'boolean' }, timeout: { type: 'string' } }, run: rolloutStatus.run },
  {
    words: ['history'],
    usage: 'history DS [-n NS] [--json] [--verify] [--html FILE] [--svg FILE] [--group-by auto|wave|zone|none] [--at TIME] [--export FILE.jsonl] [--state DIR | --table NAME [--region R]] [--cluster-id ID]',
    options: { namespace: { type: 'string', short: 'n' }, json: { type: 'boolean' }, verify: { type: 'boolean' }, html: { type: 'string' }, svg: { type: 'string' }, 'group-by': { type: 'string' }, at: { type: 'string' }, export: { type: 'string' }, state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } },
    run: history.run,
  },
  {
    words: ['log', 'verify'],
    usage: 'log verify [--stream ID] [--since TIME] [--public-key FILE] [--json] [--state DIR | --table NAME --bucket NAME [--region R]]',
    options: { stream: { type: 'string' }, since: { type: 'string' }, 'public-key': { type: 'string' }, json: { type: 'boolean' }, state: { type: 'string' }, table: { type: 'string' }, bucket: { type: 'string' }, region: { type: 'string' } },
    run: logVerify.run,
  },
  {
    words: ['plan'],
    usage: 'plan -f NEW.yaml [-n NS] [--cluster ID] [--set-image C=IMAGE]… [--max-unavailable V[,V…]] [--max-surge V[,V…]] [--runs N] [--seed N] [--qps N] [--burst N] [--loop-latency-ms MS] [--prices FILE.json] [--svg FILE] [--record] [-o json] [--state DIR | --table NAME [--region R]]',
    options: {
      filename: { type: 'string', short: 'f' }, namespace: { type: 'string', short: 'n' }, cluster: { type: 'string' }, 'set-image': { type: 'string', multiple: true },
      'max-unavailable': { type: 'string', multiple: true }, 'max-surge': { type: 'string', multiple: true }, runs: { type: 'string' }, seed: { type: 'string' }, 'loop-latency-ms': { type: 'string' },
      qps: { type: 'string' }, burst: { type: 'string' }, prices: { type: 'string' }, svg: { type: 'string' }, record: { type: 'boolean' }, output: { type: 'string', short: 'o' },
      state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' },
    },
    run: plan.run,
  },
  { words: ['nodes'], usage: 'nodes add NAME [--label k=v]… [--taint k=v:Effect]… | remove NAME | label NAME k=v… | taint NAME k=v:Effect…', options: { ...cluster, label: { type: 'string', multiple: true }, taint: { type: 'string', multiple: true } }, run: nodes.run },
  { words: ['forward'], usage: 'forward --cluster-id ID [--source-name NAME] [--kubeconfig PATH] --event-bus NAME', options: { kubeconfig: { type: 'string' }, 'cluster-id': { type: 'string' }, 'source-name': { type: 'string' }, 'event-bus': { type: 'string' } }, run: forward.run },
  {
    words: ['clusters', 'register'],
    usage: 'clusters register --cluster-id ID --role-arn ARN (--eks-cluster NAME [--region R] | --secret-arn ARN --endpoint URL [--ca-data B64]) [--label k=v]… [--price-table REF] [--table NAME]',
    options: { 'cluster-id': { type: 'string' }, 'role-arn': { type: 'string' }, endpoint: { type: 'string' }, 'secret-arn': { type: 'string' }, 'eks-cluster': { type: 'string' }, region: { type: 'string' }, 'ca-data': { type: 'string' }, label: { type: 'string', multiple: true }, 'price-table': { type: 'string' }, table: { type: 'string' } },
    run: clustersRegister.run,
  },
  { words: ['clusters', 'label'], usage: 'clusters label ID k=v… [k-]… [--table NAME]', options: { table: { type: 'string' } }, run: clustersLabel.run },
  { words: ['fleet', 'apply'], usage: 'fleet apply -f FILE [--state DIR | --table NAME]', options: { ...fleetLog, filename: { type: 'string', short: 'f' } }, run: fleetApply.run },
  { words: ['fleet', 'get'], usage: 'fleet get [NAME] [--json]', options: { ...fleetLog, json: { type: 'boolean' } }, run: fleetGet.run },
  { words: ['fleet', 'status'], usage: 'fleet status NAME [--json]', options: { ...fleetLog, json: { type: 'boolean' } }, run: fleetStatus.run },
  { words: ['fleet', 'rollout', 'status'], usage: 'fleet rollout status NAME [--timeout SECONDS]', options: { ...fleetLog, timeout: { type: 'string' } }, run: fleetStatus.runRolloutStatus },
  { words: ['fleet', 'rollout', 'pause'], usage: 'fleet rollout pause NAME', options: fleetLog, run: fleetControl.runPause },
  { words: ['fleet', 'rollout', 'resume'], usage: 'fleet rollout resume NAME', options: fleetLog, run: fleetControl.runResume },
  { words: ['fleet', 'rollout', 'undo'], usage: 'fleet rollout undo NAME [--to-revision N]', options: { ...fleetLog, 'to-revision': { type: 'string' } }, run: fleetControl.runUndo },
  { words: ['fleet', 'approve'], usage: 'fleet approve NAME --stage S', options: { ...fleetLog, stage: { type: 'string' } }, run: fleetControl.runApprove },
  { words: ['fleet', 'history'], usage: 'fleet history NAME [--json]', options: { ...fleetLog, json: { type: 'boolean' } }, run: fleetHistory.run },
];

const ALIASES: Record<string, string> = { daemonset: 'ds', daemonsets: 'ds' };

export function renderUsage(): string {
  return ['usage: daemonloop <command>', '', ...COMMANDS.map((c) => `  daemonloop ${c.usage}`)].join('\n');
}

/** Picks the command whose words begin the arguments, and parses the rest with its options. */
export function parseCommand(argv: string[]): { command: Command; options: CommandOptions } {
  const words = argv.map((a) => ALIASES[a] ?? a);
  const command = COMMANDS.find((c) => c.words.every((w, i) => words[i] === w));
  if (!command) throw new UsageError(argv.length === 0 ? 'no command given' : `unknown command: ${argv.slice(0, 2).join(' ')}`);
  const { values, positionals } = parseArgs({ args: argv.slice(command.words.length), options: command.options, allowPositionals: true, strict: true });
  return { command, options: { values: values as CommandOptions['values'], positionals } };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(renderUsage());
    return 0;
  }
  try {
    const { command, options } = parseCommand(argv);
    return await command.run(options, io);
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(`error: ${(error as Error).message}`);
    if (usage) io.err(renderUsage());
    return usage ? 2 : 1;
  }
}

// Run directly (`tsx functions/cli/main.ts …`, as npm start does); bin/daemonloop.js calls main itself.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
