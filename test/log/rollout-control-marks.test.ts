// Events this build does not define — rollout control (pause, resume, waves) and fleet stages, which
// later work records — are read by their type name: a hand-built log with them shows pauses in the
// receipt, pause bands and marks in the picture, and rows grouped by wave.
import { describe, expect, it } from 'vitest';
import * as E from '../../domain/events';
import { OPENCOST_DEFAULT_PRICES } from '../../domain/cost';
import type { Commit } from '../../functions/adapters/event-store/port';
import { pictureModel, renderRolloutHtml, renderRolloutSvg } from '../../functions/cli/commands/render-rollout-picture';
import type { AuditLog } from '../../functions/log/audit-log';
import { readLifecycles } from '../../functions/log/lifecycles';
import { rolloutReceipts } from '../../functions/log/receipt';
import { aDaemonSet, at, CLUSTER, daemonSetObserved, decided, DS_STREAM, nodeObserved } from './fixtures';

const KEY = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };
const commit = (streamId: string, n: number, s: number, events: unknown[]): Commit => ({ streamId, commit: n, time: at(s).toISOString(), events: events as E.LogEvent[] });
const control = (type: string, s: number, fields: Record<string, unknown>) => ({ type, clusterId: CLUSTER, schemaVersion: 1, time: at(s).toISOString(), ...fields });

function controlledLog(): AuditLog {
  const nodes = ['n1', 'n2', 'n3', 'n4'];
  const revision: E.RevisionRecorded = { type: E.REVISION_RECORDED, clusterId: CLUSTER, schemaVersion: 1, time: at(1).toISOString(), decisionId: `${DS_STREAM}@2`, revision: 1, hash: 'h1', template: aDaemonSet().spec!.template };
  return {
    key: KEY,
    nodes: nodes.map((n, i) => commit(`${CLUSTER}/nodes`, i + 1, 0, [nodeObserved(n, String(i + 1), { 'topology.kubernetes.io/zone': i < 2 ? 'a' : 'b' })])),
    pods: [],
    daemonSet: [
      commit(DS_STREAM, 1, 0, [daemonSetObserved()]),
      commit(DS_STREAM, 2, 1, [{ ...decided(2, 1), status: { desiredNumberScheduled: 4, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }, waits: [{ nodeName: 'n3', reason: 'budget exhausted: maxUnavailable 1, 1 in use' }] }, revision]),
      commit(DS_STREAM, 3, 2, [control('WaveStarted', 2, { wave: 1, nodes: ['n1', 'n3'] })]),
      commit(DS_STREAM, 4, 5, [control('RolloutPaused', 5, { reason: 'maintenance window' })]),
      commit(DS_STREAM, 5, 9, [control('RolloutResumed', 9, {})]),
      commit(DS_STREAM, 6, 10, [control('WaveStarted', 10, { wave: 2, nodes: ['n2', 'n4'] })]),
      commit(DS_STREAM, 7, 11, [control('FleetStageStarted', 11, { stage: 'canary' })]),
      commit(DS_STREAM, 8, 12, [control('SomethingNew', 12, {})]),
    ],
  };
}

describe('rollout-control and fleet events, drawn by type name', () => {
  it('reads each as a mark with its kind, label, reason and nodes', () => {
    const marks = readLifecycles(controlledLog()).controls.map(({ type, kind, label, reason, nodes }) => ({ type, kind, label, reason, nodes }));
    expect(marks).toEqual([
      { type: 'WaveStarted', kind: 'wave-start', label: '1', reason: undefined, nodes: ['n1', 'n3'] },
      { type: 'RolloutPaused', kind: 'pause', label: undefined, reason: 'maintenance window', nodes: undefined },
      { type: 'RolloutResumed', kind: 'resume', label: undefined, reason: undefined, nodes: undefined },
      { type: 'WaveStarted', kind: 'wave-start', label: '2', reason: undefined, nodes: ['n2', 'n4'] },
      { type: 'FleetStageStarted', kind: 'stage-start', label: 'canary', reason: undefined, nodes: undefined },
      { type: 'SomethingNew', kind: 'other', label: undefined, reason: undefined, nodes: undefined },
    ]);
  });

  it('lists the pause and why in the receipt', () => {
    const log = controlledLog();
    const [receipt] = rolloutReceipts({ lifecycles: readLifecycles(log), prices: OPENCOST_DEFAULT_PRICES, commitTimes: { daemonSet: log.daemonSet.map((c) => ({ commit: c.commit, ms: Date.parse(c.time) })), nodes: [], pods: [] } });
    expect(receipt!.pauses).toEqual([{ at: at(5).toISOString(), until: at(9).toISOString(), reason: 'maintenance window' }]);
  });

  it('groups rows by wave, shades the pause and marks every event in the picture', () => {
    const model = pictureModel(readLifecycles(controlledLog()), { title: 't' });
    expect(model.groups.map((g) => [g.name, g.rows.map((r) => r.node)])).toEqual([
      ['wave 1', ['n1', 'n3']],
      ['wave 2', ['n2', 'n4']],
    ]);
    expect(pictureModel(readLifecycles(controlledLog()), { title: 't', groupBy: 'zone' }).groups.map((g) => g.name)).toEqual(['zone a', 'zone b']);
    const svg = renderRolloutSvg(model);
    expect(svg.match(/<rect class="paused"/g)).toHaveLength(1);
    expect(svg).toContain('<title>RolloutPaused: maintenance window</title>');
    expect(svg).toContain('<title>FleetStageStarted canary</title>');
    expect(svg).toContain('<title>SomethingNew</title>');
    expect(svg).toMatch(/<rect class="w-budget"[^>]*\/>/); // n3's wait strip
    expect(renderRolloutHtml(model)).toContain('"controls":[[');
  });
});
