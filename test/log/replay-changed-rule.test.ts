// The gate catches a changed rule: with maxUnavailable read one larger than written (a plausible
// off-by-one in the budget), the committed rolling update no longer replays — and the report names
// each decision that changed and what it would now do.
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../functions/cli/main';
import { recordingIo } from '../cli/fake-io';

vi.mock('../../domain/int-or-percent', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../domain/int-or-percent')>();
  return {
    ...real,
    scaledValue: (value: unknown, total: number) =>
      ((real.scaledValue as (v: unknown, t: number) => number | undefined)(value, total) ?? 0) + (value === 2 ? 1 : 0),
  };
});

describe('replay under a changed domain rule', () => {
  it('fails, naming each decision that differs and what differs', async () => {
    const io = recordingIo();
    const fixture = new URL('../fixtures/histories/rolling-update.jsonl', import.meta.url).pathname;
    expect(await main(['replay', fixture], io)).toBe(1);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/decision #\d+ \(2026-01-01 [\d:.]+\) does not match its replay:/);
    expect(out).toMatch(/ {2}deletes: recorded only none; replayed only agent-\w+/);
    expect(out).toMatch(
      / {2}waits: recorded only budget exhausted: maxUnavailable 2, 2 in use on node-\d(, node-\d)*; replayed only budget exhausted: maxUnavailable 3, 3 in use on node-\d/,
    );
    expect(out.split('\n').at(-1)).toMatch(/^replayed \d+ decisions: [1-9]\d* do not match$/);
  });
});
