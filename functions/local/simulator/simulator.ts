// The Kubernetes API simulator: an HTTP API server (nodes, pods, namespaces and our DaemonSet
// custom resource) with a garbage collector, a scheduler for daemon pods, a kubelet, pod GC, taint
// eviction and namespace deletion, plus test helpers that act on the cluster directly (not over HTTP, so faults never touch them).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import type { V1DaemonSet, V1Namespace, V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { systemClock, type Clock } from '../../clock';
import { Faults, type Fault, type Verb } from './faults';
import { GarbageCollector } from './garbage-collector';
import { createHttpHandler } from './http-handler';
import { Kubelet, type KubeletOptions } from './kubelet';
import { NamespaceController } from './namespace-controller';
import { newNode, withHeartbeat, withReadiness, type NodeOptions } from './nodes';
import { mergePatch } from './patch';
import { PodGarbageCollector } from './pod-gc';
import { Registry } from './registry';
import { DAEMONSETS, NAMESPACES, NODES, PODS } from './resources';
import { Scheduler } from './scheduler';
import { TaintEviction } from './taint-eviction';
import { parseLabelSelector, type KubeObject } from './selectors';
import { ObjectStore } from './store';
import { WatchHub } from './watch';

export interface SimulatorOptions {
  /** Time for timestamps, kubelet delays and grace periods; a VirtualClock makes them instant. */
  clock?: Clock;
  /** The bearer token clients get in the kubeconfig; a request with another token is refused (401). */
  token?: string;
  /** Namespaces to create besides default, kube-system, kube-public and daemonloop-system. */
  namespaces?: string[];
  kubelet?: Partial<KubeletOptions>;
  bookmarkIntervalMs?: number;
  /** Watch events kept for resuming; older versions answer 410 Gone. */
  historyLimit?: number;
  /**
   * Refuse invalid DaemonSets (422) as the CRD's rules do (default true); false stores them, as a
   * cluster whose CRD predates the rules holds them (the controller then reports InvalidSpec).
   */
  admission?: boolean;
}

/** Labels after a merge patch of `changes` (a null value removes the label). */
const mergeLabels = (current: Record<string, string> | undefined, changes: Record<string, string | null>) =>
  mergePatch(current, changes) as Record<string, string>;

const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'daemonloop-system'];

export class Simulator {
  readonly clock: Clock;
  private currentToken: string;
  private readonly store: ObjectStore;
  private readonly registry: Registry;
  private readonly watches: WatchHub;
  private readonly faults = new Faults();
  private readonly kubelet: Kubelet;
  private readonly taintEviction: TaintEviction;
  private server?: Server;
  /** Told of every API request over HTTP, before faults or serving (tests measure request rates). */
  requestListener?: (verb: Verb, path: string) => void;
  private address?: string;
  private readonly admission: boolean;

  constructor(options: SimulatorOptions = {}) {
    this.admission = options.admission ?? true;
    this.clock = options.clock ?? systemClock;
    this.currentToken = options.token ?? 'simulator-token';
    this.store = new ObjectStore(options.historyLimit);
    this.registry = new Registry(this.store, this.clock);
    this.watches = new WatchHub(this.store, options.bookmarkIntervalMs ?? 10_000);
    new GarbageCollector(this.registry);
    new Scheduler(this.registry);
    new PodGarbageCollector(this.registry);
    new NamespaceController(this.registry);
    this.taintEviction = new TaintEviction(this.registry);
    this.kubelet = new Kubelet(this.registry, { startDelayMs: 100, readyDelayMs: 100, ...options.kubelet });
    for (const name of [...BUILT_IN_NAMESPACES, ...(options.namespaces ?? [])]) this.createNamespace(name);
  }

