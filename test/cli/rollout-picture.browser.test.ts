// The rollout picture in a real headless browser (Debian's chromium through playwright-core): the
// demo's page loads without an error and shows what the log says — a row per node, each node's old
// and new pods as the log recorded them, a tooltip naming the pod, time zoom. Skipped, loudly,
// where chromium is not installed (`apt-get install chromium`).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pictureModel, renderRolloutHtml, renderRolloutSvg } from '../../functions/cli/commands/render-rollout-picture';
import { parseExport } from '../../functions/log/history-export';
import { readLifecycles, type Lifecycles } from '../../functions/log/lifecycles';
import { DEMO_KEY, fixturePath } from '../fixtures/record';
import { controlledLog } from '../log/rollout-control-log';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
if (!CHROMIUM) console.warn('\n⚠ chromium is not installed: the rollout picture browser tier (test/cli/rollout-picture.browser.test.ts) is SKIPPED\n');

let browser: Browser;
let life: Lifecycles;
let page: string;
beforeAll(async () => {
  const commits = parseExport(await readFile(fixturePath('demo'), 'utf8'), 'demo');
  const of = (kind: string) => commits.filter((c) => c.streamId.includes(kind));
  life = readLifecycles({ key: DEMO_KEY, daemonSet: of('/daemonsets/'), nodes: of('/nodes'), pods: of('/pods/') });
  const model = pictureModel(life, { title: 'kube-system/fluentd-elasticsearch' });
  const dir = await mkdtemp(join(tmpdir(), 'daemonloop-picture-'));
  page = join(dir, 'demo.html');
  await writeFile(page, renderRolloutHtml(model));
  await writeFile(join(dir, 'demo.svg'), renderRolloutSvg(model));
  if (CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => browser?.close());

describe.skipIf(!CHROMIUM)('the rollout picture in headless chromium', () => {
  it('loads without errors and shows each node’s pods as the log recorded them', async () => {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await tab.goto(`file://${page}`);

    const rows = await tab.locator('svg.chart g.row').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-node')));
    expect(rows.sort()).toEqual(life.nodes.map((n) => n.name).sort());
    // worker-3 was updated: its old pod ran, then its new pod became available.
    const classes = await tab.locator('g.row[data-node="worker-3"] rect').evaluateAll((rs) => rs.map((r) => r.getAttribute('class')));
    expect(classes).toEqual(expect.arrayContaining(['old-running', 'new-ready', 'new-available']));
    const creates = await tab.locator('line.act-create').count();
    expect(creates).toBe(life.actions.filter((a) => a.action === 'create' && a.nodeName).length);

    const fresh = life.pods.find((p) => p.nodeName === 'worker-3' && p.hash === life.revisions.at(-1)!.hash)!;
    await tab.locator('g.row[data-node="worker-3"] rect.new-available').hover();
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text), not a DOM node's
    const tip = await tab.locator('#tip').innerText();
    expect(tip).toContain(`${fresh.name} on worker-3: new available`);
    expect(tip).toContain(`available ${new Date(fresh.availableMs!).toISOString().replace('T', ' ').replace('Z', '')}`);

    const before = await tab.locator('svg.chart').first().getAttribute('viewBox');
    await tab.locator('#zoom-in').click();
    expect(await tab.locator('svg.chart').first().getAttribute('viewBox')).not.toBe(before);
    await tab.locator('button.fold').first().click();
    expect(await tab.locator('section.group .rows').first().isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('draws rollout control from the log: rows by wave, the soak, pause and stop bands, a tooltip per mark', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daemonloop-picture-'));
    const file = join(dir, 'controlled.html');
    await writeFile(file, renderRolloutHtml(pictureModel(readLifecycles(controlledLog()), { title: 'waves' })));
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(`file://${file}`);
    expect(await tab.locator('section.group h2').allInnerTexts()).toEqual([
      expect.stringContaining('wave zones/zone-a'),
      expect.stringContaining('wave zones/zone-b'),
    ]);
    expect(
      await tab
        .locator('section.group')
        .first()
        .locator('rect.paused, rect.stopped, rect.soaking')
        .evaluateAll((rs) => rs.map((r) => r.getAttribute('class'))),
    ).toEqual(['soaking', 'paused', 'stopped']);
    await tab.locator('section.group').first().locator('rect.stopped').hover();
    const tip = (await tab.locator('#tip').textContent()) ?? '';
    expect(tip).toContain('rollout: FailureBudgetExceeded');
    expect(tip).toContain('zone-b-0 (pod Failed)');
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('renders the standalone SVG', async () => {
    const tab = await browser.newPage();
    await tab.goto(`file://${page.replace(/\.html$/, '.svg')}`);
    expect(await tab.locator('svg g.row').count()).toBe(life.nodes.length);
    expect(await tab.locator('svg g.row title').first().textContent()).toMatch(/^control-plane: fluentd-elasticsearch-\w+ \((old|new)\)/);
    await tab.close();
  });
});
