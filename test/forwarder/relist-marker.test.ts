// A relist marker lists every present uid once, split into parts of bounded size sharing one relistId.
import { describe, expect, it } from 'vitest';
import { relistMarkers } from '../../functions/forwarder/relist-marker';

const base = { clusterId: 'c1', kind: 'Pod' as const, resourceVersion: '42', time: '2026-01-01T00:00:00.000Z' };

describe('relistMarkers', () => {
  it('sends one part, even for an empty list', () => {
    expect(relistMarkers(base, [])).toMatchObject([{ type: 'RelistCompleted', part: 1, parts: 1, presentUids: [], resourceVersion: '42', kind: 'Pod' }]);
  });

  it('splits a large list into numbered parts that share a relistId and together hold every uid', () => {
    const uids = Array.from({ length: 10_000 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const parts = relistMarkers(base, uids);
    expect(parts.length).toBeGreaterThan(1);
    expect(new Set(parts.map((p) => p.relistId)).size).toBe(1);
    expect(parts.map((p) => `${p.part}/${p.parts}`)).toEqual(parts.map((_, i) => `${i + 1}/${parts.length}`));
    expect(parts.flatMap((p) => p.presentUids)).toEqual(uids);
    for (const p of parts) expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThan(256 * 1024);
  });

  it('gives each relist its own id', () => {
    expect(relistMarkers(base, ['a'])[0]!.relistId).not.toBe(relistMarkers(base, ['a'])[0]!.relistId);
  });
});
