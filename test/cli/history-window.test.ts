// `history DS --html FILE --since T --until T`: the picture of one window of a long history — only
// the rows, pods, waits and actions that lived in it, segments and bands clipped to it. T is an
// RFC 3339 time or a Go duration back from now (the CLI's Go-duration parser).
import { describe, expect, it } from 'vitest';
import { parseWindowTime } from '../../functions/cli/commands/history-audit';
import { controlBands, pictureModel, renderRolloutHtml, renderRolloutSvg } from '../../functions/cli/commands/render-rollout-picture';
import { main } from '../../functions/cli/main';
import type { Lifecycles } from '../../functions/log/lifecycles';
import { recordingIo } from './fake-io';

const T0 = Date.UTC(2026, 0, 1);
const s = (n: number) => T0 + n * 1000;

/** Two nodes over 1000 s: n1's old pod replaced at 400 s, n2's at 800 s; a pause from 300 s to 500 s. */
function longHistory(): Lifecycles {
  const pod = (name: string, nodeName: string, hash: string, created: number, gone?: number) => ({
    uid: name,
    name,
    nodeName,
    hash,
    createdMs: s(created),
    readyMs: s(created + 5),
    availableMs: s(created + 5),
    ...(gone !== undefined ? { terminatingMs: s(gone - 30), goneMs: s(gone) } : {}),
    lastResourceVersion: '1',
  });
  const mark = (n: number, type: string, kind: 'pause' | 'resume') => ({ ms: s(n), commit: n, streamId: 'ds', type, kind, reason: type });
  return {
    pods: [pod('old-1', 'n1', 'h1', 0, 430), pod('new-1', 'n1', 'h2', 430), pod('old-2', 'n2', 'h1', 0, 830), pod('new-2', 'n2', 'h2', 830)],
    nodes: [
      { name: 'n1', uid: 'u1', labels: {}, firstMs: s(0), lastResourceVersion: '1' },
      { name: 'n2', uid: 'u2', labels: {}, firstMs: s(0), lastResourceVersion: '1' },
    ],
    waits: [
      { nodeName: 'n2', phrase: 'budget exhausted', reason: 'budget exhausted: maxUnavailable 1, 1 in use', fromMs: s(400), toMs: s(800), fromCommit: 4 },
      { nodeName: 'n1', phrase: 'budget exhausted', reason: 'budget exhausted: maxUnavailable 1, 1 in use', fromMs: s(10), toMs: s(100), fromCommit: 1 },
    ],
    actions: [
      { ms: s(400), commit: 4, action: 'delete', podName: 'old-1', nodeName: 'n1' },
      { ms: s(800), commit: 8, action: 'delete', podName: 'old-2', nodeName: 'n2' },
    ],
    decisions: [],
    specChanges: [],
    revisions: [{ revision: 2, hash: 'h2', template: {}, ms: s(0), commit: 1 }],
    controls: [mark(300, 'Paused', 'pause'), mark(500, 'Resumed', 'resume')],
    apiCalls: [],
    commits: { daemonSet: 9, nodes: 2, pods: 8 },
    startMs: s(0),
    endMs: s(1000),
  };
}

