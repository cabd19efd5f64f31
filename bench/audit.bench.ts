// Audit views over long histories, each as a ratio to one full fold of the same history in the same
// run (so the machine's speed cancels): the rollout picture of a 5,000-node rollout (and its file
// size), every rollout receipt and a 7-day windowed cost of a 1-million-event history.
//
// The histories are built in memory as the log would hold them, commit by commit (as log.bench.ts
// builds its long history): 5,000 nodes (EKS-like labels), then rollouts of the DaemonSet, each in
// 20 waves of 250 nodes (maxUnavailable 250, minReadySeconds 5, a 30 s grace period) — the
// decision that deletes a wave (every waiting node listed in its waits), the outcomes, the old
// pods terminating and gone, the decision that creates their replacements, the new pods pending
// and ready, the decision that sees them available. 30 revisions are over a million events.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { V1DaemonSet, V1Node, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { OPENCOST_DEFAULT_PRICES } from '../domain/cost';
import { emptyClusterState } from '../domain/cluster-state';
import * as E from '../domain/events';
import { fold } from '../domain/evolve';
import { templateHash } from '../domain/revisions';
import { daemonSetStreamId, nodesStreamId, podsStreamId, type DaemonSetKey } from '../domain/streams';
import { costOf } from '../functions/cli/commands/cost-since';
import { pictureModel, renderRolloutHtml } from '../functions/cli/commands/render-rollout-picture';
import { receiptsOf } from '../functions/cli/commands/rollout-receipt';
import type { AuditLog } from '../functions/log/audit-log';
import { readLifecycles } from '../functions/log/lifecycles';
import { median, type BenchSuite, type Emit } from './emit';

const CLUSTER = 'prod-eu-1';
const NAMESPACE = 'monitoring';
const KEY: DaemonSetKey = { clusterId: CLUSTER, namespace: NAMESPACE, name: 'node-exporter' };
const DS_UID = '6f1c2b9e-3a41-4d8e-9a57-0c1f2e3d4b5a';
const NODES = 5_000;
const WAVE = 250;
const T0 = Date.UTC(2026, 0, 1);

const nodeName = (i: number) => `ip-10-${(i >> 16) & 255}-${(i >> 8) & 255}-${i & 255}.eu-west-1.compute.internal`;
const iso = (ms: number) => new Date(ms).toISOString();
const base = (ms: number) => ({ clusterId: CLUSTER, schemaVersion: E.EVENT_SCHEMA_VERSION, time: iso(ms) });

function node(i: number, rv: number): V1Node {
  return {
    metadata: {
      name: nodeName(i),
      uid: `node-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(rv),
      labels: {
        'kubernetes.io/hostname': nodeName(i),
        'node.kubernetes.io/instance-type': i % 2 ? 'm6i.xlarge' : 'm6i.2xlarge',
        'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}`,
      },
    },
    spec: {},
  };
}

const template = (revision: number): V1PodTemplateSpec => ({
  metadata: { labels: { app: 'node-exporter' } },
  spec: {
    containers: [
      { name: 'node-exporter', image: `quay.io/prometheus/node-exporter:v1.${revision}.0`, resources: { requests: { cpu: '100m', memory: '180Mi' } } },
    ],
  },
});
const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: KEY.name, uid: DS_UID, controller: true, blockOwnerDeletion: true }];

function pod(name: string, i: number, hash: string, rv: number, created: number, o: { scheduled?: boolean; readyAt?: number; deleting?: number } = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: NAMESPACE,
      uid: `uid-${name}`,
      resourceVersion: String(rv),
      labels: { app: 'node-exporter', 'controller-revision-hash': hash },
      ownerReferences,
      creationTimestamp: new Date(created),
      ...(o.deleting ? { deletionTimestamp: new Date(o.deleting) } : {}),
    },
    spec: { containers: [], ...(o.scheduled ? { nodeName: nodeName(i) } : {}) },
    status: {
      phase: o.readyAt ? 'Running' : 'Pending',
      ...(o.readyAt ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(o.readyAt) }] } : {}),
    },
  };
}

