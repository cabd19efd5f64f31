// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does it
// (client-node 2.x has no helper): every retry period each replica reads the Lease; the holder
// renews it, a candidate takes it once the holder has not renewed for a lease duration (measured
// on the candidate's own clock from when it last saw the record change, so clock skew does not
// matter) or released it. Every write is a PUT carrying the resourceVersion read, so of two
// candidates racing only one wins (the other gets 409). A leader that cannot renew within the
// renew deadline — shorter than the lease duration — steps down before anyone else may take over.
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  /** This replica: the pod's name in the cluster. */
  identity: string;
  /** How long a candidate waits after the last renewal it saw before taking over (client-go default 15 s). */
  leaseDurationSeconds?: number;
  /** How long the leader keeps trying to renew before it steps down (default 10 s; less than the lease duration). */
  renewDeadlineMs?: number;
  /** How often every replica tries to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  clock: Clock;
  telemetry: Telemetry;
}

export interface LeaderCallbacks {
  /** This replica now holds the Lease. */
  onStartedLeading(): void | Promise<void>;
  /** It no longer does (renewal failed past the deadline, or stop()). */
  onStoppedLeading(): void | Promise<void>;
}

const statusOf = (error: unknown): number | undefined => (error as { code?: number } | null)?.code;

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private stopped = false;
  private observed: { resourceVersion: string; at: number } | undefined;
  private lastRenewed = 0;
  private cancelTick: (() => void) | undefined;
  private ticking: Promise<void> = Promise.resolve();
  /** When the Lease was last read or written successfully (a standby's readiness). */
  lastContact: Date | undefined;

  constructor(
    private readonly options: LeaderElectionOptions,
    private readonly callbacks: LeaderCallbacks,
  ) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.leaseDurationSeconds = options.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationSeconds * 1000) throw new Error('leader election: renewDeadlineMs must be less than leaseDurationSeconds');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts trying to acquire (and then renew) the Lease every retry period. */
  start(): void {
    this.schedule(0);
  }

  /** Stops campaigning; a leader steps down and releases the Lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTick?.();
    await this.ticking;
    if (!this.leading) return;
    this.leading = false;
    await this.callbacks.onStoppedLeading();
    await this.release().catch((error) => this.options.telemetry.warn('leader election: release failed', { error: String(error) }));
  }

  /** Stops campaigning as a killed process does: no step-down, no release (a standby waits out the lease). */
  abandon(): void {
    this.stopped = true;
    this.leading = false;
    this.cancelTick?.();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancelTick = this.options.clock.setTimer(ms, () => {
      this.ticking = this.tick().finally(() => this.schedule(this.retryPeriodMs));
    });
  }

  private async tick(): Promise<void> {
    const now = this.options.clock.now().getTime();
    let held = false;
    try {
      held = await this.tryAcquireOrRenew(now);
    } catch (error) {
      this.options.telemetry.warn('leader election: lease unreadable', { lease: `${this.options.namespace}/${this.options.name}`, error: String(error) });
    }
    if (this.stopped) return;
    if (held) {
      this.lastRenewed = now;
      if (!this.leading) {
        this.leading = true;
        this.options.telemetry.info('leader election: leading', { identity: this.options.identity });
        this.options.telemetry.count('forwarder.leader_acquired');
        this.notify(this.callbacks.onStartedLeading); // not awaited: renewals go on while the forwarder lists
      }
    } else if (this.leading && now - this.lastRenewed >= this.renewDeadlineMs) {
      this.leading = false;
      this.options.telemetry.warn('leader election: lost the lease', { identity: this.options.identity, sinceRenewalMs: now - this.lastRenewed });
      this.options.telemetry.count('forwarder.leader_lost');
      this.notify(this.callbacks.onStoppedLeading);
    }
  }

  private notify(callback: () => void | Promise<void>): void {
    Promise.resolve()
      .then(callback)
      .catch((error) => this.options.telemetry.error('leader election: callback failed', { error: String(error) }));
  }

  /** One round: true when this replica holds the Lease afterwards. */
  private async tryAcquireOrRenew(now: number): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      return this.write(() => this.api.createNamespacedLease({ namespace, body: this.record(undefined, now) }));
    }
    this.lastContact = new Date(now);
    const resourceVersion = lease.metadata?.resourceVersion ?? '';
    if (this.observed?.resourceVersion !== resourceVersion) this.observed = { resourceVersion, at: now };
    const holder = lease.spec?.holderIdentity ?? '';
    const durationMs = (lease.spec?.leaseDurationSeconds ?? this.leaseDurationSeconds) * 1000;
    if (holder !== '' && holder !== identity && this.observed.at + durationMs > now) return false; // held, not expired
    return this.write(() => this.api.replaceNamespacedLease({ name, namespace, body: this.record(lease, now) }));
  }

  /** The Lease as this replica holding it at `now` (metadata keeps the resourceVersion: the write's precondition). */
  private record(current: V1Lease | undefined, now: number): V1Lease {
    const spec = current?.spec ?? {};
    const renewing = spec.holderIdentity === this.options.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: current?.metadata ?? { name: this.options.name, namespace: this.options.namespace },
      spec: {
        holderIdentity: this.options.identity,
        leaseDurationSeconds: this.leaseDurationSeconds,
        acquireTime: renewing && spec.acquireTime ? spec.acquireTime : new V1MicroTime(now),
        renewTime: new V1MicroTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (current && !renewing ? 1 : 0),
      },
    };
  }

  private async write(put: () => Promise<V1Lease>): Promise<boolean> {
    try {
      const written = await put();
      this.lastContact = this.options.clock.now();
      this.observed = { resourceVersion: written.metadata?.resourceVersion ?? '', at: this.options.clock.now().getTime() };
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false; // another replica wrote first
      throw error;
    }
  }

  /** Gives the Lease up (client-go's ReleaseOnCancel): holder empty, so a standby need not wait out the duration. */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    const lease = await this.api.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== identity) return;
    const now = new V1MicroTime(this.options.clock.now().getTime());
    await this.api.replaceNamespacedLease({
      name,
      namespace,
      body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } },
    });
  }
}