describe('the picture of a window', () => {
  const window = { fromMs: s(350), toMs: s(600) };

  it('keeps only what lived in the window and clips segments, spans and bands to it', () => {
    const model = pictureModel(longHistory(), { title: 't', window });
    expect([model.t0, model.t1]).toEqual([s(350), s(600)]);
    expect(model.pods.map((p) => p.name)).toEqual(['old-1', 'new-1', 'old-2']); // new-2 starts after the window
    expect(model.waits.map((w) => w.nodeName)).toEqual(['n2']); // n1's ended before it
    expect(model.actions.map((a) => a.podName)).toEqual(['old-1']);
    expect(controlBands(model).map((b) => [b.cls, (b.from - T0) / 1000, (b.to - T0) / 1000])).toEqual([['paused', 350, 500]]);

    const svg = renderRolloutSvg(model);
    const xs = [
      ...svg.matchAll(/<rect class="(old-running|terminating|new-pending|new-available|w-budget)" x="([\d.-]+)"(?: y="[\d.]+")? width="([\d.]+)"/g),
    ].map((m) => [m[1], Number(m[2]), Number(m[3])] as const);
    expect(xs.length).toBeGreaterThan(0);
    for (const [, x, width] of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x + width).toBeLessThanOrEqual(1200.1); // the chart's width: nothing drawn outside the window
    }
    // n2's old pod runs through the whole window: one segment from its left edge to its right.
    expect(svg).toMatch(
      /<g class="row" transform="translate\(0,\d+\)"><title>n2: old-2 \(old\)[^<]*<\/title><text[^>]*>n2<\/text><rect class="old-running" x="0" width="1200"/,
    );
    expect(svg).toContain('>Resumed: Resumed</title>');
    expect(svg).not.toContain('>Paused: Paused</title></line>'); // the pause began before the window: its band is drawn, its line is not
  });

  it('leaves out rows with nothing in the window and carries only the window’s data in the page', () => {
    const life = longHistory();
    life.nodes.push({ name: 'n3', uid: 'u3', labels: {}, firstMs: s(0), goneMs: s(100), lastResourceVersion: '2' });
    const model = pictureModel(life, { title: 't', window });
    expect(model.groups.flatMap((g) => g.rows.map((r) => r.node))).toEqual(['n1', 'n2']);
    const html = renderRolloutHtml(model);
    const data = JSON.parse(/<script id="rollout-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as {
      pods: unknown[][];
      t0: number;
      t1: number;
    };
    expect(data.pods.map((p) => p[0])).toEqual(['old-1', 'new-1', 'old-2']);
    expect([data.t0, data.t1]).toEqual([s(350), s(600)]);
  });

  it('without a window draws the whole history', () => {
    const model = pictureModel(longHistory(), { title: 't' });
    expect([model.t0, model.t1, model.pods.length]).toEqual([s(0), s(1000), 4]);
  });
});

describe('--since / --until', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('takes an RFC 3339 time or a Go duration back from now', () => {
    expect(parseWindowTime('2026-01-01T00:05:00Z', 'since', now)).toBe(Date.parse('2026-01-01T00:05:00Z'));
    expect(parseWindowTime('2026-01-01T00:05:00.250+01:00', 'until', now)).toBe(Date.parse('2025-12-31T23:05:00.250Z'));
    expect(parseWindowTime('90m', 'since', now)).toBe(now - 90 * 60_000);
    expect(parseWindowTime('1h30m', 'since', now)).toBe(now - 90 * 60_000);
    expect(parseWindowTime('0', 'until', now)).toBe(now);
  });

  it('names the flag on bad input', () => {
    expect(() => parseWindowTime('7d', 'since', now)).toThrow(/"--since" flag: time: unknown unit "d"/);
    expect(() => parseWindowTime('soon', 'until', now)).toThrow(/"--until" flag/);
    expect(() => parseWindowTime('2026-13-45T00:00:00Z', 'since', now)).toThrow(/--since "2026-13-45T00:00:00Z": not a valid RFC 3339 time/);
  });

  it('refuses a window without a picture, and an empty window, before reading any log', async () => {
    const io = recordingIo();
    expect(await main(['history', 'ds/agent', '--since', '1h'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--since\/--until choose the window of the picture: give --html FILE or --svg FILE/);
    const io2 = recordingIo();
    expect(await main(['history', 'ds/agent', '--html', '/dev/null', '--since', '2026-01-01T01:00:00Z', '--until', '2026-01-01T00:00:00Z'], io2)).toBe(2);
    expect(io2.stderr.join('\n')).toMatch(/--since must be before --until/);
  });
});
