// `daemonloop plan` against a running control plane: the summary, the strategy comparison, JSON
// and SVG, bad input named, and a recorded plan shown beside the rollout it predicted.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import * as E from '../../domain/events';
import { main } from '../../functions/cli/main';
import { dataDirIn } from '../../functions/cli/state-dir';
import { plannedVsActual } from '../../functions/log/planned-vs-actual';
import { agentDaemonSet, NAMESPACE, startHarness } from '../e2e/harness';
import { recordingIo } from './fake-io';

const withGrace = (image: string, maxUnavailable = 2) => {
  const ds = agentDaemonSet({ image, maxUnavailable, minReadySeconds: 5 });
  ds.spec!.template.spec!.terminationGracePeriodSeconds = 30;
  return ds;
};

describe('plannedVsActual', () => {
  const base = { clusterId: 'c1', schemaVersion: 1 };
  const decided = (s: number, hash: string, updated: number, available: number): E.LogEvent => ({
    ...base,
    type: E.RECONCILE_DECIDED,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString(),
    decisionId: `d@${s}`,
    daemonSetUid: 'u',
    inputs: { streams: {} },
    creates: 0,
    deletes: 0,
    status: {
      currentNumberScheduled: 4,
      desiredNumberScheduled: 4,
      numberMisscheduled: 0,
      numberReady: available,
      updatedNumberScheduled: updated,
      numberAvailable: available,
    },
    waits: [],
    failedPodBackoff: {},
    currentHash: hash,
  });
  const planned: E.RolloutPlanned = {
    ...base,
    type: E.ROLLOUT_PLANNED,
    time: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    hash: 'h2',
    strategy: 'maxUnavailable 2, maxSurge 0',
    p50Ms: 40_000,
    p90Ms: 45_000,
    peakUnavailable: 2,
  };

  it('measures from the first decision for the planned hash after the plan to the first that finds every node updated and available', () => {
    const events = [
      decided(1, 'h1', 4, 4),
      planned,
      decided(5, 'h1', 4, 4),
      decided(10, 'h2', 0, 2),
      decided(30, 'h2', 2, 2),
      decided(52, 'h2', 4, 4),
      decided(60, 'h2', 4, 4),
    ];
    expect(plannedVsActual(events)).toEqual([{ planned, startedAt: events[3]!.time, finishedAt: events[5]!.time, actualMs: 42_000 }]);
  });

  it('has no actual while the rollout runs, and ignores an earlier rollout of the same template', () => {
    const events = [decided(1, 'h2', 4, 4), planned, decided(10, 'h2', 1, 3)];
    expect(plannedVsActual(events)).toEqual([{ planned, startedAt: events[2]!.time }]);
  });
});

