// resourceVersions compare as Kubernetes defines them: length first, then lexically — never as numbers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareResourceVersions, isNewer } from '../../domain/resource-version';

describe('compareResourceVersions', () => {
  it('orders a shorter version before a longer one', () => {
    expect(compareResourceVersions('99', '100')).toBe(-1);
    expect(isNewer('100', '99')).toBe(true);
  });

  it('keeps precision past 2^53, where Number would call them equal', () => {
    expect(Number('9007199254740993') === Number('9007199254740992')).toBe(true);
    expect(compareResourceVersions('9007199254740993', '9007199254740992')).toBe(1);
  });

  it('agrees with BigInt order on canonical versions', () => {
    const rv = fc.bigInt({ min: 1n, max: 10n ** 30n }).map(String);
    fc.assert(
      fc.property(rv, rv, (a, b) => compareResourceVersions(a, b) === (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)),
      { seed: 42 },
    );
  });
});
