// `daemonloop clusters register --cluster-id ID --role-arn ARN (--eks-cluster NAME [--region R] |
//  --secret-arn ARN --endpoint URL [--ca-data BASE64]) [--label k=v]… [--price-table REF] [--table NAME]`:
// adds a cluster to the registry in the event-log table (DAEMONLOOP_TABLE, or --table), so ingest
// accepts its events and reconcile can reach it, as the cluster's own role (--role-arn). An EKS
// cluster's endpoint and CA are not stored: reconcile asks eks:DescribeCluster. A bad id, endpoint
// or label is refused with the rule it breaks, and nothing is written.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EVENT_LOG_TABLE_NAME } from '../../adapters/event-store/keys';
import { systemClock } from '../../clock';
import { TABLE_NAME_ENV } from '../../config-names';
import type { CredentialRef } from '../../registry/cluster-record';
import { DynamoDbClusterRegistry } from '../../registry/cluster-registry';
import type { CliIo } from '../io';
import { listOption, requireString, stringOption, UsageError, type CommandOptions } from '../options';

export function credentialsOf(options: CommandOptions): CredentialRef {
  const secretArn = stringOption(options, 'secret-arn');
  const eksCluster = stringOption(options, 'eks-cluster');
  if (Boolean(secretArn) === Boolean(eksCluster)) throw new UsageError('give exactly one of --secret-arn and --eks-cluster');
  const roleArn = requireString(options, 'role-arn');
  const region = stringOption(options, 'region');
  return secretArn ? { kind: 'secret', secretArn, roleArn } : { kind: 'eks', clusterName: eksCluster!, roleArn, ...(region ? { region } : {}) };
}

/** `k=v` arguments as labels; `k-` (with `removable`) as a key to remove. */
export function parseLabels(args: string[], removable = false): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq > 0) set[arg.slice(0, eq)] = arg.slice(eq + 1);
    else if (removable && arg.endsWith('-') && arg.length > 1) remove.push(arg.slice(0, -1));
    else throw new UsageError(`label ${JSON.stringify(arg)}: want key=value${removable ? ' or key-' : ''}`);
  }
  return { set, remove };
}

export const registryFor = (options: CommandOptions): DynamoDbClusterRegistry =>
  new DynamoDbClusterRegistry(new DynamoDBClient({}), stringOption(options, 'table') ?? process.env[TABLE_NAME_ENV] ?? EVENT_LOG_TABLE_NAME, systemClock);

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const clusterId = requireString(options, 'cluster-id');
  const credentials = credentialsOf(options);
  const endpoint = stringOption(options, 'endpoint');
  const caData = stringOption(options, 'ca-data');
  const priceTable = stringOption(options, 'price-table');
  const { set: labels } = parseLabels(listOption(options, 'label'));
  await registryFor(options).register({
    clusterId,
    credentials,
    labels,
    registeredAt: new Date().toISOString(),
    ...(endpoint ? { endpoint } : {}),
    ...(caData ? { caData } : {}),
    ...(priceTable ? { priceTable } : {}),
  });
  io.out(`cluster/${clusterId} registered`);
  return 0;
}
