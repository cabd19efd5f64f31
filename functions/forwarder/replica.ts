// One forwarder replica in the cluster: with leader election, two replicas campaign for a Lease
// and only the leader forwards; the standby only keeps reading the Lease. A new leader starts the
// forwarder from scratch: its first lists send every object again with relist markers, so the fold
// reconciles whatever the old leader observed but never sent. Without election (one replica, or
// the CLI on a laptop) the replica is always the leader.
import { systemClock } from '../clock';
import { localTelemetry } from '../observability';
import { runForwarder, type ForwarderOptions, type RunningForwarder } from './forwarder';
import { DEFAULT_STALL_AFTER_MS, livez, readyz, startHealthServer, type HealthReport, type HealthServer, type ReplicaState } from './health';
import { LeaderElector, type LeaderElectionOptions } from './leader-election';

export interface ReplicaOptions extends ForwarderOptions {
  election?: Omit<LeaderElectionOptions, 'kubeConfig' | 'clock' | 'telemetry'>;
  /** Serve /livez and /readyz here (the pod: 0.0.0.0 and the probes' port). */
  health?: { host: string; port: number };
  /** How long an informer may make no progress before /livez fails (default 120 s). */
  stallAfterMs?: number;
}

export interface RunningReplica {
  readonly leading: boolean;
  /** The leader's forwarder once it has listed. */
  readonly forwarder: RunningForwarder | undefined;
  readonly healthUrl: string | undefined;
  livez(): HealthReport;
  readyz(): HealthReport;
  /** Steps down (releasing the Lease) and drains what was observed. */
  stop(): Promise<void>;
  /** Ends as a killed process does: the Lease is kept until it expires, unsent observations are lost. */
  crash(): Promise<void>;
}

export async function runReplica(options: ReplicaOptions): Promise<RunningReplica> {
  const clock = options.clock ?? systemClock;
  const telemetry = options.telemetry ?? localTelemetry('warn');
  const forwarderOptions: ForwarderOptions = { ...options, clock, telemetry };
  let leadingSince: Date | undefined;
  let starting: Promise<RunningForwarder> | undefined;
  let running: RunningForwarder | undefined;

  // The one place the forwarder starts, on the leader only: whatever sends periodically (the
  // heartbeat) starts inside runForwarder and so runs on the leader alone.
  const startLeading = () => {
    leadingSince = clock.now();
    const started = runForwarder(forwarderOptions);
    starting = started;
    void started.then((f) => {
      if (starting === started) running = f;
    });
    return started;
  };
  const stopLeading = async (drain: boolean) => {
    const started = starting;
    leadingSince = undefined;
    starting = undefined;
    running = undefined;
    if (started) await (await started).stop({ drain });
  };

  const kubeConfig = options.kubeConfig;
  if (options.election && !kubeConfig) throw new Error('leader election needs the kubeConfig');
  const elector =
    options.election && kubeConfig
      ? new LeaderElector(
          { ...options.election, kubeConfig, clock, telemetry },
          { onStartedLeading: () => void startLeading(), onStoppedLeading: () => stopLeading(true) },
        )
      : undefined;
  if (elector) elector.start();
  else await startLeading();

  const state = (): ReplicaState => ({
    now: clock.now(),
    leading: elector ? elector.isLeader : true,
    ...(leadingSince ? { leadingSince } : {}),
    ...(running ? { forwarder: running.health() } : {}),
    ...(elector?.lastContact ? { leaseContact: elector.lastContact } : {}),
    ...(elector ? { leaseDurationMs: (options.election?.leaseDurationSeconds ?? 15) * 1000 } : {}),
    stallAfterMs: options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS,
  });
  const health: HealthServer | undefined = options.health ? await startHealthServer(state, options.health) : undefined;

  return {
    get leading() {
      return elector ? elector.isLeader : true;
    },
    get forwarder() {
      return running;
    },
    healthUrl: health?.url,
    livez: () => livez(state()),
    readyz: () => readyz(state()),
    async stop() {
      if (elector) await elector.stop();
      else await stopLeading(true);
      await health?.close();
    },
    async crash() {
      elector?.abandon();
      await stopLeading(false);
      await health?.close();
    },
  };
}
