// The forwarder image's program: scripts/build-forwarder.mjs bundles it into one file, which runs
// from a folder with no node_modules (as in the image) against the simulator and a local PutEvents
// endpoint — forwarding, holding the Lease as its pod, serving its probes, and on SIGTERM stepping
// down (releasing the Lease) and exiting 0. No development package is in the bundle.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { startSimulator, type StartedSimulator } from '../support/simulator';
import { until } from '../support/until';
import { startPutEventsEndpoint, type PutEventsEndpoint } from './put-events-endpoint';

const out = mkdtempSync(join(tmpdir(), 'forwarder-bundle-')); // outside the repository: no node_modules to fall back on
const DEV_PACKAGES = ['aws-cdk-lib', 'constructs', 'dynalite', 'tsx', 'vitest', 'esbuild', 'typescript', 'aws-cdk', 'cdk-nag'];

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-forwarder.mjs', out], { stdio: 'inherit' });
});

describe('the forwarder bundle', () => {
  it('holds no development package', () => {
    const { inputs } = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const packages = new Set(
      Object.keys(inputs)
        .map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1])
        .filter((p) => p !== undefined),
    );
    expect(packages).toContain('@kubernetes/client-node');
    expect(packages).toContain('@aws-sdk/client-eventbridge');
    for (const dev of DEV_PACKAGES) expect(packages, dev).not.toContain(dev);
  });

  describe('running', () => {
    let s: StartedSimulator;
    let bus: PutEventsEndpoint;
    let child: ChildProcess;
    let stderr = '';
    beforeAll(async () => {
      s = await startSimulator();
      s.sim.addNode('n1');
      bus = await startPutEventsEndpoint();
      const kubeconfig = join(out, 'kubeconfig');
      await s.sim.writeKubeconfig(kubeconfig);
      child = spawn(
        process.execPath,
        [
          join(out, 'forwarder.mjs'),
          '--cluster-id',
          'c1',
          '--event-bus',
          'daemonloop',
          '--kubeconfig',
          kubeconfig,
          '--health-port',
          '0',
          '--health-address',
          '127.0.0.1',
        ],
        {
          cwd: out,
          env: {
            PATH: process.env.PATH,
            POD_NAME: 'daemonloop-forwarder-abc12',
            POD_NAMESPACE: 'daemonloop-system',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    });
    afterAll(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await bus.close();
      await s.close();
    });

    it('leads as its pod, forwards, serves ready and live; SIGTERM releases the Lease and exits 0', async () => {
      await until(
        () => bus.accepted.some((e) => e.DetailType === 'NodeObserved'),
        () => `the node to be forwarded; stderr: ${stderr}`,
        20_000,
      );
      expect(bus.accepted[0]!.Source).toBe('daemonloop.forwarder/c1');
      const leases = s.kubeConfig.makeApiClient(CoordinationV1Api);
      expect((await leases.readNamespacedLease({ namespace: 'daemonloop-system', name: 'daemonloop-forwarder' })).spec?.holderIdentity).toBe(
        'daemonloop-forwarder-abc12',
      );
      const url = /"health":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr)?.[1];
      expect(url, stderr).toBeDefined();
      let ready = 0;
      for (let i = 0; i < 50 && ready !== 200; i++) {
        ready = (await fetch(`${url}/readyz`)).status;
        if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(200);
      expect((await fetch(`${url}/livez`)).status).toBe(200);

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect((await leases.readNamespacedLease({ namespace: 'daemonloop-system', name: 'daemonloop-forwarder' })).spec?.holderIdentity).toBe('');
    });
  });
});
