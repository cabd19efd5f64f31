// The forwarder image's process (infra/forwarder.Dockerfile runs its esbuild bundle,
// dist/forwarder/forwarder.mjs): one replica of the Deployment. Flags as the CLI's `forward`
// takes them; the pod's name and namespace (downward API) make it a candidate for the Lease, and
// /livez and /readyz are served on --health-port for the kubelet's probes. SIGTERM steps down,
// releasing the Lease to the standby, and sends what was observed before exiting.
import { parseArgs } from 'node:util';
import { forwarderSource } from '../bus/patterns';
import { kubeConfigFor } from '../adapters/kubernetes/kubeconfig';
import { localTelemetry } from '../observability';
import { runReplica, type ReplicaOptions } from './replica';

export const DEFAULT_LEASE_NAME = 'daemonloop-forwarder';
export const DEFAULT_HEALTH_PORT = 8080;

export interface ForwarderArgs {
  clusterId: string;
  eventBus: string;
  sourceName: string;
  kubeconfig?: string;
  leaseName: string;
  healthPort: number;
  /** Where /livez and /readyz listen: every interface in a pod (the kubelet probes the pod IP). */
  healthAddress: string;
}

/** The container's args; a missing or malformed flag is an error naming it. */
export function parseForwarderArgs(argv: string[]): ForwarderArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'cluster-id': { type: 'string' },
      'source-name': { type: 'string' },
      'event-bus': { type: 'string' },
      kubeconfig: { type: 'string' },
      'lease-name': { type: 'string' },
      'health-port': { type: 'string' },
      'health-address': { type: 'string' },
    },
  });
  const required = (name: 'cluster-id' | 'event-bus') => {
    const value = values[name];
    if (!value) throw new Error(`forwarder: --${name} is required`);
    return value;
  };
  const healthPort = Number(values['health-port'] ?? DEFAULT_HEALTH_PORT);
  if (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65535)
    throw new Error(`forwarder: --health-port must be a port number, not ${JSON.stringify(values['health-port'])}`);
  const clusterId = required('cluster-id');
  return {
    clusterId,
    eventBus: required('event-bus'),
    sourceName: values['source-name'] || clusterId,
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    leaseName: values['lease-name'] || DEFAULT_LEASE_NAME,
    healthPort,
    healthAddress: values['health-address'] || '0.0.0.0',
  };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const args = parseForwarderArgs(argv);
  const telemetry = localTelemetry('info');
  const { POD_NAME: identity, POD_NAMESPACE: namespace } = env;
  // Outside a pod (no downward API) there is no one to elect against: this process forwards.
  const election: ReplicaOptions['election'] = identity && namespace ? { namespace, name: args.leaseName, identity } : undefined;
  if (!election) telemetry.warn('forwarder: POD_NAME or POD_NAMESPACE unset: no leader election, this replica always forwards');
  const replica = await runReplica({
    clusterId: args.clusterId,
    eventBus: args.eventBus,
    source: forwarderSource(args.sourceName),
    kubeConfig: kubeConfigFor({ kubeconfigPath: args.kubeconfig }),
    telemetry,
    heartbeat: true,
    ...(election ? { election } : {}),
    health: { host: args.healthAddress, port: args.healthPort },
  });
  telemetry.info('forwarder: started', { clusterId: args.clusterId, identity, health: replica.healthUrl });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await replica.stop();
}
