// The rollout-control fields of our DaemonSet (beyond apps/v1, after OpenKruise's Advanced
// DaemonSet): spec.paused, spec.progressDeadlineSeconds and, under rollingUpdate, partition,
// selector (the canary nodes), waves and maxFailedNodes. A DaemonSet that sets none of them gets
// no rollout control at all: reconcile takes upstream's path unchanged.
import type { IntOrString, V1DaemonSet, V1LabelSelector } from '@kubernetes/client-node';

/** One ordered group of nodes. Exactly one of selector / topologyKey / nodes picks them (selector may narrow the other two). */
export interface RolloutWave {
  name?: string;
  /** The nodes whose labels match (of those no earlier wave took). */
  selector?: V1LabelSelector;
  /** One wave per value of this node label, values in ascending order (`topology.kubernetes.io/zone`: zone by zone). */
  topologyKey?: string;
  /** A count or percentage (rounded up) of the desired nodes, taken from those no earlier wave took. */
  nodes?: IntOrString;
  maxUnavailable?: IntOrString; // default: the strategy's
  maxSurge?: IntOrString; // default: the strategy's
  /** Soak: every pod of the wave must stay available this long before the next wave starts. */
  minSuccessSeconds?: number;
}

export interface RolloutControlSpec {
  paused: boolean;
  progressDeadlineSeconds?: number;
  /** ADS: how many nodes (or what percentage, rounded up) stay on the old revision — the last ones in rollout order. */
  partition?: IntOrString;
  /** Only nodes matching it are updated: the canary set. */
  selector?: V1LabelSelector;
  waves?: RolloutWave[];
  /** How many nodes' new pods may fail before the rollout stops itself. */
  maxFailedNodes?: IntOrString;
}

/**
 * `daemonloop rollout resume` raises this annotation (an integer) on the DaemonSet: a stop for the
 * failure budget lasts until the value differs from the one it was recorded with. An annotation,
 * not a status field, because the user owns it and the API server keeps it across status writes.
 */
export const RESUME_ANNOTATION = 'rollout.daemonloop.dev/resume';
/** `daemonloop rollout restart` sets this template annotation, as kubectl does for apps/v1. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

type RollingUpdateExtension = { partition?: IntOrString; selector?: V1LabelSelector; waves?: RolloutWave[]; maxFailedNodes?: IntOrString };
type SpecExtension = { paused?: boolean; progressDeadlineSeconds?: number };

export const rollingUpdateExtension = (ds: V1DaemonSet): RollingUpdateExtension =>
  (ds.spec?.updateStrategy?.type === 'RollingUpdate' ? (ds.spec.updateStrategy.rollingUpdate as RollingUpdateExtension | undefined) : undefined) ?? {};
export const specExtension = (ds: V1DaemonSet): SpecExtension => (ds.spec ?? {}) as SpecExtension;

/** The rollout-control fields, or undefined when the DaemonSet sets none (upstream behaviour). */
export function rolloutControlOf(ds: V1DaemonSet): RolloutControlSpec | undefined {
  const { paused, progressDeadlineSeconds } = specExtension(ds);
  const { partition, selector, waves, maxFailedNodes } = rollingUpdateExtension(ds);
  const rolling = ds.spec?.updateStrategy?.type === 'RollingUpdate';
  const any =
    paused !== undefined ||
    progressDeadlineSeconds !== undefined ||
    partition !== undefined ||
    selector !== undefined ||
    waves !== undefined ||
    maxFailedNodes !== undefined;
  if (!any || !rolling) return undefined;
  return {
    paused: paused === true,
    ...(progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds } : {}),
    ...(partition !== undefined ? { partition } : {}),
    ...(selector !== undefined ? { selector } : {}),
    ...(waves !== undefined ? { waves } : {}),
    ...(maxFailedNodes !== undefined ? { maxFailedNodes } : {}),
  };
}

/** The resume epoch the user last asked for ('' when never). */
export const resumeEpochOf = (ds: V1DaemonSet): string => ds.metadata?.annotations?.[RESUME_ANNOTATION] ?? '';
