// The command table's shape and the help rendered from it: `daemonloop --help` lists the commands,
// `daemonloop COMMAND --help` one command's usage and options, without loading the command.
import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';
import type { CommandOptions } from './options';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandEntry {
  /** The words that select it: `get ds`, `rollout status`, … */
  name: string;
  description: string;
  /** What follows the name, for the usage line. */
  usage: string;
  options: Options;
  /** The command's file, imported only when it runs. */
  load(): Promise<{ run(options: CommandOptions, io: CliIo): Promise<number> }>;
}

/** What each option means, wherever a command takes it. */
const OPTION_HELP: Record<string, string> = {
  kubeconfig: 'Path to the kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else the state dir’s)',
  context: 'The kubeconfig context to use',
  state: 'The local control plane’s state dir (default .daemonloop)',
  namespace: 'The namespace (default: the context’s, else "default")',
  'all-namespaces': 'Across all namespaces',
  output: 'Output format: json|yaml|wide|name',
  json: 'The same as -o json',
  filename: 'The manifest file',
  'dry-run': 'none, client (validate only) or server (the API server validates, nothing is stored)',
  cascade: 'background (default), foreground, or orphan (the pods stay)',
  timeout: 'How long to wait, as kubectl takes it: 90s, 5m, 1h30m',
  nodes: 'Number of simulated nodes',
  prices: 'A price table (JSON) instead of OpenCost’s defaults',
  verify: 'Decide every recorded decision again and compare',
  table: 'The event-log DynamoDB table in AWS',
  region: 'The AWS region',
  'cluster-id': 'The cluster’s id in the registry',
  'event-bus': 'The EventBridge bus name',
  label: 'A label key=value (repeatable)',
  taint: 'A taint key[=value]:Effect (repeatable)',
  clusters: 'Number of simulated clusters (a fleet)',
  single: 'The single-cluster demo instead of the fleet one',
  virtual: 'Run on the virtual clock',
  exit: 'Exit when the demo ends',
  'source-name': 'The EventBridge source name (daemonloop.forwarder/NAME; on EKS the EKS cluster’s name)',
  'role-arn': 'The cluster’s access role, which reconcile assumes',
  'to-revision': 'The recorded revision to go back to (default: the previous one)',
  revision: 'One recorded revision',
  since: 'A window back from now (90m, 1h30m; cost also 7d), or an RFC 3339 time',
  until: 'The window’s end (an RFC 3339 time, or for history a duration back from now; default now)',
  by: 'Group by cluster, instance-type, revision or node',
  html: 'Write the rollout picture as HTML',
  svg: 'Write the picture as SVG',
  at: 'What the controller knew at this time',
  export: 'Write the history as replayable JSON lines',
  stream: 'One stream of the log',
  'public-key': 'The checkpoint signing public key (PEM)',
  bucket: 'The checkpoint S3 bucket in AWS',
  stage: 'The fleet stage to approve',
  record: 'Record the plan in the log, to compare with the rollout',
};

export function renderUsage(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'daemonloop: the DaemonSet controller as an event-sourced serverless control loop',
    '',
    'Usage: daemonloop COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`),
    '',
    "Use 'daemonloop COMMAND --help' for a command's options, 'daemonloop --version' for the version.",
  ].join('\n');
}

export function renderCommandHelp(command: CommandEntry): string {
  const flags = Object.entries(command.options).map(
    ([name, o]) => [`${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? '=VALUE' : ''}`, OPTION_HELP[name] ?? ''] as const,
  );
  const width = Math.max(0, ...flags.map(([f]) => f.length));
  return [
    command.description,
    '',
    'Usage:',
    `  daemonloop ${command.name} ${command.usage}`.trimEnd(),
    ...(flags.length ? ['', 'Options:', ...flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`.trimEnd())] : []),
  ].join('\n');
}
