// The cluster-side manifests agree with the code and with each other: the forwarder Deployment runs
// a command line the forwarder bundle parses, as the read-only service account of rbac.yaml, in its namespace,
// and `kubectl apply -f infra/manifests/` on a fresh cluster creates that namespace before using it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FORWARDER_NAMESPACE, FORWARDER_SERVICE_ACCOUNT } from '../../infra/constructs/forwarder-role';
import { parseForwarderArgs } from '../../functions/forwarder/main';
import { repoPath } from '../../infra/constructs/loop-function';

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [field: string]: any };

const manifests = repoPath('infra/manifests');
const load = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(join(manifests, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS() as Doc;
  });
const forwarderDocs = load('forwarder-deployment.yaml');
const rbac = load('rbac.yaml');
const deployment = forwarderDocs.find((d) => d.kind === 'Deployment')!;
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

describe('forwarder-deployment.yaml', () => {
  it('runs the forwarder bundle, whose parser takes its args, in-cluster (no --kubeconfig), probed on its health port', () => {
    const configMap = forwarderDocs.find((d) => d.kind === 'ConfigMap')!;
    // Kubernetes expands $(VAR) in args from the container's environment, here the ConfigMap.
    const argv = (container.args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (_, name: string) => configMap.data[name]));
    const args = parseForwarderArgs(argv);
    expect(args).toMatchObject({
      clusterId: configMap.data.CLUSTER_ID,
      sourceName: configMap.data.SOURCE_NAME,
      eventBus: configMap.data.EVENT_BUS,
      leaseName: 'daemonloop-forwarder',
    });
    expect(args.kubeconfig).toBeUndefined();
    const port = container.ports.find((p: { name: string }) => p.name === 'health').containerPort;
    expect(port).toBe(args.healthPort);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    // Leader election: the pod's name is the candidate, its namespace the Lease's.
    expect(container.env).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect(deployment.spec.replicas).toBe(2);
  });

  it("runs in the namespace and as the service account the forwarder role's trust policy pins", () => {
    expect(deployment.metadata.namespace).toBe(FORWARDER_NAMESPACE);
    expect(pod.serviceAccountName).toBe(FORWARDER_SERVICE_ACCOUNT);
  });

  it('fills every $(VAR) in its args from the ConfigMap it loads, which sets the AWS region too', () => {
    const configMap = forwarderDocs.find((d) => d.kind === 'ConfigMap')!;
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    const references = (container.args as string[]).flatMap((a) => [...a.matchAll(/\$\((\w+)\)/g)].map((m) => m[1]));
    expect(references.length).toBeGreaterThan(0);
    for (const name of [...references, 'AWS_REGION']) expect(Object.keys(configMap.data), name).toContain(name);
  });

  it('runs as a service account of rbac.yaml whose cluster role only reads', () => {
    const account = rbac.find((d) => d.kind === 'ServiceAccount' && d.metadata.name === pod.serviceAccountName);
    expect(account?.metadata.namespace).toBe(deployment.metadata.namespace);
    const binding = rbac.find(
      (d) =>
        d.kind === 'ClusterRoleBinding' &&
        d.subjects.some((s: Doc['metadata'] & { kind: string }) => s.kind === 'ServiceAccount' && s.name === account!.metadata.name),
    )!;
    const role = rbac.find((d) => d.kind === 'ClusterRole' && d.metadata.name === binding.roleRef.name)!;
    const verbs = new Set(role.rules.flatMap((r: { verbs: string[] }) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
  });

  it('may write only its own Lease, in its namespace (create is not limited by name in RBAC)', () => {
    const binding = rbac.find((d) => d.kind === 'RoleBinding' && d.subjects.some((s: { name: string }) => s.name === pod.serviceAccountName))!;
    expect(binding.metadata.namespace).toBe(deployment.metadata.namespace);
    const role = rbac.find((d) => d.kind === 'Role' && d.metadata.name === binding.roleRef.name)!;
    expect(role.metadata.namespace).toBe(deployment.metadata.namespace);
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['daemonloop-forwarder'], verbs: ['get', 'update'] },
    ]);
  });

  it('puts everything namespaced in the namespace forwarder-deployment.yaml declares (once: kustomize refuses two)', () => {
    const namespace = forwarderDocs.find((d) => d.kind === 'Namespace')!.metadata.name;
    expect(rbac.filter((d) => d.kind === 'Namespace')).toEqual([]);
    for (const doc of [...forwarderDocs, ...rbac].filter((d) => d.kind === 'ServiceAccount' || d.kind === 'ConfigMap' || d.kind === 'Deployment'))
      expect(doc.metadata.namespace, doc.kind).toBe(namespace);
  });

  it('lets `kubectl apply -f infra/manifests/` (files in name order) create each namespace before anything in it', () => {
    const created = new Set<string>();
    for (const file of readdirSync(manifests)
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .sort()) {
      for (const doc of load(file)) {
        if (doc.kind === 'Namespace') created.add(doc.metadata.name);
        if (doc.metadata.namespace) expect(created, `${file}: ${doc.kind} ${doc.metadata.name}`).toContain(doc.metadata.namespace);
      }
    }
  });

  it('requests resources and runs unprivileged on a read-only root filesystem', () => {
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  });
});

describe('forwarder.Dockerfile', () => {
  const dockerfile = readFileSync(repoPath('infra/forwarder.Dockerfile'), 'utf8');
  const instructions = (name: string) => [...dockerfile.matchAll(new RegExp(`^${name} (.+)$`, 'gm'))].map((m) => m[1]!);
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds on Node 22 images named without a registry host, in two stages', () => {
    const images = instructions('FROM').map((f) => f.split(' ')[0]);
    expect(images).toHaveLength(2);
    for (const image of images) expect(image).toMatch(/^node:22[\w.-]*$/);
  });

  it('bundles in the build stage and copies only the bundle into the image, which installs nothing', () => {
    for (const copy of instructions('COPY').filter((c) => !c.startsWith('--from'))) {
      for (const source of copy.split(' ').slice(0, -1)) expect(existsSync(repoPath(source)), source).toBe(true);
    }
    expect(stages[0]).toMatch(/RUN node scripts\/build-forwarder\.mjs \/out/);
    const image = stages[1]!;
    expect(image).not.toMatch(/^RUN /m); // no npm install: no node_modules at all
    expect([...image.matchAll(/^COPY (.+)$/gm)].map((m) => m[1])).toEqual(['--from=build /out/forwarder.mjs /out/forwarder.mjs.map ./']);
    expect(JSON.parse(instructions('ENTRYPOINT')[0]!)).toEqual(['node', '--enable-source-maps', '/app/forwarder.mjs']);
  });
});
