// The fleet side of the embedded control plane: extra simulated clusters (each its own simulator,
// kubeconfig, forwarder and registry entry with labels), the fleet store on the same table, the
// fleet loop behind its own FIFO queue (one group per fleet: serial per fleet) and delay queue.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbFleetStore } from '../adapters/fleet-store/dynamodb';
import { fleetStreamId, type FleetStore } from '../adapters/fleet-store/port';
import { EVENT_LOG_TABLE_NAME } from '../adapters/event-store/keys';
import { KubernetesFleetDaemonSets } from '../adapters/kubernetes/fleet-daemonsets';
import { kubeConfigFor } from '../adapters/kubernetes/kubeconfig';
import { kubeconfigIn } from '../cli/state-dir';
import type { Clock } from '../clock';
import { FleetBudget } from '../fleet/budget-client';
import { fleetOne } from '../fleet/fleet-one';
import { observeFromLog } from '../fleet/observe';
import type { FleetDeps } from '../fleet/ports';
import type { RunningForwarder } from '../forwarder';
import type { LoopDeps } from '../loop/deps';
import type { Telemetry } from '../observability';
import { RegistryClusterConnections } from '../registry/cluster-connections';
import type { ClusterRegistry } from '../registry/cluster-registry';
import { LocalDelayQueue } from './delay-queue';
import { LocalFifoQueue } from './fifo-queue';
import { Simulator, type SimulatorOptions } from './simulator/simulator';
import type { WorkTracker } from './work-tracker';

export interface LocalFleetCluster {
  clusterId: string;
  labels?: Record<string, string>;
  nodes?: number;
  simulatorOptions?: SimulatorOptions;
  /** Started by the caller, who keeps it across runtime restarts (then `nodes` is ignored). */
  simulator?: Simulator;
}

export interface LocalFleet {
  readonly store: FleetStore;
  readonly budget: FleetBudget;
  readonly requests: { request(fleet: string): Promise<void> };
  readonly deps: FleetDeps;
  /** Each extra cluster's simulator and kubeconfig, by cluster id. */
  readonly clusters: ReadonlyMap<string, { simulator: Simulator; kubeconfigPath: string }>;
  simulators(): Simulator[];
  forward(start: (c: { clusterId: string; kubeconfigPath: string }) => Promise<RunningForwarder>): Promise<void>;
  stopForwarders(): Promise<void>;
  close(): void;
  closeSimulators(): Promise<void>;
}

interface FleetWiring {
  dynamodb: DynamoDBClient;
  registry: ClusterRegistry;
  deps: LoopDeps;
  clock: Clock;
  work: WorkTracker;
  telemetry: Telemetry;
  stateDir: string;
  clusters: LocalFleetCluster[];
}

export async function startLocalFleet(w: FleetWiring): Promise<LocalFleet> {
  const clusters = new Map<string, { simulator: Simulator; kubeconfigPath: string }>();
  const owned: Simulator[] = [];
  for (const c of w.clusters) {
    let simulator = c.simulator;
    if (!simulator) {
      simulator = new Simulator({ clock: w.clock, ...c.simulatorOptions });
      await simulator.start();
      for (let i = 1; i <= (c.nodes ?? 0); i++) simulator.addNode(`node-${i}`);
      owned.push(simulator);
    }
    await mkdir(join(w.stateDir, c.clusterId), { recursive: true });
    const kubeconfigPath = kubeconfigIn(join(w.stateDir, c.clusterId));
    await simulator.writeKubeconfig(kubeconfigPath);
    clusters.set(c.clusterId, { simulator, kubeconfigPath });
    await w.registry.register({
      clusterId: c.clusterId,
      endpoint: kubeConfigFor({ kubeconfigPath }).getCurrentCluster()?.server ?? '',
      credentials: { kind: 'kubeconfig', path: kubeconfigPath },
      registeredAt: w.clock.now().toISOString(),
      labels: c.labels ?? {},
    });
  }

  const store = new DynamoDbFleetStore(w.dynamodb, EVENT_LOG_TABLE_NAME, w.clock);
  const queue = new LocalFifoQueue(w.clock, w.work);
  const timers = new LocalDelayQueue(w.clock, w.work);
  const requests = {
    async request(fleet: string) {
      queue.send({ body: fleet, groupId: fleetStreamId(fleet), dedupId: randomUUID() });
    },
  };
  const connections = new RegistryClusterConnections(w.registry, { clock: w.clock });
  const deps: FleetDeps = {
    store,
    registry: w.registry,
    observe: observeFromLog(w.deps.log),
    daemonSets: new KubernetesFleetDaemonSets((clusterId) => connections.kubeConfig(clusterId)),
    // The due time is part of the body: the delay queue drops a body already waiting, and an earlier wake-up must not be lost to a later one.
    timers: {
      schedule: async (fleet, dueAt) =>
        timers.send(JSON.stringify({ fleet, dueAt: dueAt.toISOString() }), Math.max(0, dueAt.getTime() - w.clock.now().getTime())),
    },
    clock: w.clock,
    telemetry: w.telemetry,
  };
  queue.consume(async (batch) => {
    const failed: string[] = [];
    for (const m of batch) {
      try {
        await fleetOne(m.body, deps);
      } catch (error) {
        w.telemetry.warn('fleet reconcile failed; retried', { fleet: m.body, error: String(error) });
        failed.push(m.messageId);
      }
    }
    return failed;
  });
  timers.consume(async (body) => requests.request((JSON.parse(body) as { fleet: string }).fleet));

  let forwarders: RunningForwarder[] = [];
  return {
    store,
    budget: new FleetBudget(store),
    requests,
    deps,
    clusters,
    simulators: () => [...clusters.values()].map((c) => c.simulator),
    async forward(start) {
      forwarders = await Promise.all([...clusters].map(([clusterId, c]) => start({ clusterId, kubeconfigPath: c.kubeconfigPath })));
    },
    async stopForwarders() {
      await Promise.all(forwarders.map((f) => f.stop()));
    },
    close() {
      queue.close();
      timers.close();
    },
    async closeSimulators() {
      await Promise.all(owned.map((s) => s.close()));
    },
  };
}
