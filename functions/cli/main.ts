// The daemonloop CLI: one table of commands (the CDK CLI's cli-config idea); each command is a
// file in commands/ exporting run(options, io) and returning the exit code.
import './quiet-sdk-warning';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { processIo, type CliIo } from './io';
import { UsageError, type CommandOptions } from './options';
import * as apply from './commands/apply';
import * as clustersRegister from './commands/clusters-register';
import * as cost from './commands/cost';
import * as demo from './commands/demo';
import * as forward from './commands/forward';
import * as getDs from './commands/get-ds';
import * as history from './commands/history';
import * as nodes from './commands/nodes';
import * as plan from './commands/plan';
import * as rolloutStatus from './commands/rollout-status';
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

export const COMMANDS: Command[] = [
  { words: ['up'], usage: 'up [--nodes N | --kubeconfig PATH] [--state DIR]', options: { ...cluster, nodes: { type: 'string' } }, run: up.run },
  { words: ['demo'], usage: 'demo [--nodes N] [--virtual] [--exit] [--json] [--state DIR]', options: { nodes: { type: 'string' }, virtual: { type: 'boolean' }, exit: { type: 'boolean' }, json: { type: 'boolean' }, state: { type: 'string' } }, run: demo.run },
  { words: ['apply'], usage: 'apply -f FILE [--kubeconfig PATH]', options: { ...cluster, filename: { type: 'string', short: 'f' } }, run: apply.run },
  { words: ['get', 'ds'], usage: 'get ds [-n NS | -A] [--json]', options: { ...namespaced, 'all-namespaces': { type: 'boolean', short: 'A' }, json: { type: 'boolean' } }, run: getDs.run },
  { words: ['cost'], usage: 'cost [DS] [-n NS | -A] [--prices FILE.json] [--json]', options: { ...namespaced, 'all-namespaces': { type: 'boolean', short: 'A' }, prices: { type: 'string' }, json: { type: 'boolean' } }, run: cost.run },
  { words: ['rollout', 'status'], usage: 'rollout status DS [-n NS] [--json] [--timeout SECONDS]', options: { ...namespaced, json: { type: 'boolean' }, timeout: { type: 'string' } }, run: rolloutStatus.run },
  {
    words: ['history'],
    usage: 'history DS [-n NS] [--json] [--verify] [--state DIR | --table NAME [--region R]] [--cluster-id ID]',
    options: { namespace: { type: 'string', short: 'n' }, json: { type: 'boolean' }, verify: { type: 'boolean' }, state: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, 'cluster-id': { type: 'string' } },
    run: history.run,
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
  { words: ['forward'], usage: 'forward --cluster-id ID [--kubeconfig PATH] --event-bus NAME', options: { kubeconfig: { type: 'string' }, 'cluster-id': { type: 'string' }, 'event-bus': { type: 'string' } }, run: forward.run },
  {
    words: ['clusters', 'register'],
    usage: 'clusters register --cluster-id ID --endpoint URL (--secret-arn ARN | --eks-cluster NAME [--region R]) [--ca-data B64] [--price-table REF] [--table NAME]',
    options: { 'cluster-id': { type: 'string' }, endpoint: { type: 'string' }, 'secret-arn': { type: 'string' }, 'eks-cluster': { type: 'string' }, region: { type: 'string' }, 'ca-data': { type: 'string' }, 'price-table': { type: 'string' }, table: { type: 'string' } },
    run: clustersRegister.run,
  },
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
