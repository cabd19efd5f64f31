// The replay gate: every committed history (the demo's, and the rolling-update, surge, failures and
// node-churn scenarios) decides again, decision by decision, exactly as recorded. A change to the
// domain that alters a recorded decision fails here with the replay's diff; after a deliberate
// change, `npm run fixtures:record` records them again.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as E from '../../domain/events';
import { main } from '../../functions/cli/main';
import { exportLines, parseExport, replayCommits } from '../../functions/log/history-export';
import { recordingIo } from '../cli/fake-io';
import { FIXTURES, fixturePath } from '../fixtures/record';

describe('committed histories replay with the current domain', () => {
  it.each(FIXTURES)('%s: every recorded decision decides the same again', async (name) => {
    const commits = parseExport(await readFile(fixturePath(name), 'utf8'), name);
    const [replayed] = await replayCommits(commits);
    const recorded = commits.filter((c) => c.streamId.includes('/daemonsets/') && c.events.some((e) => e.type === E.RECONCILE_DECIDED)).length;
    expect(replayed!.report.decisions).toBe(recorded);
    expect(recorded).toBeGreaterThan(20);
    expect(replayed!.report.mismatches).toEqual([]);
  });

  it('exports a history as the same bytes it was read from (a stable form)', async () => {
    const text = await readFile(fixturePath('surge'), 'utf8');
    const commits = parseExport(text, 'surge');
    const byStream = (kind: string) => commits.filter((c) => c.streamId.includes(kind));
    const key = { clusterId: 'local', namespace: 'kube-system', name: 'agent' };
    expect(`${exportLines({ key, daemonSet: byStream('/daemonsets/'), nodes: byStream('/nodes'), pods: byStream('/pods/') }).join('\n')}\n`).toBe(text);
  });

  it('`daemonloop replay` exits 0 on every fixture, and names the file, line and field of a malformed one', async () => {
    const io = recordingIo();
    expect(await main(['replay', ...FIXTURES.map(fixturePath)], io)).toBe(0);
    expect(io.stdout.filter((l) => /replayed \d+ decisions: all match/.test(l))).toHaveLength(FIXTURES.length);

    const bad = recordingIo();
    const broken = new URL('../fixtures/histories/broken.jsonl.tmp', import.meta.url).pathname;
    const { writeFile, rm } = await import('node:fs/promises');
    const lines = (await readFile(fixturePath('failures'), 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"clusterId":"local"', '"clusterId":""');
    await writeFile(broken, lines.join('\n'));
    try {
      expect(await main(['replay', broken], bad)).toBe(1);
      expect(bad.stderr[0]).toMatch(/broken\.jsonl\.tmp:3: events\[0\]: .*clusterId/);
    } finally {
      await rm(broken);
    }
  });
});
