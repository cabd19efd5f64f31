// `daemonloop forward --cluster-id ID [--source-name NAME] --event-bus NAME`: the watch forwarder
// against the cluster kubectl would pick (--kubeconfig, --context), sending to EventBridge
// (credentials and region from the AWS environment) under the source daemonloop.forwarder/NAME — the
// cluster id by default; on EKS, the EKS cluster's name, which the forwarder role's events:source
// condition reads from Pod Identity.
import { forwarderSource } from '../../bus/patterns';
import { runReplica } from '../../forwarder/replica';
import { localTelemetry } from '../../observability';
import type { CliIo } from '../io';
import { targetOf } from '../connect';
import { requireString, stringOption, type CommandOptions } from '../options';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const clusterId = requireString(options, 'cluster-id');
  const eventBus = requireString(options, 'event-bus');
  const { kubeConfig } = targetOf(options);
  const source = forwarderSource(stringOption(options, 'source-name') ?? clusterId);
  // One replica, no leader election (the in-cluster Deployment's is functions/forwarder/main.ts).
  const forwarder = await runReplica({ clusterId, eventBus, source, telemetry: localTelemetry('info'), kubeConfig, heartbeat: true });
  io.err(`forwarding cluster ${clusterId} to event bus ${eventBus} as ${source}; Ctrl-C to stop`);
  await io.interrupted();
  await forwarder.stop();
  return 0;
}
