// The wave planner: which nodes a rollout updates, in what order, under which budget. Pure and
// linear in nodes (waves × nodes for selector waves).
//
// Order: waves in the order given; a node belongs to the first wave that takes it; nodes no wave
// takes form a last wave ("rest") under the strategy's budgets. A topologyKey wave becomes one wave
// per label value, values ascending. Inside a wave, nodes go by name (byte order): stable across
// passes and replays, and readable in `history`. Without waves all nodes form one wave.
// The canary selector and the partition then hold nodes back: a node outside the selector, or
// among the last `partition` nodes of the whole order, is never updated.
import type { IntOrString, V1Node } from '@kubernetes/client-node';
import { scaledValue } from '../int-or-percent';
import { compileLabelSelector, type Matcher } from '../label-selector';
import type { RolloutControlSpec } from './spec';

export interface PlannedWave {
  name: string;
  /** The wave's nodes, in update order, the held-back ones included. */
  nodes: V1Node[];
  /** The nodes this rollout updates (not held by the canary selector or the partition). */
  release: V1Node[];
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
  minSuccessSeconds: number;
}

export interface WavePlan {
  waves: PlannedWave[];
  /** Index of the node's wave (undefined: not a desired node). */
  waveOf(nodeName: string): number | undefined;
  /** Whether the canary selector or the partition keep the node on the old revision. */
  isHeld(nodeName: string): boolean;
  held: number;
  heldBySelector: number;
  heldByPartition: number;
}

const nameOf = (n: V1Node): string => n.metadata?.name ?? '';

/**
 * `desired`: the nodes that should run the daemon pod, in any order. Linear after one sort by name;
 * membership is kept in arrays by sorted position, not in sets (this runs on every pass over
 * thousands of nodes), and the by-name lookups are built only if asked for.
 */
export function planWaves(control: RolloutControlSpec, desired: readonly V1Node[]): WavePlan {
  const names = desired.map(nameOf);
  const order = names.map((_, i) => i);
  // A LIST comes back in key order, so the names are usually sorted already: check before sorting.
  let sorted = true;
  for (let i = 1; i < names.length && sorted; i++) sorted = names[i - 1]! <= names[i]!;
  if (!sorted) order.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const taken = new Uint8Array(desired.length);
  const waves: PlannedWave[] = [];
  const members: number[][] = [];
  const wave = (name: string, picked: number[], w?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString; minSuccessSeconds?: number }) => {
    for (const i of picked) taken[i] = 1;
    members.push(picked);
    waves.push({
      name,
      nodes: picked.map((i) => desired[i]!),
      release: [],
      ...(w?.maxUnavailable !== undefined ? { maxUnavailable: w.maxUnavailable } : {}),
      ...(w?.maxSurge !== undefined ? { maxSurge: w.maxSurge } : {}),
      minSuccessSeconds: w?.minSuccessSeconds ?? 0,
    });
  };
  (control.waves ?? []).forEach((w, k) => {
    const name = w.name ?? `wave-${k + 1}`;
    const matches: Matcher | undefined = w.selector ? compileLabelSelector(w.selector) : undefined;
    const free = order.filter((i) => taken[i] === 0 && (!matches || matches(desired[i]!.metadata?.labels)));
    if (w.topologyKey !== undefined) {
      const byValue = new Map<string, number[]>();
      for (const i of free) {
        const value = desired[i]!.metadata?.labels?.[w.topologyKey];
        if (value === undefined) continue;
        const group = byValue.get(value);
        if (group) group.push(i);
        else byValue.set(value, [i]);
      }
      for (const value of [...byValue.keys()].sort()) wave(`${name}/${value}`, byValue.get(value)!, w);
    } else if (w.nodes !== undefined) {
      wave(name, free.slice(0, Math.max(0, scaledValue(w.nodes, desired.length) ?? 0)), w);
    } else {
      wave(name, free, w);
    }
  });
  const rest = order.filter((i) => taken[i] === 0);
  if (waves.length === 0 || rest.length > 0) wave(waves.length === 0 ? 'all' : 'rest', rest);

  // Hold back: outside the canary selector, then the last `partition` of the selected in rollout order.
  const held = new Uint8Array(desired.length);
  const canary: Matcher | undefined = control.selector ? compileLabelSelector(control.selector) : undefined;
  let heldBySelector = 0;
  let partition = Math.max(0, scaledValue(control.partition ?? 0, desired.length) ?? 0);
  if (canary || partition > 0) {
    const selected: number[] = [];
    for (const picked of members) {
      for (const i of picked) {
        if (!canary || canary(desired[i]!.metadata?.labels)) selected.push(i);
        else {
          held[i] = 1;
          heldBySelector++;
        }
      }
    }
    partition = Math.min(selected.length, partition);
    for (const i of selected.slice(selected.length - partition)) held[i] = 1;
  }
  members.forEach(
    (picked, k) => (waves[k]!.release = heldBySelector + partition === 0 ? waves[k]!.nodes : picked.filter((i) => held[i] === 0).map((i) => desired[i]!)),
  );

  let byName: Map<string, number> | undefined; // node name → position in `desired`
  let waveIndex: Int32Array | undefined;
  const positionOf = (nodeName: string) => (byName ??= new Map(names.map((n, i) => [n, i]))).get(nodeName);
  return {
    waves,
    waveOf(nodeName) {
      const i = positionOf(nodeName);
      if (i === undefined) return undefined;
      if (!waveIndex) {
        waveIndex = new Int32Array(desired.length);
        members.forEach((picked, k) => picked.forEach((j) => (waveIndex![j] = k)));
      }
      return waveIndex[i];
    },
    isHeld(nodeName) {
      const i = positionOf(nodeName);
      return i !== undefined && held[i] === 1;
    },
    held: heldBySelector + partition,
    heldBySelector,
    heldByPartition: partition,
  };
}
