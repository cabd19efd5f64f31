// `daemonloop forward --cluster-id ID --event-bus NAME`: the watch forwarder against the cluster
// kubectl would pick (--kubeconfig, --context), sending to EventBridge (credentials and region from the AWS environment).
import { runForwarder } from '../../forwarder';
import { localTelemetry } from '../../observability';
import type { CliIo } from '../io';
import { targetOf } from '../connect';
import { requireString, type CommandOptions } from '../options';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const clusterId = requireString(options, 'cluster-id');
  const eventBus = requireString(options, 'event-bus');
  const { kubeConfig } = targetOf(options);
  const forwarder = await runForwarder({ clusterId, eventBus, telemetry: localTelemetry('info'), kubeConfig });
  io.err(`forwarding cluster ${clusterId} to event bus ${eventBus}; Ctrl-C to stop`);
  await io.interrupted();
  await forwarder.stop();
  return 0;
}
