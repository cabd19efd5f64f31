// ControllerRevision history (update.go: constructHistory, Match, dedupCurHistories, cleanupHistory;
// snapshot's ComputeHash). Only spec.template is recorded; the caller stores the revisions.
import type { V1DaemonSet, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { canonicalJson, shortHash } from './hash';
import { CONTROLLER_REVISION_HASH_LABEL, DEPRECATED_TEMPLATE_GENERATION_ANNOTATION } from './labels';
import type { Revision } from './types';

/** Stable under key order and object identity; collisionCount (when set) moves the hash off a collision. */
export function templateHash(template: V1PodTemplateSpec, collisionCount?: number): string {
  const counted = collisionCount === undefined || collisionCount === null ? '' : `#${collisionCount}`;
  return shortHash(canonicalJson(template) + counted);
}

export interface CurrentRevision {
  hash: string; // H: the hash label of the current revision
  revision: number; // max(other revisions) + 1 unless it is already higher
  template: V1PodTemplateSpec;
  collisionCount?: number; // bumped past a hash already taken by another template
}

const knownRevisions = (revisions: unknown): Revision[] =>
  Array.isArray(revisions) ? revisions.filter((r): r is Revision => typeof r?.hash === 'string' && typeof r?.revision === 'number') : [];

/**
 * The revision to run. Re-applying an old template makes its revision current again under its
 * old hash (so its pods are not restarted) and renumbers it to max + 1; several matches keep the
 * highest. A new template gets templateHash(template, collisionCount), the count raised while the
 * hash belongs to a different template (upstream's collision handling, without the round trip).
 */
export function currentRevision(ds: V1DaemonSet, revisions?: Revision[]): CurrentRevision {
  const template = ds.spec?.template ?? {};
  const key = canonicalJson(template);
  const history = knownRevisions(revisions);
  const matching = history.filter((r) => canonicalJson(r.template) === key);
  const others = history.filter((r) => !matching.includes(r));
  const next = others.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
  let collisionCount = ds.status?.collisionCount ?? undefined;
  if (matching.length > 0) {
    const cur = matching.reduce((a, b) => (b.revision >= a.revision ? b : a));
    return { hash: cur.hash, revision: Math.max(cur.revision, next), template, collisionCount };
  }
  const taken = new Set(history.map((r) => r.hash));
  let hash = templateHash(template, collisionCount);
  while (taken.has(hash)) {
    collisionCount = (collisionCount ?? 0) + 1;
    hash = templateHash(template, collisionCount);
  }
  return { hash, revision: next, template, collisionCount };
}

/** G: the API server's template generation, when the annotation carries an integer. */
export function templateGeneration(ds: V1DaemonSet): number | undefined {
  const value = ds.metadata?.annotations?.[DEPRECATED_TEMPLATE_GENERATION_ANNOTATION];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * cleanupHistory: the old revisions beyond revisionHistoryLimit (default 10), oldest first, that no
 * pod still carries (terminal pods being deleted included). The current revision is never dropped.
 */
export function revisionsToDelete(ds: V1DaemonSet, revisions: Revision[], currentHash: string, pods: readonly V1Pod[]): Revision[] {
  const old = knownRevisions(revisions).filter((r) => r.hash !== currentHash);
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return [];
  const live = new Set(pods.map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL]));
  const doomed: Revision[] = [];
  for (const r of [...old].sort((a, b) => a.revision - b.revision)) {
    if (toKill === 0) break;
    if (live.has(r.hash)) continue;
    doomed.push(r);
    toKill--;
  }
  return doomed;
}
