// `npm start` (the fleet demo) on its virtual clock: four clusters, a staged update with a soak,
// the fleet node budget used to the full and never beyond, prod-2 failing its deadline and halting the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main';
import { recordingIo } from './fake-io';

describe('daemonloop demo (the fleet)', () => {
  it('rolls revision 2 out to dev, staging and prod-1, fails prod-2 and halts, within the fleet budget', async () => {
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-fleet-demo-'));
    try {
      const io = recordingIo();
      expect(await main(['demo', '--exit', '--nodes', '3', '--json', '--state', state], io)).toBe(0);
      const summary = JSON.parse(io.stdout[0]!);
      expect(summary).toMatchObject({
        clusters: 4,
        rolledOut: ['dev-1', 'prod-1', 'staging-1'],
        failed: ['prod-2'],
        outcome: 'Failed',
        peakUnavailable: 3,
        budget: 3,
      });
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  }, 600_000);
});
