// `history DS --svg/--html`: the rollout as a picture. One row per node, time left to right; on each
// row the node's pods as segments (old pending / running, terminating, new pending / ready /
// available), a thin strip below for the spans decisions held the node back (coloured by wait
// reason), ticks for the creates and deletes decided on it, a cross where a pod failed. Rollout
// control's transitions (wave starts and finishes, soaks, pauses, resumes, failure-budget stops,
// deadline breaches: the log's decided statuses, read as `history` reads them) cross every row as
// lines and bands, and so do a fleet member's stage marks (functions/log/fleet-stage-marks.ts); rows
// group by the DaemonSet's waves when it has them, else by zone. A window
// (`--since/--until`) clips rows and segments. The SVG stands alone (a title per row for hover); the
// HTML adds zoom, collapsible groups and a tooltip per segment and mark, with no external resource.
import type { V1Node } from '@kubernetes/client-node';
import { planWaves } from '../../../domain/rollout-control/waves';
import type { ControlMark, Lifecycles, PodAction, PodLife, WaitSpan } from '../../log/lifecycles';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
const WIDTH = 1200; // chart user units, whatever the time span
const LABEL_WIDTH = 220;

export type GroupBy = 'auto' | 'wave' | 'zone' | 'none';

export interface PictureOptions {
  title: string;
  groupBy?: GroupBy;
  /** Draw only this window (ms): rows for what lived in it, segments and spans clipped to it. */
  window?: { fromMs?: number; toMs?: number };
}

interface Row {
  node: string;
  pods: number[];
  waits: number[];
  actions: number[];
}
interface Group {
  name: string;
  rows: Row[];
}
export interface PictureModel {
  title: string;
  t0: number;
  t1: number;
  newHash?: string;
  groups: Group[];
  pods: PodLife[];
  waits: WaitSpan[];
  actions: PodAction[];
  controls: ControlMark[];
  rowHeight: number;
}

export function pictureModel(life: Lifecycles, options: PictureOptions): PictureModel {
  // The window as asked (the log's span where a side is not given).
  const t0 = options.window?.fromMs ?? life.startMs;
  const t1 = Math.max(options.window?.toMs ?? life.endMs, t0 + 1000);
  const windowed = options.window !== undefined;
  const overlaps = (from: number, to: number | undefined) => from <= t1 && (to ?? Infinity) >= t0;
  // Only what lived in the window, so a long history's page carries the window's data alone.
  const pods = windowed ? life.pods.filter((p) => overlaps(p.createdMs, p.goneMs)) : life.pods;
  const waits = windowed ? life.waits.filter((w) => overlaps(w.fromMs, w.toMs)) : life.waits;
  const actions = windowed ? life.actions.filter((a) => a.ms >= t0 && a.ms <= t1) : life.actions;

  const rows = new Map<string, Row>();
  const row = (node: string) => {
    let r = rows.get(node);
    if (!r) rows.set(node, (r = { node, pods: [], waits: [], actions: [] }));
    return r;
  };
  for (const n of life.nodes) if (overlaps(n.firstMs, n.goneMs)) row(n.name);
  pods.forEach((p, i) => p.nodeName && row(p.nodeName).pods.push(i));
  waits.forEach((w, i) => row(w.nodeName).waits.push(i));
  actions.forEach((a, i) => a.nodeName && row(a.nodeName).actions.push(i));

  const labels = new Map(life.nodes.map((n) => [n.name, n.labels]));
  const waves = wavesOf(life);
  const zones = new Set([...labels.values()].map((l) => l[ZONE_LABEL]).filter(Boolean));
  const by = options.groupBy ?? 'auto';
  const mode = by === 'auto' ? (waves.order.length > 0 ? 'wave' : zones.size > 1 ? 'zone' : 'none') : by;
  const groupOf = (node: string) =>
    mode === 'wave' ? (waves.of.get(node) ?? 'no wave') : mode === 'zone' ? `zone ${labels.get(node)?.[ZONE_LABEL] ?? '(none)'}` : 'all nodes';
  const groups = new Map<string, Group>();
  for (const r of [...rows.values()].sort((a, b) => naturalCompare(a.node, b.node))) {
    const name = groupOf(r.node);
    if (!groups.has(name)) groups.set(name, { name, rows: [] });
    groups.get(name)!.rows.push(r);
  }
  // Waves in rollout order (the unplaced last); anything else by name.
  const rank = (name: string) => {
    const i = mode === 'wave' ? waves.order.indexOf(name) : 0;
    return i < 0 ? waves.order.length : i;
  };
  const n = rows.size;
  return {
    title: options.title,
    t0,
    t1,
    newHash: life.revisions.at(-1)?.hash ?? life.specChanges.at(-1)?.hash,
    groups: [...groups.values()].sort((a, b) => rank(a.name) - rank(b.name) || naturalCompare(a.name, b.name)),
    pods,
    waits,
    actions,
    controls: life.controls,
    rowHeight: n <= 200 ? 14 : n <= 1000 ? 8 : 3,
  };
}

