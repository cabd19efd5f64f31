// Placement by labels or list, ordered merge-patch overrides, and the validation that names the field.
import { describe, expect, it } from 'vitest';
import { effectiveSpec } from '../../../domain/fleet/effective-spec';
import { mergePatch } from '../../../domain/fleet/merge-patch';
import { selectClusters } from '../../../domain/fleet/placement';
import { validateFleet } from '../../../domain/fleet/validation';
import { aFleet, cluster, FOUR, template } from './builders';

describe('mergePatch (RFC 7386)', () => {
  it('merges objects key by key, deletes on null and replaces arrays whole', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' };
    expect(mergePatch(target, { a: { b: 9, c: null }, list: [3] })).toEqual({ a: { b: 9 }, list: [3], keep: 'x' });
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' }); // untouched
  });
  it('follows the RFC examples for non-object patches and targets', () => {
    expect(mergePatch({ a: 'b' }, ['c'])).toEqual(['c']);
    expect(mergePatch(['a'], { b: 'c' })).toEqual({ b: 'c' });
    expect(mergePatch({ a: 'foo' }, null)).toBeNull();
  });
});

describe('placement', () => {
  it('selects clusters by label, ordered by id', () => {
    expect(selectClusters({ clusterSelector: { matchLabels: { env: 'prod' } } }, [...FOUR].reverse()).map((c) => c.clusterId)).toEqual(['prod-a', 'prod-b']);
  });
  it('selects clusters by explicit list, ignoring unregistered names', () => {
    expect(selectClusters({ clusters: ['staging-1', 'gone'] }, FOUR).map((c) => c.clusterId)).toEqual(['staging-1']);
  });
  it('selects every cluster with an empty selector', () => {
    expect(selectClusters({ clusterSelector: {} }, FOUR)).toHaveLength(4);
  });
});

describe('effectiveSpec', () => {
  it('applies the overrides that select the cluster, in order, and names them', () => {
    const fleet = aFleet({
      overrides: [
        {
          name: 'eu-registry',
          clusterSelector: { matchLabels: { region: 'eu' } },
          patch: { template: { spec: { containers: [{ name: 'fluentd', image: 'eu.registry/fluentd:v1' }] } } },
        },
        { name: 'prod-nodes', clusterSelector: { matchLabels: { env: 'prod' } }, patch: { template: { spec: { nodeSelector: { pool: 'system' } } } } },
        { name: 'prod-a-image', clusters: ['prod-a'], patch: { template: { spec: { containers: [{ name: 'fluentd', image: 'fluentd:v1-debug' }] } } } },
      ],
    });
    const a = effectiveSpec(fleet.spec, cluster('prod-a', { env: 'prod', region: 'eu' }));
    expect(a.overrides).toEqual(['eu-registry', 'prod-nodes', 'prod-a-image']);
    expect(a.spec.template.spec!.containers[0]!.image).toBe('fluentd:v1-debug'); // the later override wins
    expect(a.spec.template.spec!.nodeSelector).toEqual({ pool: 'system' });
    const dev = effectiveSpec(fleet.spec, cluster('dev-1', { env: 'dev' }));
    expect(dev).toEqual({ spec: template(), overrides: [] });
  });
});

describe('validateFleet', () => {
  it('accepts a complete fleet', () => {
    expect(
      validateFleet(
        aFleet({ rollout: { stages: [{ name: 'dev', clusters: ['dev-1'], maxConcurrency: '50%' }] }, disruptionBudget: { maxUnavailableNodes: '10%' } }),
      ),
    ).toEqual([]);
  });
  it('names each bad field', () => {
    const bad = aFleet({
      placement: { clusterSelector: {}, clusters: ['a'] },
      overrides: [{ name: 'x', clusters: ['a'], patch: { selector: { matchLabels: { other: 'label' } } } }],
      rollout: { stages: [{ name: 'Dev', clusters: ['a'], maxConcurrency: 0, minSuccessSeconds: -1 }] },
      disruptionBudget: { maxUnavailableNodes: '150%', maxDisruptionsPerWindow: { nodes: 0, windowSeconds: 60 } },
      removalPolicy: 'Keep' as never,
    });
    const fields = validateFleet(bad).map((e) => e.field);
    expect(fields).toEqual([
      'spec.placement',
      'spec.overrides[0].patch',
      'spec.rollout.stages[0].name',
      'spec.rollout.stages[0].maxConcurrency',
      'spec.rollout.stages[0].minSuccessSeconds',
      'spec.disruptionBudget.maxUnavailableNodes',
      'spec.disruptionBudget.maxDisruptionsPerWindow.nodes',
      'spec.removalPolicy',
    ]);
  });
  it('checks the template as a DaemonSet', () => {
    const fleet = aFleet({ template: { ...template(), selector: { matchLabels: { app: 'other' } } } });
    expect(validateFleet(fleet)).toEqual([{ field: 'spec.template.template.metadata.labels', message: expect.stringContaining('selector') }]);
  });
  it('rejects what is not a fleet at all', () => {
    expect(validateFleet('nope')).toEqual([{ field: '(document)', message: 'must be an object' }]);
    expect(validateFleet({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }).map((e) => e.field)).toEqual(['apiVersion', 'kind', 'spec']);
  });
});
