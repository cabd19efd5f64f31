// A fleet member's rollout picture, end to end: the fleet demo (four local clusters on the virtual
// clock, prod-2 failing its deadline) leaves its log behind; `history --svg/--html` of a member
// DaemonSet reads the fleet's stream beside it and marks that cluster's stage, and only that one's.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main';
import { recordingIo } from './fake-io';

const controlsIn = (html: string) =>
  (JSON.parse(/<script id="rollout-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { controls: unknown[][] }).controls;

describe('history --svg/--html of a fleet member', () => {
  it("marks when the member's stage started for it and how it ended, with the run and the approval", async () => {
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-history-fleet-'));
    try {
      expect(await main(['demo', '--exit', '--nodes', '3', '--json', '--state', state], recordingIo())).toBe(0);
      const picture = async (cluster: string) => {
        const [svg, html] = [join(state, `${cluster}.svg`), join(state, `${cluster}.html`)];
        const io = recordingIo();
        expect(
          await main(['history', 'ds/fluentd-elasticsearch', '-n', 'kube-system', '--cluster-id', cluster, '--svg', svg, '--html', html, '--state', state], io),
        ).toBe(0);
        return { svg: await readFile(svg, 'utf8'), stage: controlsIn(await readFile(html, 'utf8')).filter((c) => c[6] === 'stage') };
      };

      const prod2 = await picture('prod-2');
      expect(prod2.stage.map((c) => [c[1], c[2]])).toEqual(
        expect.arrayContaining([
          ['FleetRunStarted', 'revision 2'],
          ['FleetStageApproved', 'prod'],
          ['FleetClusterStarted', 'prod'],
          ['FleetClusterFailed', 'prod'],
        ]),
      );
      // Revision 1 went through prod-2 and succeeded; revision 2's stage ended in its failure.
      expect(prod2.stage.filter((c) => c[1] === 'FleetRunStarted').map((c) => c[2])).toEqual(['revision 1', 'revision 2']);
      expect(prod2.stage.filter((c) => c[1] === 'FleetClusterSucceeded').map((c) => c[3])).toEqual(['revision 1']);
      const started = prod2.stage.filter((c) => c[1] === 'FleetClusterStarted' && c[2] === 'prod').at(-1)!;
      const failed = prod2.stage.find((c) => c[1] === 'FleetClusterFailed')!;
      expect(failed[0] as number).toBeGreaterThan(started[0] as number);
      expect(started[5]).toBe(failed[0]); // the stage's band ends when the cluster failed
      expect(prod2.svg).toMatch(/<line class="control stage"[^>]*><title>FleetClusterStarted prod: revision 2<\/title>/);
      expect(prod2.svg).toMatch(/<rect class="staged"[^>]*><title>FleetClusterStarted prod: /);

      const dev = await picture('dev-1');
      expect(dev.stage.map((c) => [c[1], c[2]])).toEqual(
        expect.arrayContaining([
          ['FleetClusterStarted', 'dev'],
          ['FleetClusterSucceeded', 'dev'],
        ]),
      );
      expect(dev.stage.some((c) => c[1] === 'FleetClusterFailed' || c[2] === 'prod')).toBe(false); // prod-2's stage and failure are not dev-1's
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  }, 600_000);
});