/**
 * Each node's wave, as rollout control plans it (domain/rollout-control/waves.ts) for the waves the
 * last observed DaemonSet names, over every node the log saw; no waves, no grouping by wave.
 */
function wavesOf(life: Lifecycles): { of: Map<string, string>; order: string[] } {
  const of = new Map<string, string>();
  if (!life.rolloutControl?.waves?.length) return { of, order: [] };
  const nodes: V1Node[] = life.nodes.filter((n) => n.goneMs === undefined).map((n) => ({ metadata: { name: n.name, labels: n.labels } }));
  const plan = planWaves(life.rolloutControl, nodes);
  const order = plan.waves.map((w) => `wave ${w.name}`);
  plan.waves.forEach((w, i) => {
    for (const node of w.nodes) of.set(node.metadata!.name!, order[i]!);
  });
  return { of, order };
}

// ── segments ────────────────────────────────────────────────────────────────
export const SEGMENT_CLASSES = {
  'old-pending': 'old pod pending',
  'old-running': 'old pod running',
  terminating: 'terminating',
  'new-pending': 'new pod pending',
  'new-ready': 'new pod ready',
  'new-available': 'new pod available',
} as const;
type SegmentClass = keyof typeof SEGMENT_CLASSES;

/** A pod's life cut into the segments the legend names, each [from, to) in ms. */
export function podSegments(p: PodLife, isNew: boolean, endMs: number): { cls: SegmentClass; from: number; to: number }[] {
  const stop = Math.min(p.terminatingMs ?? Infinity, p.goneMs ?? Infinity, endMs);
  const gone = Math.min(p.goneMs ?? endMs, endMs);
  const out: { cls: SegmentClass; from: number; to: number }[] = [];
  const add = (cls: SegmentClass, from: number | undefined, to: number) => {
    if (from !== undefined && to > from) out.push({ cls, from, to });
  };
  const ready = p.readyMs ?? Infinity,
    available = p.availableMs ?? Infinity;
  if (isNew) {
    add('new-pending', p.createdMs, Math.min(ready, stop));
    add('new-ready', p.readyMs, Math.min(available, stop));
    add('new-available', p.availableMs, stop);
  } else {
    add('old-pending', p.createdMs, Math.min(ready, stop));
    add('old-running', p.readyMs, stop);
  }
  add('terminating', p.terminatingMs, gone);
  return out;
}

const WAIT_CLASSES: [string, string][] = [
  ['budget exhausted', 'w-budget'],
  ['waiting for minReadySeconds', 'w-minready'],
  ['waiting for the updated pod to become ready', 'w-notready'],
  ['terminating pod', 'w-terminating'],
  ['failed-pod backoff', 'w-backoff'],
];
const waitClass = (phrase: string): string => WAIT_CLASSES.find(([p]) => p === phrase)?.[1] ?? 'w-other';

