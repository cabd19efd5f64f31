// Our ComputeHash (controller_utils.go): upstream hashes a Go deep dump with FNV-1a 32; values are
// opaque, so we hash a canonical JSON string with FNV-1a 64 instead, and encode the result with
// upstream's SafeEncodeString alphabet (no vowels, so no words; no 0, 1, 3 look-alikes).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** 10 base-27 digits ≈ 47 bits: upstream's hashes are at most 10 characters too. */
const HASH_LENGTH = 10;

/**
 * Key order and object identity do not matter; undefined, null, empty lists and empty objects are
 * left out as Go's `omitempty` leaves out nil and empty slices and maps, so `tolerations: []` and
 * `resources: {}` (as `kubectl get -o yaml` prints them) equal no field at all.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .sort()
      .flatMap((key) => {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined || v === null || typeof v === 'function' || (Array.isArray(v) && v.length === 0)) return [];
        const canonical = canonicalJson(v);
        return canonical === '{}' && !Array.isArray(v) ? [] : [`${JSON.stringify(key)}:${canonical}`];
      });
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const utf8 = new TextEncoder();

/** FNV-1a 64 on two 32-bit halves: prime 2^40 + 0x1b3, so h·prime = h·0x1b3 + (h << 40). */
function fnv1a64(text: string): bigint {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of utf8.encode(text)) {
    lo ^= byte;
    const loTimes = (lo >>> 0) * 0x1b3;
    const carry = Math.floor(loTimes / 0x100000000);
    hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = loTimes >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** A short, DNS-label-safe hash of `text`. */
export function shortHash(text: string): string {
  let n = fnv1a64(text);
  let out = '';
  for (let i = 0; i < HASH_LENGTH; i++) {
    out = ALPHABET[Number(n % 27n)] + out;
    n /= 27n;
  }
  return out;
}
