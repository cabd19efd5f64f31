// The kustomize install: the base (infra/manifests) and its two overlays render with kubectl's
// kustomize, carry the settings from the one settings.env, and the forwarder they deploy runs a
// command line the CLI parses — in-cluster, with the credentials its path provides.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseCommand } from '../../functions/cli/main';

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
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(expect.arrayContaining([
      'Namespace/daemonloop-system', 'CustomResourceDefinition/daemonsets.daemonloop.dev', 'ServiceAccount/daemonloop-forwarder',
      'ClusterRole/daemonloop-controller', 'ConfigMap/daemonloop-forwarder', 'Deployment/daemonloop-forwarder',
    ]));
    expect(docs.filter((d) => d.kind === 'Namespace')).toHaveLength(1);
  });

  it.each(['eks-pod-identity', 'token-secret'])('renders the %s overlay with settings.env in the ConfigMap, and a forwarder command the CLI parses', async (overlay) => {
    const docs = await render(`infra/kustomize/overlays/${overlay}`);
    const { configMap, container } = forwarderOf(docs);
    expect(configMap.data).toMatchObject(settings);
    expect(Object.keys(settings).sort()).toEqual(['AWS_REGION', 'CLUSTER_ID', 'EVENT_BUS', 'SOURCE_NAME']);
    const argv = (container.args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (_, name: string) => configMap.data[name]));
    const { command, options } = parseCommand(argv);
    expect(command.name).toBe('forward');
    expect(options.values).toEqual({ 'cluster-id': settings.CLUSTER_ID, 'source-name': settings.SOURCE_NAME, 'event-bus': settings.EVENT_BUS });
  });

  it('gives the token-secret path a controller token and the forwarder AWS keys from a Secret; the EKS path stores no credential', async () => {
    const eks = await render('infra/kustomize/overlays/eks-pod-identity');
    expect(eks.filter((d) => d.kind === 'Secret')).toEqual([]);
    expect(forwarderOf(eks).container.envFrom).toEqual([{ configMapRef: { name: 'daemonloop-forwarder' } }]);

    const token = await render('infra/kustomize/overlays/token-secret');
    const secret = token.find((d) => d.kind === 'Secret')!;
    expect(secret).toMatchObject({ type: 'kubernetes.io/service-account-token', metadata: { namespace: 'daemonloop-system', annotations: { 'kubernetes.io/service-account.name': 'daemonloop-controller' } } });
    expect(token.some((d) => d.kind === 'ServiceAccount' && d.metadata.name === 'daemonloop-controller' && d.metadata.namespace === 'daemonloop-system')).toBe(true);
    expect(forwarderOf(token).container.envFrom).toEqual([{ configMapRef: { name: 'daemonloop-forwarder' } }, { secretRef: { name: 'daemonloop-forwarder-aws' } }]);
  });
});