const num = (x: number): string => (Math.round(x * 10) / 10).toString();
export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One node's row: segments, the wait strip, action ticks and failure marks, at y = 0. */
function rowBody(m: PictureModel, r: Row, indexed: boolean): string {
  const x = (ms: number) => num(((ms - m.t0) / (m.t1 - m.t0)) * WIDTH);
  const w = (from: number, to: number) => num(Math.max(0.2, ((to - from) / (m.t1 - m.t0)) * WIDTH));
  const h = m.rowHeight,
    podH = num(h * 0.7),
    stripY = num(h * 0.72),
    stripH = num(Math.max(1, h * 0.22));
  const parts: string[] = [];
  for (const i of r.pods) {
    const p = m.pods[i]!;
    for (const s of podSegments(p, p.hash === m.newHash, m.t1)) {
      const from = Math.max(s.from, m.t0); // clipped to the window
      if (s.to > from) parts.push(`<rect class="${s.cls}" x="${x(from)}" width="${w(from, s.to)}" height="${podH}"${indexed ? ` data-p="${i}"` : ''}/>`);
    }
    if (p.failedMs !== undefined && p.failedMs >= m.t0 && p.failedMs <= m.t1)
      parts.push(`<rect class="failed" x="${x(p.failedMs)}" width="1" height="${num(h)}"${indexed ? ` data-p="${i}"` : ''}/>`);
  }
  for (const i of r.waits) {
    const s = m.waits[i]!;
    const from = Math.max(s.fromMs, m.t0),
      to = Math.min(s.toMs ?? m.t1, m.t1);
    parts.push(
      `<rect class="${waitClass(s.phrase)}" x="${x(from)}" y="${stripY}" width="${w(from, to)}" height="${stripH}"${indexed ? ` data-w="${i}"` : ''}/>`,
    );
  }
  for (const i of r.actions) {
    const a = m.actions[i]!;
    parts.push(
      `<line class="${a.action === 'create' ? 'act-create' : 'act-delete'}${a.outcome === 'failed' ? ' act-failed' : ''}" x1="${x(a.ms)}" x2="${x(a.ms)}" y1="0" y2="${num(h)}"${indexed ? ` data-a="${i}"` : ''}/>`,
    );
  }
  return parts.join('');
}

/** What a mark says, on hover and beside its line. */
export const controlText = (c: ControlMark): string => `${c.type}${c.label ? ` ${c.label}` : ''}${c.reason ? `: ${c.reason}` : ''}`;

type BandClass = 'paused' | 'stopped' | 'soaking' | 'staged' | 'fleet-paused';

/**
 * The bands across every row: a pause (or a failure-budget stop) until the resume, a soak until the
 * next wave starts or its planned end, a fleet member's stage until it ended for the cluster and a
 * fleet pause until the fleet resumed; open ones run to the picture's end. Clipped to the window.
 */
export function controlBands(m: PictureModel): { cls: BandClass; from: number; to: number; mark: number }[] {
  const bands: { cls: BandClass; from: number; to: number; mark: number }[] = [];
  let pause: { at: number; stop: boolean; mark: number } | undefined;
  let soak: { at: number; until: number; mark: number } | undefined;
  const close = (cls: BandClass, from: number, to: number, mark: number) => {
    const [a, b] = [Math.max(from, m.t0), Math.min(to, m.t1)];
    if (b > a) bands.push({ cls, from: a, to: b, mark });
  };
  m.controls.forEach((c, i) => {
    if (c.band) close(c.band, c.ms, c.untilMs ?? m.t1, i); // a fleet mark knows its own end
    if (c.kind === 'pause') pause ??= { at: c.ms, stop: c.type === 'FailureBudgetExceeded', mark: i };
    else if (c.kind === 'resume' && pause) {
      close(pause.stop ? 'stopped' : 'paused', pause.at, c.ms, pause.mark);
      pause = undefined;
    }
    if (c.kind === 'soak') soak = { at: c.ms, until: c.untilMs ?? m.t1, mark: i };
    else if (soak && (c.kind === 'wave-start' || c.kind === 'rollout-start')) {
      close('soaking', soak.at, Math.min(c.ms, soak.until), soak.mark);
      soak = undefined;
    }
  });
  if (pause) close(pause.stop ? 'stopped' : 'paused', pause.at, m.t1, pause.mark);
  if (soak) close('soaking', soak.at, soak.until, soak.mark);
  return bands;
}

