// A decision's waits as a change against the decision recorded before it in the same stream. In a
// rolling update most of a 5,000-node DaemonSet's waits stay as they were from one decision to the
// next (one node moves from "budget exhausted" to "not ready"): storing them all again cost ~19
// write units a decision. A change is a list of splices over the previous waits, exact and in
// order, so the waits it rebuilds are the same array, byte for byte, that the decision computed.
import type { Wait } from './types';

/** Remove `remove` waits at index `at` of the previous waits (indices before any splice) and insert `insert` there. */
export type WaitsSplice = [at: number, remove: number, insert: Wait[]];

export interface WaitsChange {
  since: string; // the decisionId whose (materialised) waits this changes
  keyframe: number; // the commit of the last decision recorded in full: where a reader without `since` starts
  splices: WaitsSplice[];
}

const keyOf = (w: Wait): string => (w.nodeName === undefined ? `\u0000${w.reason}` : `${w.nodeName}\u0000${w.reason}`);

/**
 * Splices turning `before` into `after`, in one linear pass: equal waits are matched in order, and
 * on a mismatch the side whose next match is nearer is taken as inserted or removed. Any choice
 * rebuilds `after` exactly; the heuristic only decides how small the change is.
 */
export function diffWaits(before: readonly Wait[], after: readonly Wait[]): WaitsSplice[] {
  const a = before.map(keyOf);
  const b = after.map(keyOf);
  const positions = (keys: string[]): Map<string, { at: number[]; next: number }> => {
    const m = new Map<string, { at: number[]; next: number }>();
    keys.forEach((k, i) => {
      const p = m.get(k) ?? { at: [], next: 0 };
      p.at.push(i);
      m.set(k, p);
    });
    return m;
  };
  const inA = positions(a);
  const inB = positions(b);
  const nextAt = (m: Map<string, { at: number[]; next: number }>, key: string, from: number): number => {
    const p = m.get(key);
    if (!p) return Number.POSITIVE_INFINITY;
    while (p.next < p.at.length && p.at[p.next]! < from) p.next++;
    return p.next < p.at.length ? p.at[p.next]! : Number.POSITIVE_INFINITY;
  };
  const splices: WaitsSplice[] = [];
  let i = 0;
  let j = 0;
  let open: WaitsSplice | undefined;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      open = undefined;
      i++;
      j++;
      continue;
    }
    if (!open) {
      open = [i, 0, []];
      splices.push(open);
    }
    const bFor = i < a.length ? nextAt(inB, a[i]!, j) : Number.POSITIVE_INFINITY; // where before[i] reappears in after
    const aFor = j < b.length ? nextAt(inA, b[j]!, i) : Number.POSITIVE_INFINITY; // where after[j] reappears in before
    if (j < b.length && (i >= a.length || (bFor !== Number.POSITIVE_INFINITY && bFor - j <= aFor - i))) {
      open[2].push(after[j]!); // after[j] is new here; before[i] comes later
      j++;
    } else if (i < a.length && (j >= b.length || aFor !== Number.POSITIVE_INFINITY)) {
      open[1]++; // before[i] is gone; after[j] matches further on
      i++;
    } else {
      open[1]++; // neither reappears: replace one by the other
      open[2].push(after[j]!);
      i++;
      j++;
    }
  }
  return splices;
}

/** `before` with `splices` applied; a splice out of order or out of range is a corrupt change. */
export function applyWaitsSplices(before: readonly Wait[], splices: readonly WaitsSplice[]): Wait[] {
  const out: Wait[] = [];
  let i = 0;
  for (const [at, remove, insert] of splices) {
    if (!Number.isInteger(at) || !Number.isInteger(remove) || at < i || remove < 0 || at + remove > before.length) {
      throw new RangeError(`waitsChange: splice [${at}, ${remove}] does not fit ${before.length} previous waits after index ${i}`);
    }
    for (; i < at; i++) out.push(before[i]!);
    out.push(...insert);
    i = at + remove;
  }
  for (; i < before.length; i++) out.push(before[i]!);
  return out;
}
