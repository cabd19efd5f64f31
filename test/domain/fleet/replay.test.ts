// fleet history --verify: each recorded fleet decision, decided again from the stream before it
// and what it recorded reading, equals what was recorded — and a changed fleet rule, or a changed
// record of what a decision read, makes the replay fail naming the decision's commit.
import { describe, expect, it } from 'vitest';
import { decideFleet, type FleetInput } from '../../../domain/fleet/decide';
import type { FleetDecided, FleetEvent } from '../../../domain/fleet/events';
import type { ClusterObservation } from '../../../domain/fleet/progressive';
import { replayFleet } from '../../../domain/fleet/replay';
import { foldFleet } from '../../../domain/fleet/state';
import type { FleetCluster, FleetStage } from '../../../domain/fleet/types';
import { aFleet, at, cluster, done, FOUR, rolling } from './builders';

const STAGES: FleetStage[] = [
  { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } },
  { name: 'staging', clusterSelector: { matchLabels: { env: 'staging' } }, minSuccessSeconds: 300 },
  { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, maxConcurrency: 1 },
];

/** A run recorded as the fleet loop records it: each decision's commit, then its writes' outcomes. */
function recordRun() {
  const commits: { commit: number; events: FleetEvent[] }[] = [];
  let state = foldFleet([]);
  const append = (events: FleetEvent[]) => {
    commits.push({ commit: commits.length + 1, events: JSON.parse(JSON.stringify(events)) as FleetEvent[] }); // as the store returns them
    state = foldFleet(events, state);
  };
  const observed: Record<string, ClusterObservation> = {};
  let clusters: FleetCluster[] = FOUR;
  const step = (s: number) => {
    const d = decideFleet({ state, clusters, observed, now: at(s) })!;
    if (d.recorded.length > 0) append(d.recorded);
    const written = d.write.map(
      (w): FleetEvent => ({ type: 'FleetClusterWritten', time: at(s).toISOString(), clusterId: w.clusterId, revision: w.revision, outcome: 'succeeded' }),
    );
    if (written.length > 0) append(written);
  };
  append([
    {
      type: 'FleetApplied',
      time: at(0).toISOString(),
      fleet: aFleet({ rollout: { stages: STAGES }, disruptionBudget: { maxUnavailableNodes: '10%' } }),
      revision: 1,
    },
  ]);
  step(0);
  observed['dev-1'] = { ...rolling(1, 4), at: 7 };
  step(10);
  observed['dev-1'] = { ...done(1), at: 9 };
  step(20); // dev done: staging starts
  observed['staging-1'] = done(1);
  step(30); // staging done: soaking
  step(200); // still soaking: nothing recorded
  clusters = [...FOUR.filter((c) => c.clusterId !== 'prod-b'), cluster('prod-b', { env: 'prod', region: 'eu' })]; // relabelled
  step(330); // soak over: prod starts
  return commits;
}

const decisionsOf = (commits: { events: FleetEvent[] }[]) => commits.flatMap((c) => c.events.filter((e): e is FleetDecided => e.type === 'FleetDecided'));

describe('replayFleet', () => {
  it('decides every recorded fleet decision again and finds each equal', () => {
    const commits = recordRun();
    const report = replayFleet(commits);
    expect(report.mismatches).toEqual([]);
    expect(report.decisions).toBe(decisionsOf(commits).length);
    expect(report.decisions).toBeGreaterThanOrEqual(4);
  });

  it('records the registry only when it changed since the last recorded decision, and each member observation with its stream commit', () => {
    const decided = decisionsOf(recordRun());
    expect(decided.map((d) => d.clusters !== undefined)).toEqual([true, false, false, true]); // first, then the relabel (a decision that changed nothing records nothing)
    expect(decided[1]!.observed['dev-1']).toEqual({ ...done(1), at: 9 });
    expect(decided.at(-1)!.clusters!.find((c) => c.clusterId === 'prod-b')!.labels).toEqual({ env: 'prod', region: 'eu' });
  });

  it('fails naming the decision when a fleet rule changed (the soak no longer holds the next stage)', () => {
    const commits = recordRun();
    const noSoak = (input: FleetInput) => {
      const run = input.state.run;
      const state = run
        ? { ...input.state, run: { ...run, plan: { ...run.plan, stages: run.plan.stages.map((s) => ({ ...s, minSuccessSeconds: 0 })) } } }
        : input.state;
      return decideFleet({ ...input, state });
    };
    const report = replayFleet(commits, noSoak);
    const soakStarts = commits.find((c) => c.events.some((e) => e.type === 'FleetClusterSucceeded' && e.clusterId === 'staging-1'))!;
    expect(report.mismatches.map((m) => m.commit)).toEqual([soakStarts.commit]);
    expect(report.mismatches[0]!.time).toBe(at(30).toISOString());
    expect(report.mismatches[0]!.differences.join('\n')).toMatch(/event 2: recorded FleetDecided .*, replayed FleetClusterStarted .*prod-a/);
  });

  it('fails naming the decision when what it read was changed in the log', () => {
    const commits = recordRun();
    const second = commits.filter((c) => c.events.some((e) => e.type === 'FleetDecided'))[1]!; // dev-1 succeeded on it
    const decided = second.events.find((e): e is FleetDecided => e.type === 'FleetDecided')!;
    decided.observed['dev-1'] = rolling(1, 9);
    const report = replayFleet(commits);
    expect(report.mismatches.map((m) => m.commit)).toEqual([second.commit]);
    expect(report.mismatches[0]!.differences[0]).toMatch(/event 1: recorded FleetClusterSucceeded/);
  });

  it('refuses a stream with a gap', () => {
    const commits = recordRun();
    expect(() => replayFleet(commits.filter((c) => c.commit !== 3))).toThrow(/commit 4 follows 2, a gap/);
  });
});
