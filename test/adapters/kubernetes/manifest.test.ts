// Plain apps/v1 DaemonSet YAML becomes our custom resource by its apiVersion alone; other kinds are refused by document.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DAEMONSET_API_VERSION } from '../../../functions/adapters/kubernetes/custom-resource';
import { parseDaemonSetManifests } from '../../../functions/adapters/kubernetes/manifest';

// Copies of the seeds' examples (shared/examples), so the test runs on a fresh clone.
const example = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

describe('parseDaemonSetManifests', () => {
  it('converts the seeds fluentd-elasticsearch example by changing only its apiVersion', () => {
    const text = example('fluentd-elasticsearch.yaml');
    const [ds, ...rest] = parseDaemonSetManifests(text);
    expect(rest).toEqual([]);
    expect(ds).toEqual({ ...parse(text), apiVersion: DAEMONSET_API_VERSION });
    expect(ds!.spec?.template.spec?.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it('keeps string values strings (nodeSelector ssd: "true")', () => {
    const [ds] = parseDaemonSetManifests(example('fluentd.yaml'));
    expect(ds!.spec?.template.spec?.nodeSelector).toEqual({ ssd: 'true' });
    expect(ds!.spec?.minReadySeconds).toBe(30);
  });

  it('passes our own kind through and skips empty documents', () => {
    const ours = `apiVersion: ${DAEMONSET_API_VERSION}\nkind: DaemonSet\nmetadata: {name: a}\n---\n---\n${example('liberator.yaml')}`;
    expect(parseDaemonSetManifests(ours).map((d) => [d.apiVersion, d.metadata?.name])).toEqual([
      [DAEMONSET_API_VERSION, 'a'],
      [DAEMONSET_API_VERSION, 'liberator'],
    ]);
  });

  it('refuses other kinds, naming the document index and the kind', () => {
    const mixed = `${example('fluentd.yaml')}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n`;
    expect(() => parseDaemonSetManifests(mixed)).toThrow('document 1: kind Deployment (apiVersion apps/v1) is not a DaemonSet');
    expect(() => parseDaemonSetManifests('apiVersion: extensions/v1beta1\nkind: DaemonSet\n')).toThrow(
      /document 0: kind DaemonSet \(apiVersion extensions\/v1beta1\)/,
    );
    expect(() => parseDaemonSetManifests('a: [1,\n')).toThrow(/document 0: invalid YAML/);
  });
});
