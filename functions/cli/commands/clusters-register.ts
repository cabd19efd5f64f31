// `daemonloop clusters register --cluster-id ID --endpoint URL (--secret-arn ARN | --eks-cluster NAME [--region R])
//  [--ca-data BASE64] [--price-table REF] [--table NAME]`: adds a cluster to the registry in the
// event-log table (DAEMONLOOP_TABLE, or --table), so ingest accepts its events and reconcile can reach it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EVENT_LOG_TABLE_NAME } from '../../adapters/event-store/keys';
import { systemClock } from '../../clock';
import { TABLE_NAME_ENV } from '../../config-names';
import type { CredentialRef } from '../../registry/cluster-record';
import { DynamoDbClusterRegistry } from '../../registry/cluster-registry';
import type { CliIo } from '../io';
import { requireString, stringOption, UsageError, type CommandOptions } from '../options';

export function credentialsOf(options: CommandOptions): CredentialRef {
  const secretArn = stringOption(options, 'secret-arn');
  const eksCluster = stringOption(options, 'eks-cluster');
  if (Boolean(secretArn) === Boolean(eksCluster)) throw new UsageError('give exactly one of --secret-arn and --eks-cluster');
  const region = stringOption(options, 'region');
  return secretArn ? { kind: 'secret', secretArn } : { kind: 'eks', clusterName: eksCluster!, ...(region ? { region } : {}) };
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const clusterId = requireString(options, 'cluster-id');
  const endpoint = requireString(options, 'endpoint');
  const credentials = credentialsOf(options);
  const table = stringOption(options, 'table') ?? process.env[TABLE_NAME_ENV] ?? EVENT_LOG_TABLE_NAME;
  const caData = stringOption(options, 'ca-data');
  const priceTable = stringOption(options, 'price-table');
  const registry = new DynamoDbClusterRegistry(new DynamoDBClient({}), table, systemClock);
  await registry.register({ clusterId, endpoint, credentials, registeredAt: new Date().toISOString(), ...(caData ? { caData } : {}), ...(priceTable ? { priceTable } : {}) });
  io.out(`cluster/${clusterId} registered`);
  return 0;
}
