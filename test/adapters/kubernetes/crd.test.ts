// The CRD manifest and the constants the code uses name the same resource, and its schema covers
// the apps/v1 DaemonSet spec and status field for field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V1DaemonSetSpec, V1DaemonSetStatus } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import {
  DAEMONSET_CATEGORIES,
  DAEMONSET_GROUP,
  DAEMONSET_KIND,
  DAEMONSET_LIST_KIND,
  DAEMONSET_PLURAL,
  DAEMONSET_PRINTER_COLUMNS,
  DAEMONSET_RESOURCE,
  DAEMONSET_SHORT_NAMES,
  DAEMONSET_SINGULAR,
  DAEMONSET_VERSION,
} from '../../../functions/adapters/kubernetes/custom-resource';

const crd = parse(readFileSync(new URL('../../../infra/manifests/crd.yaml', import.meta.url), 'utf8'));
const version = crd.spec.versions[0];
const schema = version.schema.openAPIV3Schema.properties;

describe('infra/manifests/crd.yaml', () => {
  it('declares the group, version and names of custom-resource.ts', () => {
    expect(crd.metadata.name).toBe(DAEMONSET_RESOURCE);
    expect(crd.spec.group).toBe(DAEMONSET_GROUP);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({
      kind: DAEMONSET_KIND,
      listKind: DAEMONSET_LIST_KIND,
      plural: DAEMONSET_PLURAL,
      singular: DAEMONSET_SINGULAR,
      shortNames: [...DAEMONSET_SHORT_NAMES],
      categories: [...DAEMONSET_CATEGORIES],
    });
    expect(crd.spec.versions.map((v: { name: string }) => v.name)).toEqual([DAEMONSET_VERSION]);
    expect(version.subresources).toEqual({ status: {} });
  });

  it('prints the columns of kubectl get ds', () => {
    expect(version.additionalPrinterColumns).toEqual(DAEMONSET_PRINTER_COLUMNS.map((c) => ({ ...c })));
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name.toUpperCase())).toEqual([
      'DESIRED',
      'CURRENT',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'NODE SELECTOR',
      'AGE',
      'WAVE',
      'PAUSED',
    ]);
  });

  it('has a schema field for every apps/v1 DaemonSetSpec and DaemonSetStatus field', () => {
    const names = (model: { getAttributeTypeMap(): { name: string }[] }) =>
      model
        .getAttributeTypeMap()
        .map((a) => a.name)
        .sort();
    // Plus our rollout-control fields (domain/rollout-control/spec.ts).
    expect(Object.keys(schema.spec.properties).sort()).toEqual([...names(V1DaemonSetSpec), 'paused', 'progressDeadlineSeconds'].sort());
    expect(Object.keys(schema.status.properties).sort()).toEqual([...names(V1DaemonSetStatus), 'rollout'].sort());
    expect(schema.spec.required).toEqual(['selector', 'template']);
  });
});

describe('infra/manifests/rbac.yaml', () => {
  const docs = parseAllDocuments(readFileSync(new URL('../../../infra/manifests/rbac.yaml', import.meta.url), 'utf8')).map((d) => d.toJS());
  const role = (name: string) => docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === name);
  const verbs = (name: string, group: string, resource: string) =>
    role(name)
      .rules.filter((r: { apiGroups: string[]; resources: string[] }) => r.apiGroups.includes(group) && r.resources.includes(resource))
      .flatMap((r: { verbs: string[] }) => r.verbs)
      .sort();

  it('lets the controller manage pods and write DaemonSet status, and the forwarder only read', () => {
    expect(verbs('daemonloop-controller', '', 'pods')).toEqual(['create', 'delete', 'get', 'list', 'patch', 'watch']);
    expect(verbs('daemonloop-controller', '', 'nodes')).toEqual(['get', 'list', 'watch']);
    expect(verbs('daemonloop-controller', DAEMONSET_GROUP, DAEMONSET_PLURAL)).toEqual(['get', 'list', 'watch']);
    expect(verbs('daemonloop-controller', DAEMONSET_GROUP, `${DAEMONSET_PLURAL}/status`)).toEqual(['patch', 'update']);
    for (const resource of ['pods', 'nodes']) expect(verbs('daemonloop-forwarder', '', resource)).toEqual(['get', 'list', 'watch']);
    expect(verbs('daemonloop-forwarder', DAEMONSET_GROUP, DAEMONSET_PLURAL)).toEqual(['get', 'list', 'watch']);
  });

  it('binds each role to its service account in daemonloop-system', () => {
    for (const name of ['daemonloop-controller', 'daemonloop-forwarder']) {
      const binding = docs.find((d) => d.kind === 'ClusterRoleBinding' && d.roleRef.name === name);
      expect(binding.subjects).toContainEqual({ kind: 'ServiceAccount', name, namespace: 'daemonloop-system' });
      expect(docs).toContainEqual(expect.objectContaining({ kind: 'ServiceAccount', metadata: { name, namespace: 'daemonloop-system' } }));
    }
  });
});

describe('crd.yaml: rollout-control fields', () => {
  const rollingUpdate = schema.spec.properties.updateStrategy.properties.rollingUpdate;
  it('declares paused, progressDeadlineSeconds, partition, selector, maxFailedNodes and waves', () => {
    expect(schema.spec.properties.paused.type).toBe('boolean');
    expect(schema.spec.properties.progressDeadlineSeconds.minimum).toBe(1);
    expect(Object.keys(rollingUpdate.properties).sort()).toEqual(['maxFailedNodes', 'maxSurge', 'maxUnavailable', 'partition', 'selector', 'waves']);
    expect(Object.keys(rollingUpdate.properties.waves.items.properties).sort()).toEqual([
      'maxSurge',
      'maxUnavailable',
      'minSuccessSeconds',
      'name',
      'nodes',
      'selector',
      'topologyKey',
    ]);
  });

  it('checks rules that span fields with x-kubernetes-validations, each with a message', () => {
    const messages = (rules: { rule: string; message: string }[]) => rules.map((r) => r.message);
    expect(messages(rollingUpdate['x-kubernetes-validations'])).toEqual(
      expect.arrayContaining(['cannot be 0 when maxSurge is 0', 'partition must be an integer >= 0 or a percentage such as "10%"']),
    ); // both 0: i16's rule, upstream's wording
    expect(messages(rollingUpdate.properties.waves.items['x-kubernetes-validations'])).toEqual(
      expect.arrayContaining(['one of selector, topologyKey or nodes is required', "a wave's maxUnavailable and maxSurge cannot both be 0"]),
    );
    expect(messages(schema.spec['x-kubernetes-validations'])).toEqual(
      expect.arrayContaining(['progressDeadlineSeconds must be greater than minReadySeconds', 'empty selector is invalid for daemonset']),
    );
  });
});