/** `rollouts` rollouts of the DaemonSet across 5,000 nodes, as three streams of commits. */
function rolloutHistory(rollouts: number): { log: AuditLog; events: number } {
  const ids = { ds: daemonSetStreamId(KEY), nodes: nodesStreamId(CLUSTER), pods: podsStreamId(CLUSTER, NAMESPACE) };
  const log: AuditLog = { key: KEY, daemonSet: [], nodes: [], pods: [] };
  let events = 0;
  const push = (stream: keyof typeof ids, ms: number, list: E.LogEvent[]) => {
    const into = stream === 'ds' ? log.daemonSet : stream === 'nodes' ? log.nodes : log.pods;
    into.push({ streamId: ids[stream], commit: into.length + 1, time: iso(ms), events: list });
    events += list.length;
  };
  /** The outcomes of the DaemonSet stream's latest decision: `action` done on each node of the wave. */
  const completed = (wave: number[], ms: number, action: 'create' | 'delete', revision: number): E.PodActionCompleted[] =>
    wave.map((i) => ({
      ...base(ms),
      type: E.POD_ACTION_COMPLETED,
      decisionId: `${ids.ds}@${log.daemonSet.length}`,
      action,
      namespace: NAMESPACE,
      podName: podName(revision, i),
      nodeName: nodeName(i),
      outcome: 'succeeded',
    }));
  const podCommits = (ms: number, list: E.LogEvent[]) => {
    for (let k = 0; k < list.length; k += 10) push('pods', ms, list.slice(k, k + 10));
  };
  let rv = 10,
    t = T0;
  const decisionId = () => `${ids.ds}@${log.daemonSet.length + 1}`;
  const waits = Array.from({ length: NODES }, (_, i) => ({ nodeName: nodeName(i), reason: `budget exhausted: maxUnavailable ${WAVE}, ${WAVE} in use` }));
  const decide = (ms: number, hash: string, updated: number, available: number, waitFrom: number, extra: (id: string) => E.LogEvent[]) => {
    const id = decisionId();
    const decided: E.ReconcileDecided = {
      ...base(ms),
      type: E.RECONCILE_DECIDED,
      decisionId: id,
      daemonSetUid: DS_UID,
      inputs: { streams: { [ids.nodes]: log.nodes.length, [ids.pods]: log.pods.length, [ids.ds]: log.daemonSet.length } },
      creates: 0,
      deletes: 0,
      currentHash: hash,
      failedPodBackoff: {},
      waits: waits.slice(waitFrom),
      status: {
        desiredNumberScheduled: NODES,
        currentNumberScheduled: NODES,
        numberMisscheduled: 0,
        numberReady: available,
        numberAvailable: available,
        numberUnavailable: NODES - available,
        updatedNumberScheduled: updated,
      },
    };
    push('ds', ms, [decided, ...extra(id)]);
  };

  for (let i = 0; i < NODES; i += 10)
    push(
      'nodes',
      t,
      Array.from({ length: Math.min(10, NODES - i) }, (_, k) => ({ ...base(t), type: E.NODE_OBSERVED, node: node(i + k, ++rv) }) as E.NodeObserved),
    );
  let hash = '';
  const podName = (revision: number, i: number) => `node-exporter-r${revision}-${i}`;
  for (let revision = 1; revision <= rollouts + 1; revision++) {
    const tpl = template(revision);
    const previous = hash;
    hash = templateHash(tpl);
    const ds: V1DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: KEY.name,
        namespace: NAMESPACE,
        uid: DS_UID,
        resourceVersion: String(++rv),
        generation: revision,
        managedFields: [{ manager: 'argocd-controller', operation: 'Update', time: new Date(t) }],
      },
      spec: {
        selector: { matchLabels: { app: 'node-exporter' } },
        minReadySeconds: 5,
        template: tpl,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: WAVE } },
      },
    };
    push('ds', t, [{ ...base(t), type: E.DAEMONSET_OBSERVED, daemonSet: ds }]);
    const recorded: E.RevisionRecorded = { ...base(t), type: E.REVISION_RECORDED, decisionId: decisionId(), revision, hash, template: tpl };
    if (revision === 1) {
      // The first install: every pod at once.
      decide(t, hash, 0, 0, NODES, (id) => [
        recorded,
        ...Array.from(
          { length: NODES },
          (_, i) =>
            ({
              ...base(t),
              type: E.POD_CREATE_REQUESTED,
              decisionId: id,
              namespace: NAMESPACE,
              podName: podName(1, i),
              nodeName: nodeName(i),
              hash,
            }) as E.PodCreateRequested,
        ),
      ]);
      podCommits(
        t + 1000,
        Array.from(
          { length: NODES },
          (_, i) =>
            ({ ...base(t + 1000), type: E.POD_OBSERVED, pod: pod(podName(1, i), i, hash, ++rv, t, { scheduled: true, readyAt: t + 1000 }) }) as E.PodObserved,
        ),
      );
      t += 10_000;
      decide(t, hash, NODES, NODES, NODES, () => []);
      continue;
    }
    for (let w = 0; w < NODES / WAVE; w++) {
      const wave = Array.from({ length: WAVE }, (_, k) => w * WAVE + k);
      const done = w * WAVE;
      decide(t, hash, done, NODES - WAVE, done + WAVE, (id) => [
        ...(w === 0 ? [recorded] : []),
        ...wave.map(
          (i) =>
            ({
              ...base(t),
              type: E.POD_DELETE_REQUESTED,
              decisionId: id,
              namespace: NAMESPACE,
              podName: podName(revision - 1, i),
              podUid: `uid-${podName(revision - 1, i)}`,
              nodeName: nodeName(i),
              reason: 'rolling update',
            }) as E.PodDeleteRequested,
        ),
      ]);
      push('ds', t, completed(wave, t, 'delete', revision - 1));
      podCommits(
        t,
        wave.map(
          (i) =>
            ({
              ...base(t),
              type: E.POD_OBSERVED,
              pod: pod(podName(revision - 1, i), i, previous, ++rv, t - 1, { scheduled: true, readyAt: t - 1, deleting: t + 30_000 }),
            }) as E.PodObserved,
        ),
      );
      podCommits(
        t + 30_000,
        wave.map(
          (i) =>
            ({
              ...base(t + 30_000),
              type: E.POD_DELETED,
              ref: { namespace: NAMESPACE, name: podName(revision - 1, i), uid: `uid-${podName(revision - 1, i)}`, resourceVersion: String(++rv) },
            }) as E.PodDeleted,
        ),
      );
      t += 30_000;
      decide(t, hash, done, NODES - WAVE, done + WAVE, (id) =>
        wave.map(
          (i) =>
            ({
              ...base(t),
              type: E.POD_CREATE_REQUESTED,
              decisionId: id,
              namespace: NAMESPACE,
              podName: podName(revision, i),
              nodeName: nodeName(i),
              hash,
            }) as E.PodCreateRequested,
        ),
      );
      push('ds', t, completed(wave, t, 'create', revision));
      podCommits(
        t + 1000,
        wave.map(
          (i) =>
            ({
              ...base(t + 1000),
              type: E.POD_OBSERVED,
              pod: pod(podName(revision, i), i, hash, ++rv, t, { scheduled: true, readyAt: t + 2000 }),
            }) as E.PodObserved,
        ),
      );
      t += 7_000;
      decide(t, hash, done + WAVE, NODES, done + WAVE, () => []);
      t += 1_000;
    }
    t += 3_600_000; // an hour between rollouts
  }
  return { log, events };
}

