// `npm start` (the demo) on a virtual clock: the whole story — pods land, a rolling update two
// nodes at a time with minReadySeconds 5, nodes join and leave — ends in its summary line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main';
import { recordingIo } from './fake-io';

// The seeds' 30 s grace periods make ten waves of termination: more virtual steps, so more real time.
describe('daemonloop demo', { timeout: 240_000 }, () => {
  it('prints one summary line: 21 eligible nodes, all updated and available, a rollout at the theoretical pace', async () => {
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-demo-'));
    try {
      const io = recordingIo();
      expect(await main(['demo', '--single', '--virtual', '--exit', '--state', state], io)).toBe(0);
      expect(io.stdout).toHaveLength(1);
      const [, eligible, updated, seconds] =
        /^demo: (\d+) eligible nodes, (\d+)\/\d+ pods updated and available, rollout took ([\d.]+) s$/.exec(io.stdout[0]!) ?? [];
      expect([Number(eligible), Number(updated)]).toEqual([21, 21]); // 20 nodes, the tainted control plane tolerated, +2 −1
      // ten waves of two (20 nodes / maxUnavailable 2), each at least the old pods' grace period
      // (the seeds' 30 s: no replacement starts before its old pod is gone), then pod start
      // (0.5 s) + minReadySeconds (5 s): measured 350 s
      expect(Number(seconds)).toBeGreaterThanOrEqual(10 * 30);
      expect(Number(seconds)).toBeLessThan(365);
      expect(io.stderr.join('\n')).toContain('2 out of 20 new pods have been updated');
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
