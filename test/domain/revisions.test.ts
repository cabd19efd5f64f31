// Revision history (spec §10): the template hash, the current revision, rollback, history cleanup.
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { currentRevision, DEPRECATED_TEMPLATE_GENERATION_ANNOTATION, revisionsToDelete, templateGeneration, templateHash } from '../../domain/index';
import { aDaemonSet, aPod, at, counts, nodes, run, withImage } from './builders';

const template = (): V1PodTemplateSpec => aDaemonSet().spec!.template;

describe('templateHash', () => {
  it('is stable under key order and object identity', () => {
    const a = template();
    const b: V1PodTemplateSpec = {
      spec: { containers: [{ image: 'foo/bar', name: 'foo' }] },
      metadata: { labels: { type: 'production', name: 'simple-daemon' } },
    };
    expect(templateHash(a)).toBe(templateHash(b));
    expect(templateHash(a)).toBe(templateHash(JSON.parse(JSON.stringify(a))));
  });

  it('ignores absent values and empty lists, as Go omits them', () => {
    const a = template();
    const b = { ...template(), spec: { ...template().spec!, tolerations: [], nodeName: undefined } };
    expect(templateHash(a)).toBe(templateHash(b));
  });

  it('ignores empty objects such as the `resources: {}` kubectl prints, so re-applying its output restarts nothing', () => {
    const a = template();
    const printed = {
      ...template(),
      metadata: { ...template().metadata, annotations: {} },
      spec: { ...template().spec!, securityContext: {}, containers: [{ ...template().spec!.containers[0]!, resources: {} }] },
    };
    expect(templateHash(printed)).toBe(templateHash(a));
    expect(currentRevision({ ...aDaemonSet(), spec: { ...aDaemonSet().spec!, template: printed } }, [{ revision: 1, hash: 'h1', template: a }]).hash).toBe(
      'h1',
    );
  });

  it('changes with the template and with collisionCount', () => {
    const a = template();
    expect(templateHash(a)).not.toBe(templateHash(withImage(aDaemonSet(), 'foo/bar:2').spec!.template));
    expect(templateHash(a, 1)).not.toBe(templateHash(a));
    expect(templateHash(a, 0)).not.toBe(templateHash(a)); // a set count, even 0, is hashed
    expect(templateHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });
});

describe('currentRevision', () => {
  const v1 = aDaemonSet();
  const v2 = withImage(v1, 'foo/bar:2');
  const h1 = templateHash(v1.spec!.template);
  const h2 = templateHash(v2.spec!.template);

  it('starts the history at revision 1 with the template hash', () => {
    expect(currentRevision(v1)).toMatchObject({ hash: h1, revision: 1 });
  });

  it('numbers a new template after the highest revision', () => {
    expect(currentRevision(v2, [{ revision: 4, hash: h1, template: v1.spec!.template }])).toMatchObject({ hash: h2, revision: 5 });
  });

  it('reuses the hash of a re-applied template and renumbers it to the top', () => {
    const history = [
      { revision: 1, hash: h1, template: v1.spec!.template },
      { revision: 2, hash: h2, template: v2.spec!.template },
    ];
    expect(currentRevision(structuredClone(v1), history)).toMatchObject({ hash: h1, revision: 3 });
    expect(currentRevision(v2, history)).toMatchObject({ hash: h2, revision: 2 });
  });

  it('keeps the highest of several revisions matching the template', () => {
    const history = [
      { revision: 1, hash: 'a', template: v1.spec!.template },
      { revision: 3, hash: 'b', template: v1.spec!.template },
      { revision: 2, hash: h2, template: v2.spec!.template },
    ];
    expect(currentRevision(v1, history)).toMatchObject({ hash: 'b', revision: 3 });
  });

  it('raises collisionCount past a hash another template already holds', () => {
    const squatter = [{ revision: 1, hash: h2, template: v1.spec!.template }];
    const found = currentRevision(
      v2,
      squatter.map((r) => ({ ...r, template: { metadata: { labels: { other: 'x' } } } })),
    );
    expect(found.collisionCount).toBe(1);
    expect(found.hash).toBe(templateHash(v2.spec!.template, 1));
  });

  it('reports the raised collisionCount in status', () => {
    const squatter = [{ revision: 1, hash: h1, template: { metadata: { labels: { other: 'x' } } } }];
    const r = run(v1, nodes(0, 0), [], { revisions: squatter });
    expect(r.status.collisionCount).toBe(1);
    expect(r.create[0]!.pod.metadata!.labels!['controller-revision-hash']).toBe(templateHash(v1.spec!.template, 1));
  });
});

describe('rollback', () => {
  it('re-applying an old template restarts no pod that still runs it', () => {
    const v1 = aDaemonSet();
    const v2 = withImage(v1, 'foo/bar:2');
    // A hash recorded by someone else (e.g. upstream's controller): only the history knows it.
    const history = [
      { revision: 1, hash: '5d4b8c7f9', template: v1.spec!.template },
      { revision: 2, hash: templateHash(v2.spec!.template), template: v2.spec!.template },
    ];
    const pods = [0, 1, 2].map((i) => aPod(`p${i}`, `node-${i}`, v1, { ready: at(0), hash: '5d4b8c7f9' }));
    const r = run(structuredClone(v1), nodes(0, 2), pods, { revisions: history });
    expect([r.create, r.delete]).toEqual([[], []]);
    expect(counts(r)).toBe('D3 C3 M0 R3 A3 U0 Up3');
  });
});

describe('revisionsToDelete (cleanupHistory)', () => {
  const ds = aDaemonSet(); // revisionHistoryLimit 2
  const revs = [1, 2, 3, 4, 5].map((n) => ({ revision: n, hash: `h${n}`, template: {} }));

  it('drops the oldest revisions beyond the limit, never the current one', () => {
    expect(revisionsToDelete(ds, revs, 'h5', []).map((r) => r.revision)).toEqual([1, 2]);
  });

  it('keeps revisions a pod still carries', () => {
    const pods = [aPod('p', 'n', ds, { hash: 'h1' })];
    expect(revisionsToDelete(ds, revs, 'h5', pods).map((r) => r.revision)).toEqual([2, 3]);
  });
});

describe('templateGeneration', () => {
  it('reads the API server annotation when it is an integer', () => {
    const ds = aDaemonSet();
    ds.metadata!.annotations = { [DEPRECATED_TEMPLATE_GENERATION_ANNOTATION]: '3' };
    expect(templateGeneration(ds)).toBe(3);
    ds.metadata!.annotations = { [DEPRECATED_TEMPLATE_GENERATION_ANNOTATION]: 'x' };
    expect(templateGeneration(ds)).toBeUndefined();
  });
});
