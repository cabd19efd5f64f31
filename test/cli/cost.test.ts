// `daemonloop cost`: the pure renderer on hand-built figures, and the command against a running
// control plane (the embedded runtime and the simulator) with the seeds' fluentd-elasticsearch.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetCost } from '../../domain/cost';
import { main } from '../../functions/cli/main';
import { costJsonLine, formatCpu, formatDollars, formatMemory, renderCostTable } from '../../functions/cli/commands/render-cost';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { localTelemetry } from '../../functions/observability';
import { recordingIo } from './fake-io';

const MI = 2 ** 20;
const fleet = (eligibleNodes: number, cpuMillicores: number, memoryBytes: number, hourly: number, surge = false): FleetCost => ({
  eligibleNodes,
  requests: { cpuMillicores, memoryBytes },
  hourly,
  monthly: hourly * 730,
  byInstanceType: [],
  surgeHeadroomMonthly: surge ? hourly * 730 : 0,
});

describe('renderCostTable', () => {
  it('prints one row per DaemonSet with Kubernetes quantities and dollars, then the total', () => {
    const table = renderCostTable([
      { name: 'fluentd-elasticsearch', namespace: 'kube-system', cost: fleet(1000, 100, 200 * MI, 3.988639) },
      { name: 'node-exporter', namespace: 'monitoring', cost: fleet(3, 2000, 1.5 * 2 ** 30, 0.1, true) },
    ]);
    expect(table.split('\n')).toEqual([
      'NAME                    NAMESPACE     NODES   CPU/POD   MEM/POD   $/HOUR   $/MONTH    SURGE-HEADROOM $/MONTH',
      'fluentd-elasticsearch   kube-system   1000    100m      200Mi     3.9886   2,911.71   0.00',
      'node-exporter           monitoring    3       2         1536Mi    0.1000   73.00      73.00',
      'TOTAL                                                             4.0886   2,984.71   73.00',
    ]);
    expect(renderCostTable([])).toBe('');
  });

  it('writes CPU as millicores or cores, memory in the largest exact binary unit, dollars with separators', () => {
    expect([formatCpu(100), formatCpu(1000), formatCpu(2500), formatCpu(0)]).toEqual(['100m', '1', '2500m', '0']);
    expect([formatMemory(200 * MI), formatMemory(2 ** 30), formatMemory(500_000_000), formatMemory(0), formatMemory(1024)]).toEqual([
      '200Mi',
      '1Gi',
      '500000000',
      '0',
      '1Ki',
    ]);
    expect([formatDollars(14558.532, 2), formatDollars(0.019943, 4)]).toEqual(['14,558.53', '0.0199']);
  });

  it('writes --json as one object per DaemonSet', () => {
    const line = costJsonLine({ name: 'agent', namespace: 'default', cost: fleet(2, 100, 200 * MI, 0.008) });
    expect(JSON.parse(line)).toMatchObject({
      name: 'agent',
      namespace: 'default',
      eligibleNodes: 2,
      requests: { cpuMillicores: 100, memoryBytes: 200 * MI },
      hourly: 0.008,
    });
    expect(line).not.toContain('\n');
  });
});

