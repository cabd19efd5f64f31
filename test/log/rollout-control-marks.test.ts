// Rollout control in the audit views: the log records no event of its own for a pause, a wave or a
// failure-budget stop — they are the transitions between consecutive decided statuses, as
// `history` lists them. A log whose statuses the domain itself decided (zone waves with a soak, a
// pause and resume, a failure-budget stop) shows them as marks and bands in the picture, with
// rows grouped by wave, and as pauses in the receipt.
import { describe, expect, it } from 'vitest';
import type * as E from '../../domain/events';
import { OPENCOST_DEFAULT_PRICES } from '../../domain/cost';
import { controlBands, pictureModel, renderRolloutHtml, renderRolloutSvg } from '../../functions/cli/commands/render-rollout-picture';
import { readLifecycles } from '../../functions/log/lifecycles';
import { rolloutReceipts } from '../../functions/log/receipt';
import { NOW } from '../domain/builders';
import { decided, DS_STREAM } from './fixtures';
import { controlledLog, statuses, t } from './rollout-control-log';

describe('rollout control in the audit views', () => {
  it('reads the transitions of the decided statuses as marks: waves, the soak, the pause and resume, the stop', () => {
    const marks = readLifecycles(controlledLog()).controls.map(({ ms, type, kind, label, untilMs }) => ({
      s: (ms - NOW.getTime()) / 1000,
      type,
      kind,
      label,
      untilMs,
    }));
    expect(marks).toEqual([
      { s: 0, type: 'RolloutStarted', kind: 'rollout-start', label: undefined, untilMs: undefined },
      { s: 0, type: 'WaveStarted', kind: 'wave-start', label: 'zones/zone-a', untilMs: undefined },
      { s: 20, type: 'WaveFinished', kind: 'soak', label: 'zones/zone-a', untilMs: t(65).getTime() },
      { s: 70, type: 'WaveStarted', kind: 'wave-start', label: 'zones/zone-b', untilMs: undefined },
      { s: 80, type: 'Paused', kind: 'pause', label: undefined, untilMs: undefined },
      { s: 100, type: 'Resumed', kind: 'resume', label: undefined, untilMs: undefined },
      { s: 110, type: 'FailureBudgetExceeded', kind: 'pause', label: undefined, untilMs: undefined },
    ]);
    const stop = readLifecycles(controlledLog()).controls.at(-1)!;
    expect(stop.reason).toMatch(/^1 nodes failed, more than maxFailedNodes 0 \(0\): zone-b-0 \(pod Failed\)/);
  });

  it('lists the pause and the stop, with why, in the receipt', () => {
    const log = controlledLog();
    const [receipt] = rolloutReceipts({
      lifecycles: readLifecycles(log),
      prices: OPENCOST_DEFAULT_PRICES,
      commitTimes: { daemonSet: log.daemonSet.map((c) => ({ commit: c.commit, ms: Date.parse(c.time) })), nodes: [], pods: [] },
    });
    expect(receipt!.pauses).toEqual([
      { at: t(80).toISOString(), until: t(100).toISOString(), reason: 'spec.paused is true' },
      { at: t(110).toISOString(), reason: expect.stringMatching(/zone-b-0 \(pod Failed\)/) },
    ]);
  });

  it('groups rows by wave in rollout order, and draws the soak, pause and stop as bands and every transition as a mark', () => {
    const model = pictureModel(readLifecycles(controlledLog()), { title: 't' });
    expect(model.groups.map((g) => [g.name, g.rows.map((r) => r.node)])).toEqual([
      ['wave zones/zone-a', ['zone-a-0', 'zone-a-1']],
      ['wave zones/zone-b', ['zone-b-0', 'zone-b-1']],
    ]);
    expect(controlBands(model).map(({ cls, from, to }) => [cls, (from - NOW.getTime()) / 1000, (to - NOW.getTime()) / 1000])).toEqual([
      ['soaking', 20, 65], // until its planned end: zone-b started later
      ['paused', 80, 100],
      ['stopped', 110, 130], // open: to the picture's end
    ]);
    const svg = renderRolloutSvg(model);
    expect([...svg.matchAll(/<rect class="(paused|stopped|soaking)"[^>]*><title>/g)].map((m) => m[1])).toEqual(['soaking', 'paused', 'stopped']); // the legend's have no title
    expect(svg).toContain('<title>WaveFinished zones/zone-a: soaking until ');
    expect(svg).toContain('<title>WaveStarted zones/zone-b</title>');
    expect(svg).toContain('<title>Paused: spec.paused is true</title>');
    expect(svg).toContain('<title>Resumed: spec.paused is false</title>');
    expect(svg).toMatch(/<line class="control pause"[^>]*><title>FailureBudgetExceeded: 1 nodes failed/);
    const html = renderRolloutHtml(model);
    const data = JSON.parse(/<script id="rollout-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { controls: unknown[][] };
    expect(data.controls.map((c) => c[1])).toEqual([
      'RolloutStarted',
      'WaveStarted',
      'WaveFinished',
      'WaveStarted',
      'Paused',
      'Resumed',
      'FailureBudgetExceeded',
    ]);
    expect(html.match(/data-c="\d+"/g)!.length).toBeGreaterThanOrEqual(2 * 10); // each section: 3 bands + 7 marks
  });

  it('draws a deadline breach', () => {
    const deadline = [
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'no progress for 30s in zones/zone-b: 0 of 2 nodes updated' },
    ];
    const log = controlledLog();
    const [last] = statuses().slice(-2);
    const breached = { ...last!.status, conditions: [...(last!.status.conditions ?? []).filter((c) => c.type !== 'Progressing'), ...deadline] };
    log.daemonSet.push({
      streamId: DS_STREAM,
      commit: 9,
      time: t(150).toISOString(),
      events: [{ ...decided(9), time: t(150).toISOString(), status: breached }] as E.LogEvent[],
    });
    const marks = readLifecycles(log).controls.filter((c) => c.kind === 'deadline');
    expect(marks.map((c) => [c.type, c.reason])).toEqual([['ProgressDeadlineExceeded', deadline[0]!.message]]);
    expect(renderRolloutSvg(pictureModel(readLifecycles(log), { title: 't' }))).toContain('<line class="control deadline"');
  });
});
