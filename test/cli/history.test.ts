// `daemonloop history`: the timeline renderer on a hand-built stream, and the command against a
// control plane — while it runs (through its dynalite endpoint) and after it stopped (its data folder).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templateHash } from '../../domain';
import * as E from '../../domain/events';
import type { Commit } from '../../functions/adapters/event-store/port';
import { eventLogOf } from '../../functions/cli/event-log-source';
import { main } from '../../functions/cli/main';
import { historyJsonLines, renderHistory, renderReplay } from '../../functions/cli/commands/render-history';
import { dataDirIn } from '../../functions/cli/state-dir';
import { agentDaemonSet, podsByNode, startHarness } from '../e2e/harness';
import { actionCompleted, aDaemonSet, at, createRequested, daemonSetObserved, decided, decisionId, deleteRequested, DS_STREAM } from '../log/fixtures';
import { recordingIo } from './fake-io';

const commitsOf = (...groups: E.LogEvent[][]): Commit[] => groups.map((events, i) => ({ streamId: DS_STREAM, commit: i + 1, time: events[0]!.time, events }));
const workers = Array.from({ length: 20 }, (_, i) => `node-${i + 1}`);
const status = (desired: number, updated: number, available: number) => ({
  currentNumberScheduled: desired,
  desiredNumberScheduled: desired,
  numberMisscheduled: 0,
  numberReady: available,
  updatedNumberScheduled: updated,
  numberAvailable: available,
});
const budgetWaits = (nodes: string[]) => nodes.map((nodeName) => ({ nodeName, reason: 'budget exhausted: maxUnavailable 2, 2 in use' }));

/** A rollout's opening: the new template observed, two old pods deleted while 18 nodes wait, one delete already done. */
function rolloutStart(): Commit[] {
  const v2 = aDaemonSet('agent', '7');
  v2.metadata!.generation = 2;
  v2.spec!.template.spec!.containers[0]!.image = 'agent:2';
  const waiting = { ...decided(3, 10), currentHash: 'h2', status: status(20, 0, 18), waits: budgetWaits(workers.slice(2)) };
  return commitsOf(
    [daemonSetObserved(aDaemonSet('agent', '5'))],
    [{ ...daemonSetObserved(v2), time: at(10).toISOString() }],
    [
      { ...waiting, deletes: 2 },
      { ...deleteRequested(3, 'agent-a', 10), nodeName: 'node-1' },
      { ...deleteRequested(3, 'agent-b', 10), nodeName: 'node-2' },
      {
        type: E.REVISION_RECORDED,
        clusterId: 'c1',
        schemaVersion: 1,
        time: at(10).toISOString(),
        decisionId: decisionId(3),
        revision: 2,
        hash: 'h2',
        template: v2.spec!.template,
      },
    ],
    [
      { ...actionCompleted(3, 'delete', 'agent-a', 'succeeded'), nodeName: 'node-1', time: at(10).toISOString() },
      { ...actionCompleted(3, 'delete', 'agent-b', 'already-done'), nodeName: 'node-2', reason: '404 NotFound' },
    ],
    [{ ...waiting, decisionId: decisionId(5), time: at(11).toISOString() }],
    [{ ...waiting, decisionId: decisionId(6), time: at(12).toISOString() }],
    [
      {
        ...waiting,
        decisionId: decisionId(7),
        time: at(13).toISOString(),
        creates: 2,
        status: status(20, 2, 18),
        requeueAfterSeconds: 3,
        waits: [
          { nodeName: 'node-1', reason: 'waiting for minReadySeconds: available in 5s' },
          { nodeName: 'node-2', reason: 'waiting for minReadySeconds: available in 3s' },
          ...budgetWaits(workers.slice(2)),
        ],
      },
      createRequested(7, 'agent-c', 'node-1', 13, 'h2'),
      createRequested(7, 'agent-d', 'node-2', 13, 'h2'),
      {
        type: E.TIMER_SCHEDULED,
        clusterId: 'c1',
        schemaVersion: 1,
        time: at(13).toISOString(),
        decisionId: decisionId(7),
        dueAt: at(18).toISOString(),
        reason: 'node-1: waiting for minReadySeconds: available in 5s',
      },
    ],
    [
      { ...actionCompleted(7, 'create', 'agent-c', 'succeeded'), nodeName: 'node-1', time: at(13).toISOString() },
      { ...actionCompleted(7, 'create', 'agent-d', 'failed'), nodeName: 'node-2', reason: 'quota exceeded', time: at(13).toISOString() },
    ],
    [
      {
        type: E.STATUS_WRITTEN,
        clusterId: 'c1',
        schemaVersion: 1,
        time: at(14).toISOString(),
        decisionId: decisionId(7),
        status: status(20, 2, 18),
        outcome: 'succeeded',
      },
    ],
    [{ type: E.TIMER_FIRED, clusterId: 'c1', schemaVersion: 1, time: at(18).toISOString(), daemonSet: DS_STREAM, dueAt: at(18).toISOString() }],
  );
}

