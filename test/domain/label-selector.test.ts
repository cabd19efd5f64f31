// metav1.LabelSelector matching, as ClaimPods uses it.
import { describe, expect, it } from 'vitest';
import { selectorMatches } from '../../domain/index';

describe('selectorMatches', () => {
  const labels = { app: 'agent', tier: 'node' };

  it('selects nothing without a selector and everything with an empty one', () => {
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({}, undefined)).toBe(true);
  });

  it('ANDs matchLabels and matchExpressions', () => {
    expect(selectorMatches({ matchLabels: { app: 'agent' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['node', 'edge'] }] }, labels)).toBe(
      true,
    );
    expect(selectorMatches({ matchLabels: { app: 'agent' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['node'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'other' } }, labels)).toBe(false);
  });

  it('reads Exists, DoesNotExist and NotIn on an absent key as label requirements do', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, labels)).toBe(false);
  });

  it('reads only the pod\'s own labels, as Go map lookups do: "constructor" or "toString" is absent unless set (§5.1)', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, { constructor: 'x' })).toBe(true);
  });

  it('selects nothing with an invalid selector: Gt, In without values, a bad key', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { 'a/b/c': 'x' } }, { 'a/b/c': 'x' })).toBe(false);
  });
});