/** The baseline: one full fold of every stream of the history, as a rebuild from commit 1 does. */
function fullFold(log: AuditLog): number {
  let objects = 0;
  for (const commits of [log.nodes, log.pods, log.daemonSet]) {
    const state = emptyClusterState();
    for (const c of commits) fold(c.events, state);
    objects += Object.keys(state.pods).length + Object.keys(state.nodes).length;
  }
  return objects;
}

// Each timed run starts from a collected heap: otherwise the garbage one run leaves (a fold's whole
// cluster state) is collected during, and charged to, the next.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function timed(fn: () => unknown): number {
  collect();
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Alternating runs of the baseline and the view, so the machine's noise falls on both alike. */
function ratioTo(baseline: () => unknown, view: () => unknown, runs: number): { view: number; baseline: number } {
  baseline();
  view();
  const b: number[] = [],
    v: number[] = [];
  for (let r = 0; r < runs; r++) {
    b.push(timed(baseline));
    v.push(timed(view));
  }
  return { view: median(v), baseline: median(b) };
}

async function picture(emit: Emit): Promise<void> {
  const { log, events } = rolloutHistory(1); // the first install and one rollout of 5,000 nodes
  let html = '';
  const render = () => (html = renderRolloutHtml(pictureModel(readLifecycles(log), { title: 'monitoring/node-exporter' })));
  const t = ratioTo(() => fullFold(log), render, 5);
  emit('audit.html.5000_nodes.events', events, 'events');
  emit('audit.html.5000_nodes.ms', t.view, 'ms');
  emit('audit.html.5000_nodes.bytes', Buffer.byteLength(html), 'bytes');
  emit('audit.html.5000_nodes.fold.ms', t.baseline, 'ms');
  emit('audit.html.5000_nodes.ratio_to_fold', t.view / t.baseline, 'ratio');
}

async function longHistory(emit: Emit): Promise<void> {
  const { log, events } = rolloutHistory(29);
  const receipts = receiptsOf(log);
  if (receipts.length !== 30 || receipts.some((r) => r.nodesUpdated !== NODES || r.end === undefined))
    throw new Error('the receipts do not describe the history: a fast wrong answer measures nothing');
  const end = Date.parse(log.daemonSet.at(-1)!.time);
  const cost = costOf(log, OPENCOST_DEFAULT_PRICES, end - 7 * 86_400_000, end, 'instance-type');
  if (cost.podSeconds <= 0) throw new Error('the windowed cost saw no pod');
  emit('audit.history.events', events, 'events');
  const receipt = ratioTo(
    () => fullFold(log),
    () => receiptsOf(log),
    3,
  );
  emit('audit.receipt.ms', receipt.view, 'ms');
  emit('audit.receipt.fold.ms', receipt.baseline, 'ms');
  emit('audit.receipt.ratio_to_fold', receipt.view / receipt.baseline, 'ratio');
  const window = ratioTo(
    () => fullFold(log),
    () => costOf(log, OPENCOST_DEFAULT_PRICES, end - 7 * 86_400_000, end, 'instance-type'),
    3,
  );
  emit('cost.window.ms', window.view, 'ms');
  emit('cost.window.fold.ms', window.baseline, 'ms');
  emit('cost.window.ratio_to_fold', window.view / window.baseline, 'ratio');
}

const suite: BenchSuite = {
  name: 'audit',
  async run(emit) {
    await picture(emit);
    await longHistory(emit);
  },
};
export default suite;
