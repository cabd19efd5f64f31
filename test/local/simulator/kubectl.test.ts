// kubectl works against the simulator as against an API server: discovery, server-side printing
// (the columns of `kubectl get nodes,pods` and `kubectl get ds`), create, and an orphaning delete.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parseDaemonSetManifests } from '../../../functions/adapters/kubernetes/manifest';
import { startSimulator, type StartedSimulator } from '../../support/simulator';

const kubectlPresent = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!kubectlPresent) console.warn('SKIPPED test/local/simulator/kubectl.test.ts: kubectl is not on PATH');

const dir = mkdtempSync(join(tmpdir(), 'daemonloop-kubectl-'));
const kubeconfig = join(dir, 'kubeconfig');
let s: StartedSimulator;
const kubectl = async (...args: string[]) => (await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, ...args])).stdout;
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));

describe.skipIf(!kubectlPresent)('kubectl against the simulator', () => {
  beforeAll(async () => {
    s = await startSimulator({ kubelet: { startDelayMs: 0, readyDelayMs: 0 } });
    await s.sim.writeKubeconfig(kubeconfig);
    s.sim.addNode('worker-1');
    s.sim.addNode('cp-1', { labels: { 'node-role.kubernetes.io/control-plane': '' } });
  });
  afterAll(() => s.close());

  it('creates the converted fluentd-elasticsearch example and lists it with the columns of kubectl get ds', async () => {
    const [ds] = parseDaemonSetManifests(readFileSync(new URL('../../adapters/kubernetes/fixtures/fluentd-elasticsearch.yaml', import.meta.url), 'utf8'));
    writeFileSync(join(dir, 'ds.yaml'), stringify(ds));
    // kubectl validates through the simulator's OpenAPI document (fieldValidation=Strict): no --validate=false.
    expect(await kubectl('create', '-f', join(dir, 'ds.yaml'))).toBe('daemonset.daemonloop.dev/fluentd-elasticsearch created\n');
    const table = rows(await kubectl('get', 'dlds', '-A'));
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    expect(table[1]!.slice(0, 8)).toEqual(['kube-system', 'fluentd-elasticsearch', '0', '0', '0', '0', '0', '<none>']);
  });

  it('refuses an invalid DaemonSet at admission with 422, naming each field, as the CRD’s rules do', async () => {
    const [ds] = parseDaemonSetManifests(readFileSync(new URL('../../adapters/kubernetes/fixtures/fluentd-elasticsearch.yaml', import.meta.url), 'utf8'));
    const bad = {
      ...ds,
      metadata: { ...ds!.metadata, name: 'bad' },
      spec: { ...ds!.spec!, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '2' } } },
    };
    writeFileSync(join(dir, 'bad.yaml'), stringify(bad));
    const refused = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', join(dir, 'bad.yaml')]).then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(refused).toMatch(/The DaemonSet "bad" is invalid: spec\.updateStrategy\.rollingUpdate\.maxUnavailable: "2": must be an integer or percentage/);
    expect(s.sim.daemonSet('kube-system', 'bad')).toBeUndefined();
  });

  it('shows nodes and pods as kubectl get nodes,pods -A does', async () => {
    s.sim.createPod({ metadata: { name: 'agent-x', namespace: 'kube-system' }, spec: { nodeName: 'worker-1', containers: [{ name: 'a', image: 'agent' }] } });
    await new Promise((r) => setTimeout(r, 50)); // the kubelet's zero delays still run on timers
    const out = await kubectl('get', 'nodes,pods', '-A');
    const [nodes, pods] = out.trim().split('\n\n').map(rows);
    expect(nodes!.map((r) => r.slice(0, 3))).toEqual([
      ['NAME', 'STATUS', 'ROLES'],
      ['node/cp-1', 'Ready', 'control-plane'],
      ['node/worker-1', 'Ready', '<none>'],
    ]);
    expect(pods![0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(pods![1]!.slice(0, 5)).toEqual(['kube-system', 'pod/agent-x', '1/1', 'Running', '0']);
  });

  it('shows namespaces with their phase', async () => {
    const table = rows(await kubectl('get', 'namespaces'));
    expect(table[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(table.slice(1).map((r) => r.slice(0, 2))).toContainEqual(['kube-system', 'Active']);
  });

  it('deletes with --cascade=orphan, leaving the pods without an owner', async () => {
    const ds = s.sim.daemonSet('kube-system', 'fluentd-elasticsearch')!;
    s.sim.createPod({
      metadata: {
        name: 'owned',
        namespace: 'kube-system',
        labels: { name: 'fluentd-elasticsearch' },
        ownerReferences: [{ apiVersion: ds.apiVersion!, kind: ds.kind!, name: ds.metadata!.name!, uid: ds.metadata!.uid!, controller: true }],
      },
      spec: { nodeName: 'worker-1', containers: [{ name: 'a', image: 'agent' }] },
    });
    expect(await kubectl('delete', 'dlds', 'fluentd-elasticsearch', '-n', 'kube-system', '--cascade=orphan')).toContain('deleted');
    expect(s.sim.daemonSet('kube-system', 'fluentd-elasticsearch')).toBeUndefined();
    expect(s.sim.pod('kube-system', 'owned')?.metadata?.ownerReferences).toBeUndefined();
  });
});