describe('renderHistory', () => {
  it('shows each decision with its actions, counters and requeue, its waits grouped by reason, then outcomes, timers and observations; repeats collapse', () => {
    expect(renderHistory(DS_STREAM, rolloutStart()).split('\n')).toEqual([
      'c1/daemonsets/default/agent: 10 commits, 4 decisions',
      '2026-01-01 00:00:00.000  #1  observed DaemonSet generation 1 (resourceVersion 5)',
      '2026-01-01 00:00:10.000  #2  observed DaemonSet generation 2 (resourceVersion 7)',
      `      template changed: ${templateHashOf('agent:1')} → ${templateHashOf('agent:2')}`,
      '2026-01-01 00:00:10.000  #3  decided  rev h2  delete 2 (agent-a on node-1, agent-b on node-2)  desired 20 updated 0 available 18',
      '      wait  budget exhausted: maxUnavailable 2, 2 in use — 18 nodes (node-3, node-4, node-5, node-6, node-7, … +13 more)',
      '      revision 2 recorded (h2)',
      '2026-01-01 00:00:10.000  #4  delete succeeded: 1 pod (node-1); delete already-done (404 NotFound): 1 pod (node-2)',
      '2026-01-01 00:00:11.000  #5  decided  rev h2  desired 20 updated 0 available 18',
      '      wait  budget exhausted: maxUnavailable 2, 2 in use — 18 nodes (node-3, node-4, node-5, node-6, node-7, … +13 more)',
      '2026-01-01 00:00:12.000  #6  decided as #5 again',
      '2026-01-01 00:00:13.000  #7  decided  rev h2  create 2 on node-1, node-2  desired 20 updated 2 available 18  requeue 3s',
      '      wait  waiting for minReadySeconds: available in 5s / available in 3s — 2 nodes (node-1, node-2)',
      '      wait  budget exhausted: maxUnavailable 2, 2 in use — 18 nodes (node-3, node-4, node-5, node-6, node-7, … +13 more)',
      '      timer due 2026-01-01 00:00:18.000 (node-1: waiting for minReadySeconds: available in 5s)',
      '2026-01-01 00:00:13.000  #8  create succeeded: 1 pod (node-1); create failed (quota exceeded): 1 pod (node-2)',
      '2026-01-01 00:00:14.000  #9  status written succeeded: desired 20 updated 2 available 18',
      '2026-01-01 00:00:18.000  #10  timer fired (due 2026-01-01 00:00:18.000)',
    ]);
  });

  it('summarises a wave of nodes waiting on different minReadySeconds remainders in one line', () => {
    const waits = workers.slice(0, 8).map((nodeName, i) => ({ nodeName, reason: `waiting for minReadySeconds: available in ${5 - (i % 4)}s` }));
    const relisted: E.RelistCompleted = {
      type: E.RELIST_COMPLETED,
      clusterId: 'c1',
      schemaVersion: 1,
      time: at(2).toISOString(),
      kind: 'DaemonSet',
      resourceVersion: '9',
      relistId: 'r',
      part: 1,
      parts: 1,
      presentUids: ['ds-uid'],
    };
    expect(
      renderHistory(DS_STREAM, commitsOf([{ ...decided(1, 1), waits, requeueAfterSeconds: 2 }], [relisted]))
        .split('\n')
        .slice(1),
    ).toEqual([
      '2026-01-01 00:00:01.000  #1  decided  rev h1  desired 0 updated 0 available 0  requeue 2s',
      '      wait  waiting for minReadySeconds: available in 5s / … / available in 2s (4 distinct) — 8 nodes (node-1, node-2, node-3, node-4, node-5, … +3 more)',
      '2026-01-01 00:00:02.000  #2  relist of DaemonSets completed (resourceVersion 9, part 1/1)',
    ]);
  });

  it('prints --json as one object per event, each with its commit', () => {
    const commits = rolloutStart();
    const lines = historyJsonLines(commits).map((l) => JSON.parse(l) as { commit: number; type: string });
    expect(lines).toHaveLength(commits.flatMap((c) => c.events).length);
    expect(lines.filter((l) => l.commit === 7).map((l) => l.type)).toEqual([
      E.RECONCILE_DECIDED,
      E.POD_CREATE_REQUESTED,
      E.POD_CREATE_REQUESTED,
      E.TIMER_SCHEDULED,
    ]);
  });

  it('reports a replay: all match, or each decision that differs with what differs', () => {
    expect(renderReplay({ decisions: 4, mismatches: [] })).toBe('replayed 4 decisions: all match');
    expect(
      renderReplay({
        decisions: 4,
        mismatches: [{ commit: 7, decisionId: decisionId(7), time: at(13).toISOString(), differences: ['waits: recorded 19, replayed 18'] }],
      }),
    ).toBe(
      ['decision #7 (2026-01-01 00:00:13.000) does not match its replay:', '  waits: recorded 19, replayed 18', 'replayed 4 decisions: 1 do not match'].join(
        '\n',
      ),
    );
  });
});

