// The kustomize install: the base (infra/manifests) and its two overlays render with kubectl's
// kustomize, carry the settings from the one settings.env, and the forwarder they deploy runs a
// command line the forwarder bundle parses — in-cluster, with the credentials its path provides,
// its image pinned by digest, probed, two replicas on a Lease, a disruption budget and a priority.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseForwarderArgs } from '../../functions/forwarder/main';

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [field: string]: any };

const KUBECTL = '/usr/bin/kubectl';
const kubectlPresent = existsSync(KUBECTL);
if (!kubectlPresent) console.warn('SKIPPED test/infra/kustomize.test.ts: no kubectl at /usr/bin/kubectl');

async function render(dir: string): Promise<Doc[]> {
  const { stdout } = await promisify(execFile)(KUBECTL, ['kustomize', dir]);
  return parseAllDocuments(stdout).map((d) => d.toJS() as Doc);
}

const settings = Object.fromEntries(
  readFileSync('infra/kustomize/settings/settings.env', 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('=') as [string, string]),
);

const forwarderOf = (docs: Doc[]) => {
  const configMap = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'daemonloop-forwarder')!;
  const deployment = docs.find((d) => d.kind === 'Deployment')!;
  return { configMap, container: deployment.spec.template.spec.containers[0] };
};

describe.skipIf(!kubectlPresent)('kustomize', () => {
  it('renders the base: the CRD, the RBAC and the forwarder, one namespace', async () => {
    const docs = await render('infra/manifests');
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'Namespace/daemonloop-system',
        'CustomResourceDefinition/daemonsets.daemonloop.dev',
        'ServiceAccount/daemonloop-forwarder',
        'ClusterRole/daemonloop-controller',
        'ConfigMap/daemonloop-forwarder',
        'Deployment/daemonloop-forwarder',
      ]),
    );
    expect(docs.filter((d) => d.kind === 'Namespace')).toHaveLength(1);
  });

  it.each(['eks-pod-identity', 'token-secret'])(
    'renders the %s overlay with settings.env in the ConfigMap, and a forwarder command the bundle parses',
    async (overlay) => {
      const docs = await render(`infra/kustomize/overlays/${overlay}`);
      const { configMap, container } = forwarderOf(docs);
      expect(configMap.data).toMatchObject(settings);
      expect(Object.keys(settings).sort()).toEqual(['AWS_REGION', 'CLUSTER_ID', 'EVENT_BUS', 'SOURCE_NAME']);
      const argv = (container.args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (_, name: string) => configMap.data[name]));
      expect(parseForwarderArgs(argv)).toMatchObject({ clusterId: settings.CLUSTER_ID, sourceName: settings.SOURCE_NAME, eventBus: settings.EVENT_BUS });
    },
  );

  it.each(['eks-pod-identity', 'token-secret'])(
    'the %s overlay pins the image by digest, probes it, and keeps one of two replicas through disruptions at a priority',
    async (overlay) => {
      const docs = await render(`infra/kustomize/overlays/${overlay}`);
      const deployment = docs.find((d) => d.kind === 'Deployment')!;
      const { container } = forwarderOf(docs);
      expect(container.image).toMatch(/^[a-z0-9][a-z0-9._/-]*@sha256:[0-9a-f]{64}$/);
      expect(container.livenessProbe.httpGet.path).toBe('/livez');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(deployment.spec.replicas).toBe(2);
      const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget')!;
      expect(pdb).toMatchObject({ apiVersion: 'policy/v1', metadata: { namespace: 'daemonloop-system' }, spec: { minAvailable: 1 } });
      expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      const priority = docs.find((d) => d.kind === 'PriorityClass')!;
      expect(deployment.spec.template.spec.priorityClassName).toBe(priority.metadata.name);
      expect(priority.value).toBeGreaterThan(0);
      expect(priority.value).toBeLessThan(1_000_000_000); // user range, below the system classes
      const role = docs.find((d) => d.kind === 'Role' && d.rules.some((r: { resources: string[] }) => r.resources.includes('leases')))!;
      const binding = docs.find((d) => d.kind === 'RoleBinding' && d.roleRef.name === role.metadata.name)!;
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace: 'daemonloop-system' }]);
    },
  );

  it('pins the image an operator built: scripts/pin-forwarder-image.mjs writes repository and digest, every overlay deploys it', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'kustomize-'));
    cpSync('infra/manifests', join(copy, 'manifests'), { recursive: true });
    cpSync('infra/kustomize', join(copy, 'kustomize'), { recursive: true });
    const digest = `sha256:${'ab12'.repeat(16)}`;
    execFileSync(process.execPath, [
      'scripts/pin-forwarder-image.mjs',
      `team/daemonloop-forwarder@${digest}`,
      join(copy, 'kustomize/settings/kustomization.yaml'),
    ]);
    for (const overlay of ['eks-pod-identity', 'token-secret']) {
      const { container } = forwarderOf(await render(join(copy, 'kustomize/overlays', overlay)));
      expect(container.image).toBe(`team/daemonloop-forwarder@${digest}`);
    }
    expect(() =>
      execFileSync(process.execPath, ['scripts/pin-forwarder-image.mjs', 'daemonloop-forwarder:latest', join(copy, 'kustomize/settings/kustomization.yaml')], {
        stdio: 'pipe',
      }),
    ).toThrow(/REPOSITORY@sha256/);
  });

  it('gives the token-secret path a controller token and the forwarder AWS keys from a Secret; the EKS path stores no credential', async () => {
    const eks = await render('infra/kustomize/overlays/eks-pod-identity');
    expect(eks.filter((d) => d.kind === 'Secret')).toEqual([]);
    expect(forwarderOf(eks).container.envFrom).toEqual([{ configMapRef: { name: 'daemonloop-forwarder' } }]);

    const token = await render('infra/kustomize/overlays/token-secret');
    const secret = token.find((d) => d.kind === 'Secret')!;
    expect(secret).toMatchObject({
      type: 'kubernetes.io/service-account-token',
      metadata: { namespace: 'daemonloop-system', annotations: { 'kubernetes.io/service-account.name': 'daemonloop-controller' } },
    });
    expect(token.some((d) => d.kind === 'ServiceAccount' && d.metadata.name === 'daemonloop-controller' && d.metadata.namespace === 'daemonloop-system')).toBe(
      true,
    );
    expect(forwarderOf(token).container.envFrom).toEqual([
      { configMapRef: { name: 'daemonloop-forwarder' } },
      { secretRef: { name: 'daemonloop-forwarder-aws' } },
    ]);
  });
});
