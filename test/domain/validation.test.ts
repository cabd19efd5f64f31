// API-server defaulting and validation (spec §14) and what reconcile does with an invalid spec.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { validateDaemonSet, withDefaults } from '../../domain/index';
import { aDaemonSet, aPod, nodes, run } from './builders';

const fields = (ds: V1DaemonSet) => validateDaemonSet(ds).map((e) => e.field);
const strategy = (rollingUpdate: object) => aDaemonSet({ strategy: { type: 'RollingUpdate', rollingUpdate } });

describe('withDefaults', () => {
  it('fills in RollingUpdate with maxUnavailable 1, maxSurge 0 and a history limit of 10', () => {
    const bare = aDaemonSet();
    delete bare.spec!.revisionHistoryLimit;
    expect(withDefaults(bare).spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      minReadySeconds: 0,
    });
  });

  it('keeps given values and does not default rollingUpdate for OnDelete', () => {
    expect(withDefaults(aDaemonSet({ strategy: { type: 'OnDelete' } })).spec!.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(withDefaults(strategy({ maxUnavailable: 0, maxSurge: '10%' })).spec!.updateStrategy!.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: '10%' });
  });

  it('leaves the template and the input object untouched', () => {
    const ds = aDaemonSet();
    const before = structuredClone(ds);
    expect(withDefaults(ds).spec!.template).toEqual(ds.spec!.template);
    expect(ds).toEqual(before);
  });
});

describe('validateDaemonSet', () => {
  it('accepts the test DaemonSet, defaulting it first', () => {
    expect(fields(aDaemonSet())).toEqual([]);
    const bare = aDaemonSet();
    delete bare.spec!.updateStrategy;
    expect(fields(bare)).toEqual([]);
  });

  it('requires a selector that is non-empty, valid and matches the template labels', () => {
    expect(fields(aDaemonSet({ selector: {} }))).toEqual(['spec.selector']);
    expect(fields(aDaemonSet({ selector: { matchLabels: { name: 'other' } } }))).toEqual(['spec.template.metadata.labels']);
    expect(fields(aDaemonSet({ selector: { matchExpressions: [{ key: 'name', operator: 'Gt', values: ['1'] }] } }))).toEqual(['spec.selector']);
    expect(fields(aDaemonSet({ selector: { matchExpressions: [{ key: 'name', operator: 'In', values: [] }] } }))).toEqual(['spec.selector']);
    expect(fields(aDaemonSet({ selector: { matchLabels: { 'bad key!': 'x' } } }))).toEqual(['spec.selector']);
    const none = aDaemonSet();
    delete (none.spec as { selector?: unknown }).selector;
    expect(fields(none)).toEqual(['spec.selector']);
    expect(fields(aDaemonSet({ selector: { matchExpressions: [{ key: 'type', operator: 'In', values: ['production'] }] } }))).toEqual([]);
  });

  it('rejects both budgets zero and both non-zero', () => {
    expect(validateDaemonSet(strategy({ maxUnavailable: 0, maxSurge: 0 }))).toEqual([
      { field: 'spec.updateStrategy.rollingUpdate.maxUnavailable', message: 'cannot be 0 when maxSurge is 0' },
    ]);
    expect(fields(strategy({ maxUnavailable: '0%', maxSurge: '0%' }))).toEqual(['spec.updateStrategy.rollingUpdate.maxUnavailable']);
    expect(validateDaemonSet(strategy({ maxUnavailable: 1, maxSurge: 1 }))).toEqual([
      { field: 'spec.updateStrategy.rollingUpdate.maxSurge', message: 'may not be set when maxUnavailable is non-zero' },
    ]);
    expect(fields(strategy({ maxSurge: 1 }))).toEqual(['spec.updateStrategy.rollingUpdate.maxSurge']); // maxUnavailable defaults to 1
    expect(fields(strategy({ maxUnavailable: 0, maxSurge: '5%' }))).toEqual([]);
  });

  it('rejects bad budgets: a string without %, over 100%, negative, fractional', () => {
    for (const bad of ['5', '101%', '-1%', '1.5%', -1, 1.5, 'abc']) {
      expect(fields(strategy({ maxUnavailable: bad }))).toEqual(['spec.updateStrategy.rollingUpdate.maxUnavailable']);
    }
    expect(fields(strategy({ maxUnavailable: '100%' }))).toEqual([]);
  });

  it('rejects a restartPolicy other than Always and activeDeadlineSeconds', () => {
    expect(fields(aDaemonSet({ podSpec: { restartPolicy: 'Never' } }))).toEqual(['spec.template.spec.restartPolicy']);
    expect(fields(aDaemonSet({ podSpec: { restartPolicy: 'Always' } }))).toEqual([]);
    expect(fields(aDaemonSet({ podSpec: { activeDeadlineSeconds: 5 } }))).toEqual(['spec.template.spec.activeDeadlineSeconds']);
  });

  it('rejects negative minReadySeconds and revisionHistoryLimit, accepts 0', () => {
    expect(fields(aDaemonSet({ minReadySeconds: -1 }))).toEqual(['spec.minReadySeconds']);
    const limit = aDaemonSet();
    limit.spec!.revisionHistoryLimit = -1;
    expect(fields(limit)).toEqual(['spec.revisionHistoryLimit']);
    limit.spec!.revisionHistoryLimit = 0;
    expect(fields(limit)).toEqual([]);
  });

  it('rejects an unknown strategy type, a bad name, a missing uid or containers', () => {
    expect(fields(aDaemonSet({ strategy: { type: 'Recreate' } }))).toEqual(['spec.updateStrategy']);
    expect(fields(aDaemonSet({ name: 'Not_A_Name' }))).toEqual(['metadata.name']);
    expect(fields(aDaemonSet({ uid: '' }))).toEqual(['metadata.uid']);
    expect(fields(aDaemonSet({ podSpec: { containers: [] } }))).toEqual(['spec.template.spec.containers']);
  });
});

describe('reconcile with an invalid spec', () => {
  it('touches no pod, keeps the counts, and names the field in an InvalidSpec condition', () => {
    const ds = aDaemonSet({
      selector: { matchLabels: { name: 'other' } },
      generation: 3,
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2 },
    });
    const pods = [aPod('a', 'node-0', aDaemonSet()), aPod('b', 'node-1', aDaemonSet(), { phase: 'Failed' })];
    const r = run(ds, nodes(0, 2), pods);
    expect([r.create, r.delete, r.adopt, r.release]).toEqual([[], [], [], []]);
    expect(r.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, observedGeneration: 3 });
    expect(r.status.conditions).toEqual([
      expect.objectContaining({
        type: 'InvalidSpec',
        status: 'True',
        reason: 'FieldValueInvalid',
        message: 'spec.template.metadata.labels: `selector` does not match template `labels`',
      }),
    ]);
  });

  it('lists every invalid field in the message', () => {
    const ds = aDaemonSet({ minReadySeconds: -5, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '5' } } });
    const message = run(ds, nodes(0, 0)).status.conditions![0]!.message!;
    expect(message).toContain('spec.minReadySeconds');
    expect(message).toContain('spec.updateStrategy.rollingUpdate.maxUnavailable');
  });
});