/** Lines and bands across every row for rollout control's transitions (and events of unknown types). */
function controlLayer(m: PictureModel, height: number, labelled: boolean, indexed: boolean): string {
  const x = (ms: number) => num(((ms - m.t0) / (m.t1 - m.t0)) * WIDTH);
  const parts: string[] = [];
  for (const b of controlBands(m)) {
    parts.push(
      `<rect class="${b.cls}" x="${x(b.from)}" width="${num(Math.max(0.5, ((b.to - b.from) / (m.t1 - m.t0)) * WIDTH))}" height="${height}"${indexed ? ` data-c="${b.mark}"` : ''}><title>${escapeXml(controlText(m.controls[b.mark]!))}</title></rect>`,
    );
  }
  m.controls.forEach((c, i) => {
    if (c.ms < m.t0 || c.ms > m.t1) return;
    const text = controlText(c);
    parts.push(
      `<line class="control ${c.kind}" x1="${x(c.ms)}" x2="${x(c.ms)}" y1="0" y2="${height}"${indexed ? ` data-c="${i}"` : ''}><title>${escapeXml(text)}</title></line>`,
    );
    if (labelled) parts.push(`<text class="control-label" x="${x(c.ms)}" y="-2">${escapeXml(text)}</text>`);
  });
  return parts.join('');
}

const STYLE = `
.old-pending{fill:#c9d6e3}.old-running{fill:#6f8fb0}.terminating{fill:#e8a33d}
.new-pending{fill:#d5c3ef}.new-ready{fill:#9fd49f}.new-available{fill:#2e8b57}.failed{fill:#d62728}
.w-budget{fill:#9e9e9e}.w-minready{fill:#8fbc8f}.w-notready{fill:#b39ddb}.w-terminating{fill:#f0c27a}.w-backoff{fill:#d62728}.w-other{fill:#607d8b}
.act-create{stroke:#1b5e20;stroke-width:1;vector-effect:non-scaling-stroke}.act-delete{stroke:#b71c1c;stroke-width:1;vector-effect:non-scaling-stroke}.act-failed{stroke-dasharray:2 1}
.control{stroke:#37474f;stroke-width:1;stroke-dasharray:4 2;vector-effect:non-scaling-stroke}.paused{fill:#fff59d;opacity:.5}.stopped{fill:#ef9a9a;opacity:.45}.soaking{fill:#b2dfdb;opacity:.45}
.control.pause,.control.deadline{stroke:#c62828;stroke-dasharray:none}.control.wave-start,.control.wave-finish,.control.soak{stroke:#1565c0}.control.complete{stroke:#2e7d32;stroke-dasharray:none}
.control.stage{stroke:#6a1b9a;stroke-dasharray:2 2}.staged{fill:#e1bee7;opacity:.35}.fleet-paused{fill:#ffcc80;opacity:.45}
.control-label{font:10px sans-serif;fill:#37474f}
text{font-family:system-ui,sans-serif}`;

const LEGEND: [string, string][] = [
  ...Object.entries(SEGMENT_CLASSES),
  ['failed', 'pod failed'],
  ['w-budget', 'wait: budget exhausted'],
  ['w-minready', 'wait: minReadySeconds'],
  ['w-notready', 'wait: updated pod not ready'],
  ['w-terminating', 'wait: terminating pod'],
  ['w-backoff', 'wait: failed-pod backoff'],
  ['paused', 'rollout paused'],
  ['stopped', 'stopped by the failure budget'],
  ['soaking', 'wave soaking'],
  ['staged', 'fleet stage in progress on this cluster'],
  ['fleet-paused', 'fleet paused'],
];

/** Time-axis ticks at a round step (1 s … 1 d) for [t0, t1]. */
export function axisTicks(t0: number, t1: number, target = 10): { ms: number; label: string }[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);
  const step = steps.find((s) => (t1 - t0) / s <= target) ?? 86_400_000;
  const ticks: { ms: number; label: string }[] = [];
  for (let t = 0; t0 + t <= t1; t += step) ticks.push({ ms: t0 + t, label: relative(t) });
  return ticks;
}
export const relative = (ms: number): string => {
  const s = Math.round(ms / 1000);
  if (s < 60) return `+${s}s`;
  if (s < 3600) return `+${Math.floor(s / 60)}m${s % 60 ? `${String(s % 60).padStart(2, '0')}s` : ''}`;
  return `+${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : ''}`;
};