describe('daemonloop history', () => {
  it('reads the running control plane through its endpoint, and its data folder once it has stopped; --verify exits 1 on a forged decision', async () => {
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-history-'));
    const h = await startHarness({ nodes: 3, runtime: { stateDir: state, dataDir: dataDirIn(state) } });
    const args = ['history', 'agent', '-n', 'kube-system', '--state', state];
    try {
      await h.cp.applyDaemonSet(agentDaemonSet());
      await h.until(() => podsByNode(h.sim).size === 3, 'a pod on every node');

      const live = recordingIo();
      expect(await main([...args, '--verify'], live)).toBe(0);
      expect(live.stderr[0]).toMatch(/from the running control plane \(http:\/\/127\.0\.0\.1:\d+\)/);
      expect(live.stdout.join('\n')).toMatch(/#\d+ {2}decided {2}rev \w+ {2}create 3 on node-1, node-2, node-3 {2}desired 3 updated 3 available 0/);
      expect(live.stdout.at(-1)).toMatch(/^replayed \d+ decisions: all match$/);

      const missing = recordingIo();
      expect(await main(['history', 'nothing', '-n', 'kube-system', '--state', state], missing)).toBe(1);
      expect(missing.stderr.at(-1)).toBe('no history for local/daemonsets/kube-system/nothing');
    } finally {
      await h.close();
    }

    const stopped = recordingIo();
    expect(await main([...args, '--json'], stopped)).toBe(0);
    expect(stopped.stderr[0]).toBe(`reading local/daemonsets/kube-system/agent from ${dataDirIn(state)}`);
    const events = stopped.stdout.map((l) => JSON.parse(l) as E.LogEvent & { nodeName?: string });
    expect(
      events
        .filter((e) => e.type === E.POD_CREATE_REQUESTED)
        .map((e) => e.nodeName)
        .sort(),
    ).toEqual(['node-1', 'node-2', 'node-3']);

    const log = await eventLogOf({ positionals: [], values: { state } });
    try {
      const stream = 'local/daemonsets/kube-system/agent';
      const head = await log.store.latestCommit(stream);
      const last = events.filter((e): e is E.ReconcileDecided & { type: string } => e.type === E.RECONCILE_DECIDED).at(-1)!;
      const decisionId = `${stream}@${head + 1}`;
      await log.store.append(stream, head, [
        { ...last, decisionId, creates: 1, inputs: { ...last.inputs, streams: { ...last.inputs.streams, [stream]: head } } },
        {
          type: E.POD_CREATE_REQUESTED,
          clusterId: 'local',
          schemaVersion: 1,
          time: last.time,
          decisionId,
          namespace: 'kube-system',
          podName: 'agent-forged',
          nodeName: 'node-1',
          hash: last.currentHash,
        },
      ]);
    } finally {
      await log.close();
    }
    const forged = recordingIo();
    expect(await main([...args, '--verify'], forged)).toBe(1);
    expect(forged.stdout.join('\n')).toContain('  creates: recorded only node-1/agent-forged; replayed only none');
    expect(forged.stdout.join('\n').split('\n').at(-1)).toMatch(/^replayed \d+ decisions: 1 do not match$/);

    const nowhere = recordingIo();
    expect(await main(['history', 'agent', '--state', join(state, 'absent')], nowhere)).toBe(2);
    expect(nowhere.stderr[0]).toMatch(/no event log in .*absent/);
  });
});

function templateHashOf(image: string): string {
  const ds = aDaemonSet();
  ds.spec!.template.spec!.containers[0]!.image = image;
  return templateHash(ds.spec!.template);
}
