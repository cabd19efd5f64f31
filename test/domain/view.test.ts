// What a reconcile sees: its DaemonSet, all nodes, its pods — and its open intents applied, so a
// decision already taken is never taken again.
import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/evolve';
import { decisionEvents } from '../../domain/decision-events';
import { CONTROLLER_REVISION_HASH_LABEL, reconcile, rolloutStatus } from '../../domain/index';
import type { DaemonSetKey } from '../../domain/streams';
import { decisionView, reconcileInput } from '../../domain/view';
import {
  aDaemonSet,
  at,
  CLUSTER,
  createRequested,
  daemonSetDeleted,
  daemonSetObserved,
  decided,
  deleteRequested,
  actionCompleted,
  nodeObserved,
  podDeleted,
  podObserved,
} from '../log/fixtures';
import type { LogEvent } from '../../domain/events';

const key: DaemonSetKey = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };
const cluster = [daemonSetObserved(), nodeObserved('n1', '2'), nodeObserved('n2', '3')];
const names = (pods: { metadata?: { name?: string } }[]) => pods.map((p) => p.metadata!.name).sort();

describe('reconcileInput', () => {
  it('is undefined for an unknown or deleted DaemonSet', () => {
    expect(reconcileInput(fold([nodeObserved('n1', '2')]), key, at(0))).toBeUndefined();
    expect(reconcileInput(fold([...cluster, daemonSetDeleted('agent', '9')]), key, at(0))).toBeUndefined();
  });

  it('holds every node, and the namespace’s pods the DaemonSet owns or selects', () => {
    const state = fold([
      ...cluster,
      podObserved('owned', '4', { owner: 'ds-uid', labels: { other: 'x' } }),
      podObserved('selected', '5'),
      podObserved('unrelated', '6', { labels: { app: 'db' } }),
      podObserved('elsewhere', '7', { namespace: 'other' }),
    ]);
    const input = reconcileInput(state, key, at(0))!;
    expect(input.daemonSet.metadata!.uid).toBe('ds-uid');
    expect(names(input.nodes)).toEqual(['n1', 'n2']);
    expect(names(input.pods)).toEqual(['owned', 'selected']);
    expect(input.now).toEqual(at(0));
  });

  it('shows a pending create as the requested pod: on its node, unbound, hashed, created at the request', () => {
    const state = fold([...cluster, decided(1, 10), createRequested(1, 'agent-x', 'n1', 10, 'h7')]);
    const [pod] = reconcileInput(state, key, at(20))!.pods;
    expect(pod!.metadata).toMatchObject({ name: 'agent-x', namespace: 'default', creationTimestamp: at(10) });
    expect(pod!.metadata!.labels).toMatchObject({ app: 'agent', [CONTROLLER_REVISION_HASH_LABEL]: 'h7' });
    expect(pod!.metadata!.ownerReferences).toEqual([expect.objectContaining({ uid: 'ds-uid', controller: true })]);
    expect(pod!.spec!.nodeName).toBeUndefined();
    expect(pod!.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
    ]);
    expect(pod!.status).toEqual({ phase: 'Pending' });
  });

  it('ends a pending create once a pod of its name is observed, and reports it settled', () => {
    const state = fold([...cluster, decided(1), createRequested(1, 'agent-x', 'n1'), podObserved('agent-x', '8', { node: 'n1', owner: 'ds-uid' })]);
    const view = decisionView(state, key, at(1))!;
    expect(view.input.pods.map((p) => p.metadata!.uid)).toEqual(['uid-agent-x']);
    expect(view.settledIntents).toEqual({ creates: ['agent-x'], deletes: [] });
  });

  it('lets a pending create expire after five minutes (upstream ExpectationsTimeout)', () => {
    const state = fold([...cluster, decided(1, 0), createRequested(1, 'agent-x', 'n1', 0)]);
    expect(names(reconcileInput(state, key, at(299))!.pods)).toEqual(['agent-x']);
    expect(reconcileInput(state, key, at(300))!.pods).toEqual([]);
  });

  it('shows a pod with a pending delete as terminating since the request, until it is seen terminating or gone', () => {
    const pod = (rv: string, deleting?: Date) => podObserved('old', rv, { node: 'n1', owner: 'ds-uid', ...(deleting ? { deleting } : {}) });
    const requested = fold([...cluster, pod('4'), decided(1, 3), deleteRequested(1, 'old', 3)]);
    const [shown] = reconcileInput(requested, key, at(4))!.pods;
    expect(shown!.metadata).toMatchObject({ name: 'old', uid: 'uid-old', deletionTimestamp: at(3) });
    expect(requested.pods['uid-old']!.metadata!.deletionTimestamp).toBeUndefined(); // the view, not the state
    const terminating = fold([...cluster, pod('4'), decided(1), deleteRequested(1, 'old'), pod('9', at(1))]);
    const view = decisionView(terminating, key, at(2))!;
    expect(names(view.input.pods)).toEqual(['old']);
    expect(view.settledIntents.deletes).toEqual(['old']);
  });

  it('leaves out a terminal pod with a pending delete, as upstream leaves out deleted terminal pods', () => {
    const state = fold([...cluster, podObserved('failed', '4', { node: 'n1', owner: 'ds-uid', phase: 'Failed' }), decided(1), deleteRequested(1, 'failed')]);
    const result = reconcile(reconcileInput(state, key, at(1))!);
    expect(result.create.map((c) => c.nodeName).sort()).toEqual(['n1', 'n2']);
    expect(result.delete).toEqual([]);
  });

  it('creates nothing on a node whose pod it asked to delete while that pod may still run (maxSurge 0)', () => {
    const ready = at(0);
    const state = fold([
      ...cluster,
      podObserved('p1', '4', { node: 'n1', owner: 'ds-uid', readySince: ready, labels: { app: 'agent', [CONTROLLER_REVISION_HASH_LABEL]: 'old' } }),
      podObserved('p2', '5', { node: 'n2', owner: 'ds-uid', readySince: ready, labels: { app: 'agent', [CONTROLLER_REVISION_HASH_LABEL]: 'old' } }),
      decided(1, 1),
      deleteRequested(1, 'p1', 1), // the rolling update's delete, not yet observed
    ]);
    const result = reconcile(reconcileInput(state, key, at(2))!); // e.g. the wake-up the status write caused
    expect(result.create).toEqual([]);
    expect(result.delete).toEqual([]); // and p2 waits: p1's node is unavailable (maxUnavailable 1)
    expect(result.waits).toContainEqual(expect.objectContaining({ nodeName: 'n1', reason: expect.stringMatching(/^terminating pod/) }));
    expect(result.status).toMatchObject({ currentNumberScheduled: 2, numberReady: 2 }); // upstream counts a terminating pod
  });

  it('with surge, starts the new pod beside an old one it asked to delete (upstream: every pod terminating)', () => {
    const ds = aDaemonSet();
    ds.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
    const state = fold([
      daemonSetObserved(ds),
      nodeObserved('n1', '2'),
      podObserved('p1', '4', { node: 'n1', owner: 'ds-uid', phase: 'Failed' }),
      podObserved('p2', '5', { node: 'n1', owner: 'ds-uid', readySince: at(0), labels: { app: 'agent', [CONTROLLER_REVISION_HASH_LABEL]: 'old' } }),
      decided(1, 1),
      deleteRequested(1, 'p2', 1),
    ]);
    const result = reconcile(reconcileInput(state, key, at(2))!);
    expect(result.create.map((c) => c.nodeName)).toEqual(['n1']);
  });

  it('does not apply a deleted namesake’s intents to a recreated DaemonSet', () => {
    const recreated = daemonSetObserved(aDaemonSet('agent', '20', 'ds-uid-2'));
    const state = fold([...cluster, decided(1), createRequested(1, 'agent-x', 'n1'), daemonSetDeleted('agent', '10'), recreated]);
    const input = reconcileInput(state, key, at(1))!;
    expect(input.daemonSet.metadata!.uid).toBe('ds-uid-2');
    expect(input.pods).toEqual([]);
  });

  it('never takes the same decision twice: after a decision is logged, the next reconcile creates nothing', () => {
    const state = fold(cluster);
    const input = reconcileInput(state, key, at(0))!;
    const result = reconcile(input);
    expect(result.create.map((c) => c.nodeName).sort()).toEqual(['n1', 'n2']);
    const marks = { streams: {}, daemonSetUid: 'ds-uid', settledIntents: { creates: [], deletes: [] } };
    fold(decisionEvents({ key, commit: 2, input, result, marks }), state);
    const again = reconcile(reconcileInput(state, key, at(5))!);
    expect(again.create).toEqual([]);
    expect(again.delete).toEqual([]);
  });

  /** Decides on the state, folds the decision into it, and returns what it created. */
  const decideAndFold = (state: ReturnType<typeof fold>, commit: number, s: number) => {
    const view = decisionView(state, key, at(s))!;
    const result = reconcile(view.input);
    const marks = { streams: {}, daemonSetUid: 'ds-uid', settledIntents: view.settledIntents };
    fold(decisionEvents({ key, commit, input: view.input, result, marks }), state);
    return result.create.map((c) => c.pod.metadata!.name!);
  };
  const nameTaken = (commit: number, podName: string): LogEvent => ({
    ...actionCompleted(commit, 'create', podName, 'failed'),
    nodeName: 'n1',
    reason: 'pods "x" already exists',
    retryable: true,
    nameTaken: true,
  });

  it('moves past a name the API said another pod holds, and never asks for it again (no loop)', () => {
    const state = fold([daemonSetObserved(), nodeObserved('n1', '2')]);
    const [first] = decideAndFold(state, 2, 0);
    fold([nameTaken(2, first!)], state);
    const [second] = decideAndFold(state, 3, 1);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    fold([nameTaken(3, second!)], state);
    const [third] = decideAndFold(state, 4, 2);
    expect(new Set([first, second, third]).size).toBe(3);
  });

  it('skips the name of any pod the fold still holds in the namespace, even one it no longer selects or owns', () => {
    const state = fold([daemonSetObserved(), nodeObserved('n1', '2')]);
    const [first] = decideAndFold(state, 2, 0);
    const foreign = podObserved(first!, '5', { node: 'n1', labels: { app: 'relabelled' } }); // released, then kept by the fold
    fold([foreign], state);
    const [second] = decideAndFold(state, 3, 400); // the first intent has expired
    expect(second).not.toBe(first);
  });

  it('closes a create once its pod was seen, even if it was deleted before the next decision', () => {
    const state = fold([daemonSetObserved(), nodeObserved('n1', '2')]);
    const [first] = decideAndFold(state, 2, 0);
    const created = podObserved(first!, '5', { node: 'n1', owner: 'ds-uid' });
    created.pod.metadata!.uid = 'uid-created';
    const deleted = podDeleted(first!, '6');
    deleted.ref.uid = 'uid-created';
    fold([created, deleted], state);
    const view = decisionView(state, key, at(10))!;
    expect(view.input.pods).toEqual([]); // no phantom on n1
    expect(view.settledIntents.creates).toEqual([first]);
    const [again] = decideAndFold(state, 3, 10);
    expect(again).toBeDefined();
    expect(again).not.toBe(first); // a recently deleted name is not reused
  });

  it('shows one node per name, the newest, when a missed delete leaves a recreated node beside its old object', () => {
    const recreated = nodeObserved('n1', '20', { zone: 'new' });
    recreated.node.metadata!.uid = 'uid-n1-again';
    const state = fold([daemonSetObserved(), nodeObserved('n1', '2', { zone: 'old' }), recreated]);
    const nodes = reconcileInput(state, key, at(0))!.nodes;
    expect(nodes.map((n) => [n.metadata!.name, n.metadata!.uid])).toEqual([['n1', 'uid-n1-again']]);
  });

  it('counts a requested pod in status as scheduled, never as ready or available, so a rollout is never reported done early (harmless)', () => {
    const state = fold([...cluster]);
    decideAndFold(state, 2, 0);
    const status = reconcile(reconcileInput(state, key, at(1))!).status;
    expect(status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 0, numberAvailable: 0, numberUnavailable: 2 });
    expect(rolloutStatus({ ...aDaemonSet(), status: { ...status, observedGeneration: 1 } }).done).toBe(false);
  });

  it('does not let a pod the fold keeps after it stopped being ours (relabelled, released, deleted unseen) hide a node or settle a create', () => {
    const state = fold([daemonSetObserved(), nodeObserved('n1', '2'), podObserved('released', '5', { node: 'n1', labels: { app: 'other' } })]);
    const [name] = decideAndFold(state, 2, 0);
    expect(name).toBeDefined(); // n1 is served by nobody of ours
    expect(name).not.toBe('released');
    expect(decisionView(state, key, at(1))!.settledIntents.creates).toEqual([]);
  });

  it('keeps a requested pod the rollout deletes before it is observed on its node, as terminating, until it is seen and deleted for real', () => {
    const ds = aDaemonSet();
    ds.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } };
    const state = fold([daemonSetObserved(ds), nodeObserved('n1', '2')]);
    const [first] = decideAndFold(state, 2, 0); // requested, not yet observed
    const v2 = structuredClone(ds);
    v2.metadata!.resourceVersion = '9';
    v2.spec!.template.spec!.containers[0]!.image = 'agent:2';
    fold([daemonSetObserved(v2)], state);
    const view = decisionView(state, key, at(1))!;
    const result = reconcile(view.input);
    expect(result.delete.map((d) => d.podName)).toEqual([first]); // an old pod not available: replaced at once
    fold(
      decisionEvents({ key, commit: 3, input: view.input, result, marks: { streams: {}, daemonSetUid: 'ds-uid', settledIntents: view.settledIntents } }),
      state,
    );
    fold([{ ...actionCompleted(3, 'delete', first!, 'failed'), reason: 'not yet observed' }], state);
    // The create may have landed: the node is not empty until the pod is seen and gone.
    const next = reconcile(reconcileInput(state, key, at(2))!);
    expect(next.create).toEqual([]);
    expect(reconcileInput(state, key, at(2))!.pods.map((p) => [p.metadata!.name, p.metadata!.deletionTimestamp !== undefined])).toEqual([[first, true]]);
  });
});