/** The picture as one standalone SVG document. */
export function renderRolloutSvg(m: PictureModel): string {
  const h = m.rowHeight,
    headerH = 18,
    top = 60;
  const body: string[] = [];
  let y = 0;
  for (const g of m.groups) {
    body.push(
      `<text x="${-LABEL_WIDTH}" y="${y + 13}" font-size="12" font-weight="bold">${escapeXml(g.name)} — ${g.rows.length} node${g.rows.length === 1 ? '' : 's'}</text>`,
    );
    y += headerH;
    for (const r of g.rows) {
      const label = h >= 8 ? `<text x="-6" y="${num(h * 0.7)}" font-size="${num(Math.min(11, h - 2))}" text-anchor="end">${escapeXml(r.node)}</text>` : '';
      body.push(`<g class="row" transform="translate(0,${y})"><title>${escapeXml(rowTitle(m, r))}</title>${label}${rowBody(m, r, false)}</g>`);
      y += h;
    }
  }
  const height = y;
  const x = (ms: number) => num(((ms - m.t0) / (m.t1 - m.t0)) * WIDTH);
  const axis = axisTicks(m.t0, m.t1).map(
    (t) =>
      `<line x1="${x(t.ms)}" x2="${x(t.ms)}" y1="-4" y2="${height}" stroke="#eee"/><text x="${x(t.ms)}" y="-8" font-size="10" text-anchor="middle">${t.label}</text>`,
  );
  const legend = LEGEND.map(
    ([cls, text], i) =>
      `<rect class="${cls}" x="${i * 140}" y="0" width="10" height="10"/><text x="${i * 140 + 14}" y="9" font-size="10">${escapeXml(text)}</text>`,
  );
  const total = top + height + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH + WIDTH + 20}" height="${total + 30}" viewBox="${-LABEL_WIDTH} ${-top} ${LABEL_WIDTH + WIDTH + 20} ${total + 30}">`,
    `<style>${STYLE}</style>`,
    `<text x="${-LABEL_WIDTH}" y="${-top + 14}" font-size="14" font-weight="bold">${escapeXml(m.title)}</text>`,
    `<text x="${-LABEL_WIDTH}" y="${-top + 30}" font-size="10">from ${new Date(m.t0).toISOString()} to ${new Date(m.t1).toISOString()}</text>`,
    ...axis,
    ...body,
    controlLayer(m, height, true, false),
    `<g transform="translate(${-LABEL_WIDTH},${height + 14})">${legend.slice(0, 6).join('')}</g>`,
    `<g transform="translate(${-LABEL_WIDTH},${height + 30})">${legend.slice(6).join('')}</g>`,
    '</svg>',
  ].join('\n');
}

function rowTitle(m: PictureModel, r: Row): string {
  const pods = r.pods.map((i) => {
    const p = m.pods[i]!;
    return `${p.name} (${p.hash === m.newHash ? 'new' : 'old'}${p.failedMs !== undefined ? ', failed' : ''})`;
  });
  const waits = [...new Set(r.waits.map((i) => m.waits[i]!.phrase))];
  return `${r.node}: ${pods.join(', ') || 'no pod'}${waits.length ? ` — waited: ${waits.join(', ')}` : ''}`;
}

