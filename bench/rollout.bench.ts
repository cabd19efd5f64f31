// Rollout control's cost and schedule.
// - rollout.waves.1000.duration_ratio_to_minimum: a 1,000-node rollout in 3 zone waves with a 60 s
//   soak, driven by the pure domain on an event-driven clock (pods terminate after their 30 s grace
//   period, new pods turn Ready 5 s after creation; a decision at every pod change and at every
//   requested wake-up). Its duration over the theoretical minimum — per wave ceil(nodes /
//   maxUnavailable) × (grace + start), plus a soak between waves — shows whether the domain wakes
//   when a soak ends and keeps each wave's budget full (1.0 = no time lost). No API latency: the
//   runtime's own latency is the e2e suite's business.
// - reconcile.{plain,waves}.5000[.late].ms and their ratio: one reconcile of the same 5,000-node
//   cluster mid-rollout (30% and 90% updated), without and with zone waves, medians from the same run;
//   wall time, and (.cpu_ms, .cpu) the CPU time of the same calls, which a loaded machine disturbs less.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { CONTROLLER_REVISION_HASH_LABEL, reconcile, templateHash, type ReconcileInput, type Revision } from '../domain/index';
import { median, medianMs, type BenchSuite } from './emit';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const ZONE = 'topology.kubernetes.io/zone';
const labels = { app: 'agent' };
const GRACE_MS = 30_000,
  START_MS = 5_000,
  SOAK_SECONDS = 60,
  MAX_UNAVAILABLE = 50;

function daemonSet(image: string, waves: boolean): V1DaemonSet {
  return {
    apiVersion: 'daemonloop.dev/v1alpha1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 2 },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: GRACE_MS / 1000, containers: [{ name: 'agent', image }] } },
      updateStrategy: {
        type: 'RollingUpdate',
        rollingUpdate: {
          maxUnavailable: MAX_UNAVAILABLE,
          ...(waves ? { waves: [{ name: 'zones', topologyKey: ZONE, minSuccessSeconds: SOAK_SECONDS }] } : {}),
        } as object,
      },
    },
  };
}

const zoneOf = (i: number) => `zone-${String.fromCharCode(97 + (i % 3))}`;
const node = (i: number): V1Node => ({ metadata: { name: `node-${String(i).padStart(4, '0')}`, labels: { [ZONE]: zoneOf(i) } } });

function pod(name: string, nodeName: string, hash: string, created: number, readyAt?: number): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'kube-system',
      uid: `uid-${name}`,
      labels: { ...labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [{ apiVersion: 'daemonloop.dev/v1alpha1', kind: 'DaemonSet', name: 'agent', uid: 'ds-uid', controller: true }],
      creationTimestamp: new Date(created),
    },
    spec: { nodeName, containers: [{ name: 'agent', image: 'x' }] },
    status:
      readyAt === undefined
        ? { phase: 'Pending' }
        : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(readyAt) }] },
  };
}

interface SimPod {
  pod: V1Pod;
  readyAt: number;
  goneAt?: number;
}

/** Virtual ms from applying v2 until every node runs one available v2 pod. */
function rolloutDuration(nodeCount: number): { actual: number; minimum: number; decisions: number } {
  const v1 = daemonSet('agent:1', true),
    v2 = daemonSet('agent:2', true);
  const [h1, h2] = [templateHash(v1.spec!.template), templateHash(v2.spec!.template)];
  const revisions: Revision[] = [
    { revision: 1, hash: h1, template: v1.spec!.template },
    { revision: 2, hash: h2, template: v2.spec!.template },
  ];
  const nodes = Array.from({ length: nodeCount }, (_, i) => node(i));
  const pods = new Map<string, SimPod>(
    nodes.map((n) => [
      `old-${n.metadata!.name}`,
      { pod: pod(`old-${n.metadata!.name}`, n.metadata!.name!, h1, T0 - 3600_000, T0 - 3600_000), readyAt: T0 - 3600_000 },
    ]),
  );
  let ds: V1DaemonSet = v2;
  let now = T0,
    decisions = 0;
  const done = () =>
    [...pods.values()].filter((p) => !p.goneAt && p.pod.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL] === h2 && p.readyAt <= now).length === nodeCount &&
    pods.size === nodeCount;
  while (!done()) {
    const r = reconcile({ daemonSet: ds, nodes, pods: [...pods.values()].map((p) => p.pod), now: new Date(now), revisions });
    decisions++;
    ds = { ...ds, status: r.status };
    for (const { pod: created } of r.create) {
      const name = created.metadata!.name!;
      pods.set(name, { pod: pod(name, pod_node(created), created.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]!, now), readyAt: now + START_MS });
    }
    for (const d of r.delete) {
      const p = pods.get(d.podName)!;
      p.goneAt = now + GRACE_MS;
      p.pod = { ...p.pod, metadata: { ...p.pod.metadata, deletionTimestamp: new Date(now) } };
    }
    // The next change: a pod gone or turned Ready, or the wake-up the decision asked for.
    let next = r.requeueAfterSeconds !== undefined ? now + r.requeueAfterSeconds * 1000 : Infinity;
    for (const p of pods.values()) {
      if (p.goneAt !== undefined && p.goneAt > now) next = Math.min(next, p.goneAt);
      if (p.readyAt > now) next = Math.min(next, p.readyAt);
    }
    if (next === Infinity)
      throw new Error(
        `the rollout stalled at ${new Date(now).toISOString()}: ${r.waits
          .map((w) => w.reason)
          .slice(0, 3)
          .join('; ')}`,
      );
    now = next;
    for (const [name, p] of pods) {
      if (p.goneAt !== undefined && p.goneAt <= now) pods.delete(name);
      else if (p.readyAt <= now && p.pod.status?.phase === 'Pending')
        p.pod = pod(
          name,
          p.pod.spec!.nodeName!,
          p.pod.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]!,
          Date.parse(String(p.pod.metadata!.creationTimestamp!.valueOf())),
          p.readyAt,
        );
    }
  }
  const perZone = [0, 1, 2].map((z) => nodes.filter((_, i) => i % 3 === z).length);
  const minimum = perZone.reduce((ms, n) => ms + Math.ceil(n / MAX_UNAVAILABLE) * (GRACE_MS + START_MS), 0) + (perZone.length - 1) * SOAK_SECONDS * 1000;
  return { actual: now - T0, minimum, decisions };
}