  /** Listens on 127.0.0.1 (port 0: any free port) and resolves to the server URL. */
  async start(port = 0): Promise<string> {
    const handler = createHttpHandler({
      registry: this.registry,
      watches: this.watches,
      faults: this.faults,
      token: () => this.currentToken,
      admission: this.admission,
      onRequest: (verb, path) => this.requestListener?.(verb, path),
    });
    const server = createServer((req, res) => void handler(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.address;
  }

  /** The bearer token clients must send. */
  get token(): string {
    return this.currentToken;
  }

  /** Replaces the accepted token, as rotating a service account's token secret does: the old one answers 401 from now on. */
  rotateToken(next: string): void {
    this.currentToken = next;
  }

  get url(): string {
    if (!this.address) throw new Error('the simulator is not started');
    return this.address;
  }

  async close(): Promise<void> {
    this.kubelet.stop();
    this.taintEviction.stop();
    this.watches.closeAll();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A kubeconfig for kubectl (and client-node's loadFromFile) pointing at this simulator. */
  async writeKubeconfig(path: string): Promise<void> {
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'simulator', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }], // plain HTTP: nothing to verify
      users: [{ name: 'simulator', user: { token: this.token } }],
      contexts: [{ name: 'simulator', context: { cluster: 'simulator', user: 'simulator', namespace: 'default' } }],
      'current-context': 'simulator',
    };
    await writeFile(path, stringify(config));
  }

  // ── faults ─────────────────────────────────────────────────────────────────
  /** The next `count` matching requests fail with `code` (429 and 503 with Retry-After). */
  failNext(fault: Fault): void {
    this.faults.add(fault);
  }

  /** Ends every watch stream cleanly, as an API server restart or a load balancer does. */
  closeWatches(): void {
    this.watches.closeAll();
  }

  get openWatches(): number {
    return this.watches.open;
  }

  /** Compacts the watch history: resuming from any version before now answers 410 Gone. */
  compact(): void {
    this.store.compact();
  }

  get resourceVersion(): string {
    return String(this.store.resourceVersion);
  }

  // ── cluster helpers ────────────────────────────────────────────────────────
  createNamespace(name: string): V1Namespace {
    const existing = this.store.get(NAMESPACES, undefined, name);
    return (existing ?? this.registry.create(NAMESPACES, undefined, { metadata: { name } } as KubeObject)) as V1Namespace;
  }

  addNode(name: string, options: NodeOptions = {}): V1Node {
    return this.registry.create(NODES, undefined, newNode(name, options, this.clock.now())) as V1Node;
  }

  /** The node goes away; pod GC force-deletes its pods. */
  removeNode(name: string): void {
    this.registry.delete(NODES, undefined, name);
  }

  /** Sets labels (a null value removes the label). */
  labelNode(name: string, labels: Record<string, string | null>): V1Node {
    const node = this.registry.get(NODES, undefined, name);
    return this.registry.replace(NODES, node, { ...node, metadata: { ...node.metadata, labels: mergeLabels(node.metadata.labels, labels) } }) as V1Node;
  }

  taintNode(name: string, taint: V1Taint): V1Node {
    const node = this.registry.get(NODES, undefined, name);
    const taints = [...((node.spec?.taints as V1Taint[] | undefined) ?? []).filter((t) => t.key !== taint.key || t.effect !== taint.effect), taint];
    return this.registry.replace(NODES, node, { ...node, spec: { ...node.spec, taints } }) as V1Node;
  }

  /** Removes the taints with `key` (of `effect`, when given). */
  untaintNode(name: string, key: string, effect?: string): V1Node {
    const node = this.registry.get(NODES, undefined, name);
    const taints = ((node.spec?.taints as V1Taint[] | undefined) ?? []).filter((t) => t.key !== key || (effect !== undefined && t.effect !== effect));
    const spec = { ...node.spec, taints: taints.length ? taints : undefined };
    return this.registry.replace(NODES, node, { ...node, spec }) as V1Node;
  }

  /** The kubelet reports (not) ready: Ready condition, not-ready taints, and the readiness of the node's pods follow. */
  setNodeReady(name: string, ready: boolean): V1Node {
    const node = this.registry.get(NODES, undefined, name);
    const updated = this.registry.replace(NODES, node, withReadiness(node, ready, this.clock.now()));
    this.kubelet.nodeReadinessChanged(name);
    return updated as V1Node;
  }

  /** Kubelet status heartbeats: nodes change (a new resourceVersion) in nothing the controller reads. */
  heartbeat(names: string[] = this.store.list(NODES).map((n) => n.metadata.name)): void {
    for (const name of names) {
      const node = this.registry.get(NODES, undefined, name);
      this.registry.replace(NODES, node, withHeartbeat(node, this.clock.now()));
    }
  }

  crashPod(namespace: string, name: string): V1Pod {
    this.kubelet.crash(this.registry.get(PODS, namespace, name));
    return this.registry.get(PODS, namespace, name) as V1Pod;
  }

  /** Pods using `image` fail to pull it (ErrImagePull, phase stays Pending) until turned off. */
  setImagePullFailure(image: string, failing = true): void {
    this.kubelet.setImagePullFailure(image, failing);
  }

  createPod(pod: V1Pod): V1Pod {
    return this.registry.create(PODS, pod.metadata?.namespace ?? 'default', pod as unknown as KubeObject) as V1Pod;
  }

  /** Sets pod labels (a null value removes the label). */
  labelPod(namespace: string, name: string, labels: Record<string, string | null>): V1Pod {
    const pod = this.registry.get(PODS, namespace, name);
    return this.registry.replace(PODS, pod, { ...pod, metadata: { ...pod.metadata, labels: mergeLabels(pod.metadata.labels, labels) } }) as V1Pod;
  }

  createDaemonSet(daemonSet: V1DaemonSet): V1DaemonSet {
    return this.registry.create(DAEMONSETS, daemonSet.metadata?.namespace ?? 'default', daemonSet as unknown as KubeObject) as V1DaemonSet;
  }

  node(name: string): V1Node | undefined {
    return this.store.get(NODES, undefined, name) as V1Node | undefined;
  }

  nodes(): V1Node[] {
    return this.store.list(NODES) as V1Node[];
  }

  pod(namespace: string, name: string): V1Pod | undefined {
    return this.store.get(PODS, namespace, name) as V1Pod | undefined;
  }

  pods(options: { namespace?: string; nodeName?: string; labelSelector?: string } = {}): V1Pod[] {
    return this.store.list(PODS, { namespace: options.namespace, nodeName: options.nodeName, match: parseLabelSelector(options.labelSelector) }) as V1Pod[];
  }

  daemonSet(namespace: string, name: string): V1DaemonSet | undefined {
    return this.store.get(DAEMONSETS, namespace, name) as V1DaemonSet | undefined;
  }

  /** Deletes an object as a client would (for tests that need a deletion without going over HTTP). */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): void {
    this.registry.delete(PODS, namespace, name, { gracePeriodSeconds });
  }
}
