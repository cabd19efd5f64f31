// Issue 13's "overhead per node type": `cost DS --since` prints the DaemonSet's share of each node
// type's allocatable from what the forwarder projected of real (simulated) nodes — checked here
// against the simulator's own node objects and the manifest's requests, parsed without domain/cost.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main';
import { VirtualClock } from '../../functions/clock';
import { NAMESPACE, startHarness, type Harness } from '../e2e/harness';
import { allAvailable, gracefulAgent } from '../fixtures/scenarios';
import { recordingIo } from './fake-io';

const INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
/** Kubernetes quantities as the simulator writes them: cores or millicores, bytes with a binary suffix. */
const cpuMillicores = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
const bytes = (q: string) => Number(q.replace(/(Ki|Mi|Gi)$/, '')) * ({ Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[q.slice(-2)] ?? 1);

let h: Harness | undefined;
afterAll(async () => h?.close());

describe('cost --since: the overhead per node type', () => {
  it('is one pod’s requests over each node type’s allocatable, as the simulator reports it', async () => {
    const clock = new VirtualClock();
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-cost-overhead-'));
    h = await startHarness({ clock, nodes: 1, runtime: { stateDir: state } }); // node-1: no instance type
    h.sim.addNode('m5-1', { labels: { [INSTANCE_TYPE]: 'm5.large' }, allocatable: { cpu: '1930m', memory: '7Gi' } });
    h.sim.addNode('m5-2', { labels: { [INSTANCE_TYPE]: 'm5.large' }, allocatable: { cpu: '1930m', memory: '7Gi' } });
    h.sim.addNode('c5-1', { labels: { [INSTANCE_TYPE]: 'c5.4xlarge' }, allocatable: { cpu: '15890m', memory: '27Gi' } });
    const ds = gracefulAgent();
    await h.cp.applyDaemonSet(ds);
    await h.until(allAvailable(h, 'agent:1', 4, 0), 'agent:1 available on every node');
    await h.runtime.settle();

    const io = recordingIo();
    expect(await main(['cost', 'agent', '-n', NAMESPACE, '--since', '1h', '--until', clock.now().toISOString(), '--json', '--state', state], io)).toBe(0);
    const overhead = (JSON.parse(io.stdout[0]!) as { overhead: { instanceType: string; cpuShare: number; memoryShare: number }[] }).overhead;

    const requests = ds.spec!.template.spec!.containers[0]!.resources!.requests!;
    const expected = new Map<string, { instanceType: string; cpuShare: number; memoryShare: number }>();
    for (const node of h.sim.nodes()) {
      const type = node.metadata!.labels![INSTANCE_TYPE] ?? '(no instance type)';
      const a = node.status!.allocatable!;
      expected.set(type, {
        instanceType: type,
        cpuShare: cpuMillicores(requests.cpu!) / cpuMillicores(a.cpu!),
        memoryShare: bytes(requests.memory!) / bytes(a.memory!),
      });
    }
    expect(overhead.map((o) => o.instanceType)).toEqual(['(no instance type)', 'c5.4xlarge', 'm5.large']);
    for (const o of overhead) {
      expect(o.cpuShare, o.instanceType).toBeCloseTo(expected.get(o.instanceType)!.cpuShare, 12);
      expect(o.memoryShare, o.instanceType).toBeCloseTo(expected.get(o.instanceType)!.memoryShare, 12);
    }
    expect(overhead.find((o) => o.instanceType === 'm5.large')!.cpuShare).toBeCloseTo(100 / 1930, 12); // 5.2% of an m5.large's CPU

    const table = recordingIo();
    expect(await main(['cost', 'agent', '-n', NAMESPACE, '--since', '1h', '--until', clock.now().toISOString(), '--state', state], table)).toBe(0);
    expect(table.stdout.join('\n')).toMatch(
      /INSTANCE-TYPE +CPU-SHARE +MEMORY-SHARE\n\(no instance type\) +2\.5% +1\.2%\nc5\.4xlarge +0\.6% +0\.7%\nm5\.large +5\.2% +2\.8%/,
    );
  }, 300_000);
});