const pod_node = (p: V1Pod): string =>
  p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ?? '';

/** Mid-rollout: the first `share` of the nodes (by name, so every zone alike) on v2, the rest on v1. */
function midRollout(nodeCount: number, waves: boolean, share: number): ReconcileInput {
  const v1 = daemonSet('agent:1', waves),
    v2 = daemonSet('agent:2', waves);
  const [h1, h2] = [templateHash(v1.spec!.template), templateHash(v2.spec!.template)];
  const nodes = Array.from({ length: nodeCount }, (_, i) => node(i));
  const long = T0 - 3600_000;
  const pods = nodes.map((n, i) => pod(`agent-${i}`, n.metadata!.name!, i < nodeCount * share ? h2 : h1, long, long));
  return {
    daemonSet: v2,
    nodes,
    pods,
    now: new Date(T0),
    revisions: [
      { revision: 1, hash: h1, template: v1.spec!.template },
      { revision: 2, hash: h2, template: v2.spec!.template },
    ],
  };
}

/** Median CPU time (user + system, this process) in ms of `fn` over `runs` calls. */
function medianCpuMs(fn: () => unknown, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

const suite: BenchSuite = {
  name: 'rollout',
  async run(emit) {
    const { actual, minimum, decisions } = rolloutDuration(1_000);
    emit('rollout.waves.1000.duration_s', actual / 1000, 's');
    emit('rollout.waves.1000.minimum_s', minimum / 1000, 's');
    emit('rollout.waves.1000.decisions', decisions, 'count');
    emit('rollout.waves.1000.duration_ratio_to_minimum', actual / minimum, 'ratio');

    // Early (30% updated: the first wave is current, so the update walks a third of the nodes) and
    // late (90%: the same wave, but the rollout status classifies more new pods).
    for (const [label, share] of [
      ['', 0.3],
      ['.late', 0.9],
    ] as const) {
      const plain = midRollout(5_000, false, share),
        waves = midRollout(5_000, true, share);
      // Interleaved, so drift in machine load falls on both alike. On a shared machine wall time
      // also counts the time others hold the cores, so the CPU time of the same calls is reported too.
      const plainMs: number[] = [],
        wavesMs: number[] = [],
        plainCpu: number[] = [],
        wavesCpu: number[] = [];
      for (let round = 0; round < 9; round++) {
        plainMs.push(await medianMs(() => reconcile(plain), 7));
        wavesMs.push(await medianMs(() => reconcile(waves), 7));
        plainCpu.push(medianCpuMs(() => reconcile(plain), 7));
        wavesCpu.push(medianCpuMs(() => reconcile(waves), 7));
      }
      const [p, w] = [median(plainMs), median(wavesMs)];
      emit(`reconcile.plain.5000${label}.ms`, p, 'ms');
      emit(`reconcile.waves.5000${label}.ms`, w, 'ms');
      emit(`reconcile.waves_over_plain.5000${label}`, w / p, 'ratio');
      const [pc, wc] = [median(plainCpu), median(wavesCpu)];
      emit(`reconcile.plain.5000${label}.cpu_ms`, pc, 'ms');
      emit(`reconcile.waves.5000${label}.cpu_ms`, wc, 'ms');
      emit(`reconcile.waves_over_plain.5000${label}.cpu`, wc / pc, 'ratio');
    }
  },
};
export default suite;
