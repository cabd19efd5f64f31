import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Wait } from '../../domain/types';
import { applyWaitsSplices, diffWaits } from '../../domain/waits-change';
import { waitFor } from '../../domain/waits';

const budget = (n: number): Wait => waitFor.budget(`node-${n}`, 'maxUnavailable', 1, 1);
const rollout = (updating: number, nodes: number): Wait[] => [
  waitFor.notReady(`node-${updating}`),
  ...Array.from({ length: nodes - updating - 1 }, (_, i) => budget(updating + 1 + i)),
];

describe('waits as a change against the previous decision', () => {
  it('rebuilds added, changed and removed waits exactly, in order', () => {
    const before: Wait[] = [budget(1), budget(2), budget(3), { reason: 'burst limit: 3 creates deferred' }];
    const after: Wait[] = [waitFor.notReady('node-1'), budget(3), budget(4), { reason: 'burst limit: 3 creates deferred' }];
    const splices = diffWaits(before, after);
    expect(applyWaitsSplices(before, splices)).toEqual(after);
    expect(splices.flatMap(([, , insert]) => insert)).toEqual([waitFor.notReady('node-1'), budget(4)]); // only what changed is stored
  });

  it('is empty for the same waits, and a full insert from none', () => {
    expect(diffWaits(rollout(3, 10), rollout(3, 10))).toEqual([]);
    expect(applyWaitsSplices([], diffWaits([], rollout(0, 4)))).toEqual(rollout(0, 4));
    expect(applyWaitsSplices(rollout(0, 4), diffWaits(rollout(0, 4), []))).toEqual([]);
  });

  it('keeps one step of a 5,000-node rolling update small', () => {
    const before = rollout(2_000, 5_000);
    const after = rollout(2_001, 5_000);
    const splices = diffWaits(before, after);
    expect(applyWaitsSplices(before, splices)).toEqual(after);
    expect(JSON.stringify(splices).length).toBeLessThan(200);
    expect(JSON.stringify(after).length).toBeGreaterThan(100 * JSON.stringify(splices).length);
  });

  it('rebuilds any waits from any waits (property)', () => {
    const wait = fc
      .record({ nodeName: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: undefined }), reason: fc.constantFrom('x', 'y', 'z') })
      .map((w) => (w.nodeName === undefined ? { reason: w.reason } : w));
    fc.assert(
      fc.property(fc.array(wait, { maxLength: 30 }), fc.array(wait, { maxLength: 30 }), (before, after) => {
        expect(applyWaitsSplices(before, diffWaits(before, after))).toEqual(after);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a splice that does not fit the previous waits', () => {
    expect(() => applyWaitsSplices([budget(1)], [[0, 2, []]])).toThrow(/splice \[0, 2\] does not fit 1 previous waits/);
    expect(() =>
      applyWaitsSplices(
        [budget(1), budget(2)],
        [
          [1, 1, []],
          [0, 1, []],
        ],
      ),
    ).toThrow(/does not fit/);
  });
});
