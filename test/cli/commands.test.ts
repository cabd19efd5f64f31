// The CLI against a running control plane (the embedded runtime, real time, a fast simulated
// kubelet), through the kubeconfig `up` writes: apply, get ds, rollout status, nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseCommand } from '../../functions/cli/main';
import { parseLabel, parseTaint } from '../../functions/cli/commands/nodes';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { localTelemetry } from '../../functions/observability';
import { recordingIo } from './fake-io';

describe('command line parsing', () => {
  it('picks commands by their words, accepts daemonset for ds, and refuses unknown commands and options', async () => {
    expect(parseCommand(['get', 'daemonsets', '-A']).command.name).toBe('get ds');
    expect(parseCommand(['rollout', 'status', 'agent', '-n', 'kube-system']).options).toMatchObject({
      positionals: ['agent'],
      values: { namespace: 'kube-system' },
    });
    const io = recordingIo();
    expect(await main(['launch'], io)).toBe(2);
    expect(io.stderr[0]).toBe('error: unknown command: launch');
    expect(await main(['get', 'ds', '--bogus'], recordingIo())).toBe(2);
  });

  it('reads taints and labels as kubectl writes them', () => {
    expect(parseTaint('dedicated=db:NoExecute')).toEqual({ taint: { key: 'dedicated', value: 'db', effect: 'NoExecute' }, remove: false });
    expect(parseTaint('node-role.kubernetes.io/control-plane:NoSchedule-')).toEqual({
      taint: { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      remove: true,
    });
    expect(() => parseTaint('dedicated=db')).toThrow(/key\[=value\]:NoSchedule/);
    expect(parseLabel('ssd=true')).toEqual(['ssd', 'true']);
    expect(parseLabel('ssd-')).toEqual(['ssd', null]);
  });
});

describe('commands against a running control plane', () => {
  let runtime: LocalRuntime;
  let cluster: string[];
  beforeAll(async () => {
    runtime = await startLocalRuntime({
      cluster: { nodes: 2, simulatorOptions: { kubelet: { startDelayMs: 20, readyDelayMs: 20 } } },
      telemetry: localTelemetry('silent'),
    });
    cluster = ['--kubeconfig', runtime.kubeconfigPath];
  });
  afterAll(async () => runtime?.stop());

  it('applies the seeds manifest, follows its rollout to the end, and lists it as kubectl get ds does', async () => {
    const apply = recordingIo();
    expect(await main(['apply', '-f', 'examples/fluentd-elasticsearch.yaml', ...cluster], apply)).toBe(0);
    expect(apply.stdout).toEqual(['daemonset.daemonloop.dev/fluentd-elasticsearch created']);

    const rollout = recordingIo();
    expect(await main(['rollout', 'status', 'ds/fluentd-elasticsearch', '-n', 'kube-system', ...cluster], rollout)).toBe(0);
    expect(rollout.stdout).toEqual(['daemon set "fluentd-elasticsearch" successfully rolled out']);

    const get = recordingIo();
    expect(await main(['get', 'ds', '-n', 'kube-system', ...cluster], get)).toBe(0);
    expect(get.stdout[0]!.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/);
    expect(get.stdout[0]!.split('\n')[1]).toMatch(/^fluentd-elasticsearch\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\d+s$/);
  });

  it('adds, taints and removes nodes of the simulated cluster, and the DaemonSet follows', async () => {
    const io = recordingIo();
    expect(await main(['nodes', 'add', 'node-9', '--label', 'zone=a', ...cluster], io)).toBe(0);
    expect(await main(['nodes', 'taint', 'node-1', 'dedicated=db:NoExecute', ...cluster], io)).toBe(0);
    expect(io.stdout).toEqual(['node/node-9 created', 'node/node-1 tainted']);
    const podsOn = (node: string) => runtime.simulator!.pods({ namespace: 'kube-system', nodeName: node }).filter((p) => !p.metadata?.deletionTimestamp).length;
    expect(await runtime.runUntil(() => podsOn('node-9') === 1 && podsOn('node-1') === 0, 20_000)).toBe(true);
    expect(await main(['nodes', 'remove', 'node-9', ...cluster], io)).toBe(0);
    expect(await runtime.runUntil(() => podsOn('node-9') === 0, 20_000)).toBe(true);
  });
});