describe('cost against a running control plane', () => {
  let runtime: LocalRuntime;
  let cluster: string[];
  let dir: string;
  beforeAll(async () => {
    runtime = await startLocalRuntime({ cluster: { nodes: 3 }, telemetry: localTelemetry('silent') });
    cluster = ['--kubeconfig', runtime.kubeconfigPath];
    dir = await mkdtemp(join(tmpdir(), 'dl-cost-'));
    const io = recordingIo();
    expect(await main(['nodes', 'add', 'big-1', '--label', 'node.kubernetes.io/instance-type=m5.2xlarge', ...cluster], io)).toBe(0);
    expect(
      await main(
        ['nodes', 'add', 'spot-1', '--label', 'node.kubernetes.io/instance-type=m5.2xlarge', '--label', 'karpenter.sh/capacity-type=spot', ...cluster],
        io,
      ),
    ).toBe(0);
    expect(await main(['nodes', 'add', 'db-1', '--taint', 'dedicated=db:NoSchedule', ...cluster], io)).toBe(0);
    expect(await main(['apply', '-f', 'examples/fluentd-elasticsearch.yaml', ...cluster], io)).toBe(0);
  }, 60_000);
  afterAll(async () => runtime?.stop());

  it('prices the seeds fluentd-elasticsearch on its 5 eligible nodes at OpenCost defaults (4 on demand, 1 spot)', async () => {
    const io = recordingIo();
    expect(await main(['cost', '-A', ...cluster], io)).toBe(0);
    // 100m + 200Mi: $0.003988639/pod-hour on demand, $0.000839719 on spot.
    const hourly = 4 * 0.003988639 + 0.00083971875;
    expect(io.stdout[0]!.split('\n')).toEqual([
      expect.stringMatching(/^NAME\s+NAMESPACE\s+NODES\s+CPU\/POD\s+MEM\/POD\s+\$\/HOUR\s+\$\/MONTH\s+SURGE-HEADROOM \$\/MONTH$/),
      expect.stringMatching(
        new RegExp(`^fluentd-elasticsearch\\s+kube-system\\s+5\\s+100m\\s+200Mi\\s+${hourly.toFixed(4)}\\s+${(hourly * 730).toFixed(2)}\\s+0\\.00$`),
      ),
      expect.stringMatching(new RegExp(`^TOTAL\\s+${hourly.toFixed(4)}\\s+${(hourly * 730).toFixed(2)}\\s+0\\.00$`)),
    ]);
    expect((hourly * 730).toFixed(2)).toBe('12.26');
    expect(io.stderr).toEqual([]);
  });

  it('applies a --prices file by instance type and breaks the fleet down in --json', async () => {
    const prices = join(dir, 'prices.json');
    await writeFile(
      prices,
      JSON.stringify({ default: { cpuCoreHour: 0.04, memoryGiBHour: 0.005 }, instanceTypes: { 'm5.2xlarge': { cpuCoreHour: 0.048, memoryGiBHour: 0.006 } } }),
    );
    const io = recordingIo();
    expect(await main(['cost', 'ds/fluentd-elasticsearch', '-n', 'kube-system', '--prices', prices, '--json', ...cluster], io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const line = JSON.parse(io.stdout[0]!);
    const perPod = (cpu: number, mem: number) => 0.1 * cpu + (200 / 1024) * mem;
    expect(line).toMatchObject({
      name: 'fluentd-elasticsearch',
      namespace: 'kube-system',
      eligibleNodes: 5,
      requests: { cpuMillicores: 100, memoryBytes: 200 * MI },
      surgeHeadroomMonthly: 0,
    });
    expect(line.byInstanceType.map((g: { instanceType?: string; spot: boolean; nodes: number }) => [g.instanceType ?? null, g.spot, g.nodes])).toEqual([
      ['m5.2xlarge', false, 1],
      ['m5.2xlarge', true, 1],
      [null, false, 3],
    ]);
    // No spot rates in the file: the spot node is priced as its instance type.
    expect(line.hourly).toBeCloseTo(3 * perPod(0.04, 0.005) + 2 * perPod(0.048, 0.006), 12);
    expect(line.byInstanceType[0].marginalMonthly).toBeCloseTo(perPod(0.048, 0.006) * 730, 12);
  });

  it('refuses a bad --prices file with exit 2 and one line naming the field, before reading the cluster', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ default: { cpuCoreHour: 0.04, memoryGiBHour: 0.005 }, instanceTypes: { 'm5.large': { cpuCoreHour: '0.05', memoryGiBHour: 0.006 } } }),
    );
    const io = recordingIo();
    expect(await main(['cost', '-A', '--prices', bad, '--kubeconfig', join(dir, 'no-such-kubeconfig')], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^error: --prices .*bad\.json: instanceTypes\.m5\.large\.cpuCoreHour: .*number/);

    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{ default: ');
    const io2 = recordingIo();
    expect(await main(['cost', '--prices', notJson, ...cluster], io2)).toBe(2);
    expect(io2.stdout).toEqual([]);
    expect(io2.stderr).toHaveLength(1);
  });

  it('says so when a namespace holds no DaemonSet', async () => {
    const io = recordingIo();
    expect(await main(['cost', '-n', 'empty', ...cluster], io)).toBe(0);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual(['No resources found in empty namespace.']);
  });
});
