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
  /** Node name → index of its wave. */
  waveOf: Map<string, number>;
  /** Node names the canary selector or the partition keep on the old revision. */
  held: Set<string>;
  heldBySelector: number;
  heldByPartition: number;
}

const nameOf = (n: V1Node): string => n.metadata?.name ?? '';
const byName = (a: V1Node, b: V1Node): number => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0);

/** `desired`: the nodes that should run the daemon pod, in any order. */
export function planWaves(control: RolloutControlSpec, desired: readonly V1Node[]): WavePlan {
  const sorted = [...desired].sort(byName);
  const taken = new Set<string>();
  const waves: PlannedWave[] = [];
  const wave = (name: string, nodes: V1Node[], w?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString; minSuccessSeconds?: number }) => {
    for (const n of nodes) taken.add(nameOf(n));
    waves.push({
      name,
      nodes,
      release: [],
      ...(w?.maxUnavailable !== undefined ? { maxUnavailable: w.maxUnavailable } : {}),
      ...(w?.maxSurge !== undefined ? { maxSurge: w.maxSurge } : {}),
      minSuccessSeconds: w?.minSuccessSeconds ?? 0,
    });
  };
  (control.waves ?? []).forEach((w, i) => {
    const name = w.name ?? `wave-${i + 1}`;
    const matches: Matcher = w.selector ? compileLabelSelector(w.selector) : () => true;
    const free = sorted.filter((n) => !taken.has(nameOf(n)) && matches(n.metadata?.labels));
    if (w.topologyKey !== undefined) {
      const byValue = new Map<string, V1Node[]>();
      for (const n of free) {
        const value = n.metadata?.labels?.[w.topologyKey];
        if (value === undefined) continue;
        const group = byValue.get(value);
        if (group) group.push(n);
        else byValue.set(value, [n]);
      }
      for (const value of [...byValue.keys()].sort()) wave(`${name}/${value}`, byValue.get(value)!, w);
    } else if (w.nodes !== undefined) {
      wave(name, free.slice(0, Math.max(0, scaledValue(w.nodes, desired.length) ?? 0)), w);
    } else {
      wave(name, free, w);
    }
  });
  const rest = sorted.filter((n) => !taken.has(nameOf(n)));
  if (waves.length === 0 || rest.length > 0) wave(waves.length === 0 ? 'all' : 'rest', rest);

  const waveOf = new Map<string, number>();
  waves.forEach((w, i) => w.nodes.forEach((n) => waveOf.set(nameOf(n), i)));

  // Hold back: outside the canary selector, then the last `partition` of the selected in rollout order.
  const held = new Set<string>();
  const canary: Matcher = control.selector ? compileLabelSelector(control.selector) : () => true;
  const selected: V1Node[] = [];
  for (const w of waves) for (const n of w.nodes) (canary(n.metadata?.labels) ? selected.push(n) : held.add(nameOf(n)));
  const heldBySelector = held.size;
  const partition = Math.min(selected.length, Math.max(0, scaledValue(control.partition ?? 0, desired.length) ?? 0));
  for (const n of selected.slice(selected.length - partition)) held.add(nameOf(n));
  for (const w of waves) w.release = w.nodes.filter((n) => !held.has(nameOf(n)));
  return { waves, waveOf, held, heldBySelector, heldByPartition: partition };
}