/** The picture as a self-contained page: groups that fold, wheel or buttons to zoom time, a tooltip per segment. */
export function renderRolloutHtml(m: PictureModel): string {
  const h = m.rowHeight;
  const sections = m.groups.map((g, gi) => {
    const rows = g.rows
      .map((r, ri) => `<g class="row" data-node="${escapeXml(r.node)}" transform="translate(0,${ri * h})">${rowBody(m, r, true)}</g>`)
      .join('');
    const height = g.rows.length * h;
    const labels = h >= 8 ? g.rows.map((r) => `<div style="height:${h}px;line-height:${h}px">${escapeXml(r.node)}</div>`).join('') : '';
    return [
      `<section class="group" data-group="${gi}">`,
      `<h2><button class="fold" aria-expanded="true">▾</button> ${escapeXml(g.name)} <small>${g.rows.length} node${g.rows.length === 1 ? '' : 's'}</small></h2>`,
      `<div class="rows"><div class="labels" style="font-size:${Math.min(11, Math.max(6, h - 3))}px">${labels}</div>`,
      `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" preserveAspectRatio="none" style="height:${height}px">${rows}${controlLayer(m, height, false, true)}</svg></div>`,
      '</section>',
    ].join('');
  });
  const data = {
    t0: m.t0,
    t1: m.t1,
    width: WIDTH,
    newHash: m.newHash ?? null,
    pods: m.pods.map((p) => [
      p.name,
      p.nodeName ?? '',
      p.hash ?? '',
      p.createdMs,
      p.readyMs ?? null,
      p.availableMs ?? null,
      p.terminatingMs ?? null,
      p.goneMs ?? null,
      p.failedMs ?? null,
    ]),
    waits: m.waits.map((w) => [w.nodeName, w.reason, w.fromMs, w.toMs ?? null, w.fromCommit]),
    actions: m.actions.map((a) => [a.ms, a.action, a.podName, a.reason ?? '', a.outcome ?? '', a.outcomeReason ?? '', a.commit]),
    controls: m.controls.map((c) => [c.ms, c.type, c.label ?? '', c.reason ?? '', c.commit, c.untilMs ?? null, c.kind]),
  };
  const legend = LEGEND.map(
    ([cls, text]) => `<span><svg width="10" height="10"><rect class="${cls}" width="10" height="10"/></svg> ${escapeXml(text)}</span>`,
  ).join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(m.title)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:12px;color:#222}
header{position:sticky;top:0;background:#fff;z-index:2;padding-bottom:4px;border-bottom:1px solid #ddd}
h1{font-size:16px;margin:0 0 4px}h2{font-size:13px;margin:10px 0 2px}h2 small{color:#666;font-weight:normal}
.legend span{margin-right:10px;white-space:nowrap}
.rows{display:flex}.labels{width:${LABEL_WIDTH}px;flex:none;overflow:hidden;text-align:right;padding-right:6px;white-space:nowrap}
.chart{flex:1;width:100%;display:block;background:#fafafa}
#axis{margin-left:${LABEL_WIDTH + 6}px;height:18px;position:relative;font-size:10px}#axis span{position:absolute;transform:translateX(-50%)}
#tip{position:fixed;pointer-events:none;background:#263238;color:#fff;padding:4px 6px;border-radius:3px;font-size:12px;display:none;white-space:nowrap;z-index:3}
#tip b{display:block}
button{font:inherit}.fold{border:none;background:none;cursor:pointer;padding:0}
${STYLE}
</style></head><body>
<header><h1>${escapeXml(m.title)}</h1>
<div>from ${new Date(m.t0).toISOString()} to ${new Date(m.t1).toISOString()} · ${m.groups.reduce((n, g) => n + g.rows.length, 0)} nodes · ${m.pods.length} pods ·
<button id="zoom-in">zoom in</button> <button id="zoom-out">zoom out</button> <button id="zoom-reset">reset</button> (or the mouse wheel over the chart)</div>
<div class="legend">${legend}</div><div id="axis"></div></header>
<main>${sections.join('\n')}</main>
<div id="tip"></div>
<script id="rollout-data" type="application/json">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

// The page's behaviour, kept small and dependency-free: zoom rewrites every chart's viewBox (time
// only; rows keep their height), the axis follows, the tooltip reads the row data embedded above.
const PAGE_SCRIPT = `
(() => {
  const d = JSON.parse(document.getElementById('rollout-data').textContent);
  const charts = [...document.querySelectorAll('svg.chart')];
  let from = 0, span = d.width;
  const iso = (ms) => ms == null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const rel = (ms) => { const s = Math.round((ms - d.t0) / 1000); return s < 60 ? '+' + s + 's' : '+' + Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's'; };
  function draw() {
    for (const c of charts) c.setAttribute('viewBox', from + ' 0 ' + span + ' ' + c.viewBox.baseVal.height);
    const axis = document.getElementById('axis'); axis.textContent = '';
    const w = axis.clientWidth || 1;
    for (let i = 0; i <= 8; i++) {
      const u = from + span * i / 8, ms = d.t0 + (d.t1 - d.t0) * u / d.width;
      const s = document.createElement('span'); s.style.left = (i / 8 * w) + 'px'; s.textContent = rel(ms); axis.appendChild(s);
    }
  }
  function zoom(factor, at) {
    const centre = from + span * (at ?? 0.5);
    span = Math.min(d.width, Math.max(d.width / 2000, span * factor));
    from = Math.min(d.width - span, Math.max(0, centre - span * (at ?? 0.5)));
    draw();
  }
  document.getElementById('zoom-in').onclick = () => zoom(0.5);
  document.getElementById('zoom-out').onclick = () => zoom(2);
  document.getElementById('zoom-reset').onclick = () => { from = 0; span = d.width; draw(); };
  for (const c of charts) c.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = c.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 0.8 : 1.25, (e.clientX - r.left) / r.width);
  }, { passive: false });
  for (const b of document.querySelectorAll('button.fold')) b.onclick = () => {
    const rows = b.closest('section').querySelector('.rows');
    const open = rows.style.display !== 'none';
    rows.style.display = open ? 'none' : 'flex'; b.textContent = open ? '▸' : '▾'; b.setAttribute('aria-expanded', String(!open));
  };
  const tip = document.getElementById('tip');
  // Lines of plain text, the first one bold: set as text, never parsed as markup.
  function describe(t) {
    const node = t.closest('g.row')?.dataset.node;
    if (t.dataset.p) {
      const [name, , hash, created, ready, available, terminating, gone, failed] = d.pods[+t.dataset.p];
      const kind = (t.getAttribute('class') || '').replace('-', ' ');
      return [name + ' on ' + node + ': ' + kind, (hash === d.newHash ? 'new revision ' : 'old revision ') + hash,
        'created ' + iso(created), 'ready ' + iso(ready), 'available ' + iso(available), 'terminating ' + iso(terminating), 'gone ' + iso(gone)]
        .concat(failed != null ? ['failed ' + iso(failed)] : []);
    }
    if (t.dataset.w) {
      const [, reason, fromMs, toMs, commit] = d.waits[+t.dataset.w];
      return [node + ' held back', reason, iso(fromMs) + ' → ' + iso(toMs), 'from decision #' + commit];
    }
    if (t.dataset.c) {
      const [ms, type, label, reason, commit, until, kind] = d.controls[+t.dataset.c];
      const fleet = kind === 'stage';
      return [(fleet ? 'fleet: ' : 'rollout: ') + type + (label ? ' ' + label : ''), iso(ms) + (fleet ? ' (fleet commit #' : ' (decision #') + commit + ')'].concat(reason ? [reason] : [], until != null ? [(fleet ? 'until ' : 'soaks until ') + iso(until)] : []);
    }
    if (t.dataset.a) {
      const [ms, action, pod, reason, outcome, why, commit] = d.actions[+t.dataset.a];
      return ['decision #' + commit + ': ' + action + ' ' + pod + ' on ' + node, iso(ms)].concat(reason ? [reason] : [], outcome ? [outcome + (why ? ': ' + why : '')] : []);
    }
    return [];
  }
  document.addEventListener('mouseover', (e) => {
    const t = e.target;
    const lines = t instanceof SVGElement && t.closest('svg.chart') ? describe(t) : [];
    tip.textContent = '';
    if (lines.length === 0) { tip.style.display = 'none'; return; }
    lines.forEach((line, i) => {
      const el = document.createElement(i === 0 ? 'b' : 'div');
      el.textContent = line;
      tip.appendChild(el);
    });
    tip.style.display = 'block';
  });
  document.addEventListener('mousemove', (e) => { // beside the pointer, flipped to stay inside the window
    const right = e.clientX + 12 + tip.offsetWidth > innerWidth, below = e.clientY + 12 + tip.offsetHeight > innerHeight;
    tip.style.left = (right ? e.clientX - 12 - tip.offsetWidth : e.clientX + 12) + 'px';
    tip.style.top = (below ? e.clientY - 12 - tip.offsetHeight : e.clientY + 12) + 'px';
  });
  window.addEventListener('resize', draw);
  draw();
})();
`;

/** node-2 before node-10. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
