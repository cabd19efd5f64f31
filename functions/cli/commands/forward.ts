// `daemonloop forward --cluster-id ID [--kubeconfig PATH] --event-bus NAME`: the watch forwarder
// against a cluster, sending to EventBridge (credentials and region from the AWS environment).
import { runForwarder } from '../../forwarder';
import { localTelemetry } from '../../observability';
import type { CliIo } from '../io';
import { requireString, stringOption, type CommandOptions } from '../options';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const clusterId = requireString(options, 'cluster-id');
  const eventBus = requireString(options, 'event-bus');
  const kubeconfigPath = stringOption(options, 'kubeconfig');
  const forwarder = await runForwarder({ clusterId, eventBus, telemetry: localTelemetry('info'), ...(kubeconfigPath ? { kubeconfigPath } : {}) });
  io.err(`forwarding cluster ${clusterId} to event bus ${eventBus}; Ctrl-C to stop`);
  await io.interrupted();
  await forwarder.stop();
  return 0;
}