describe('daemonloop plan', () => {
  it('plans from the log, compares strategies, records the plan and shows it beside the rollout', async () => {
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-plan-'));
    const h = await startHarness({ nodes: 6, runtime: { stateDir: state, dataDir: dataDirIn(state) } });
    try {
      await h.cp.applyDaemonSet(withGrace('agent:1'));
      await h.until(() => (h.sim.daemonSet(NAMESPACE, 'agent')?.status?.numberAvailable ?? 0) === 6, 'agent:1 available');
      const file = join(state, 'agent-v2.yaml');
      await writeFile(file, stringify(withGrace('agent:2')));
      const common = ['-f', file, '-n', NAMESPACE, '--state', state, '--loop-latency-ms', '0'];

      const summary = recordingIo();
      const svg = join(state, 'plan.svg');
      expect(await main(['plan', ...common, '--svg', svg, '--record'], summary)).toBe(0);
      expect(summary.stdout.join('\n')).toMatch(/^Plan for kube-system\/agent: 6 eligible nodes, maxUnavailable 2, maxSurge 0\nDuration +p50 /);
      expect(summary.stdout.join('\n')).toContain('this DaemonSet on default (6 pods)');
      expect(summary.stderr.join('\n')).toContain('plan recorded in local/daemonsets/kube-system/agent');
      expect(summary.stdout.join('\n')).toMatch(
        /Waves, in order \(the median run\):\n# +WAVE +NODES +START +END +DURATION +SOAK UNTIL\n1 +all nodes +6 +\+0\.0s +\+[0-9.]+s +[0-9.]+s +-/,
      );
      expect(await readFile(svg, 'utf8')).toMatch(/^<svg [^>]*>\n<title>kube-system\/agent<\/title>/);

      const json = recordingIo();
      expect(await main(['plan', ...common, '-o', 'json'], json)).toBe(0);
      const plan = JSON.parse(json.stdout.join('\n')) as {
        plan: {
          durationP50Ms: number;
          peakUnavailable: number;
          eligibleNodes: number;
          waves: { name: string; nodes: number; startMs: number; endMs: number }[];
        };
      };
      expect(plan.plan.waves).toEqual([{ name: 'all nodes', nodes: 6, startMs: 0, endMs: plan.plan.durationP50Ms }]);
      expect(plan.plan.eligibleNodes).toBe(6);
      expect(plan.plan.peakUnavailable).toBe(2);
      // Three waves of two nodes: the 30 s grace period, then start-up and minReadySeconds 5 s each.
      expect(plan.plan.durationP50Ms).toBeGreaterThanOrEqual(3 * 35_000);

      const compare = recordingIo();
      expect(await main(['plan', ...common, '--max-unavailable', '1,3', '--max-unavailable', '100%'], compare)).toBe(0);
      const rows = compare.stdout.join('\n').split('\n');
      expect(rows[0]).toMatch(/^STRATEGY +P50 +P90 +PEAK UNAVAILABLE/);
      expect(rows.slice(1).map((l) => l.split(/ {3,}/)[0])).toEqual([
        'maxUnavailable 1, maxSurge 0',
        'maxUnavailable 3, maxSurge 0',
        'maxUnavailable 100%, maxSurge 0',
      ]);

      const badValue = recordingIo();
      expect(await main(['plan', ...common, '--max-unavailable', 'two'], badValue)).toBe(2);
      expect(badValue.stderr[0]).toBe('error: --max-unavailable two: want a whole number or a percentage (2, 10%)');
      const badImage = recordingIo();
      expect(await main(['plan', ...common, '--set-image', 'sidecar=x:1'], badImage)).toBe(2);
      expect(badImage.stderr[0]).toBe('error: --set-image sidecar=x:1: no container named sidecar (have agent)');

      // The rollout it predicted: `rollout status` holds the recorded plan against what it took.
      await h.cp.applyDaemonSet(withGrace('agent:2'));
      await h.until(() => {
        const s = h.sim.daemonSet(NAMESPACE, 'agent')?.status;
        return s?.updatedNumberScheduled === 6 && s.numberAvailable === 6 && h.sim.pods({ namespace: NAMESPACE }).length === 6;
      }, 'agent:2 rolled out');
      await h.runtime.settle();
      const status = recordingIo();
      expect(await main(['rollout', 'status', 'agent', '-n', NAMESPACE, '--state', state], status)).toBe(0);
      expect(status.stderr.join('\n')).toMatch(/planned: p50 [0-9.]+ s \(p90 [0-9.]+ s\); took [0-9.]+ s \([+-][0-9]+% of p50\)/);

      // …and so does its receipt: the recorded plan's figures beside the actual ones.
      const receipt = recordingIo();
      expect(await main(['rollout', 'receipt', 'agent', '-n', NAMESPACE, '--state', state, '-o', 'json', '--revision', '2'], receipt)).toBe(0);
      const r = JSON.parse(receipt.stdout[0]!) as {
        durationSeconds: number;
        peakUnavailable: number;
        surgePodHours: number;
        planned: { p50Seconds: number; p90Seconds: number; peakUnavailable: number; surgePodHours: number; strategy: string };
      };
      expect(r.planned).toMatchObject({ strategy: 'maxUnavailable 2, maxSurge 0', peakUnavailable: 2, surgePodHours: 0 });
      expect(r.planned.p50Seconds).toBeGreaterThanOrEqual(3 * 35);
      expect(r.planned.p90Seconds).toBeGreaterThanOrEqual(r.planned.p50Seconds);
      expect(r.peakUnavailable).toBe(2);
      expect(r.surgePodHours).toBe(0);
    } finally {
      await h.close();
    }
  }, 300_000);
});
