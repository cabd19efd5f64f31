// The cluster's API server is the authority for a DaemonSet's spec, not the log: an observation
// in the log may be stale or forged (any principal that could put events on the bus could claim
// a privileged template with a huge resourceVersion). So before a decision that changes pods or
// writes status is recorded and applied, reconcile reads the DaemonSet once from the API server
// and refuses to act unless it is the one decided on — same uid, generation and (defaulted) spec.
// Status too: a status computed from a forged spec reports a rollout the cluster never ran, and
// the forwarder feeds that status back into the log as the truth (a fleet's stages advance on it).
// A refusal is recorded in the DaemonSet's stream (`DecisionRefused`, shown by `history`) and
// counted. Confirming before the decision is recorded means a refused decision opens no intents.
import { createHash } from 'node:crypto';
import type { V1DaemonSet } from '@kubernetes/client-node';
import { withDefaults } from '../../domain/defaults';
import { DECISION_REFUSED, EVENT_SCHEMA_VERSION, type DecisionRefused, type SpecIdentity } from '../../domain/events';
import { canonicalJson } from '../../domain/hash';
import { daemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import type { ReconcileInput, ReconcileResult } from '../../domain/types';
import type { ClusterApi } from '../adapters/kubernetes/cluster-api';
import type { ReconcileDeps } from './deps';

/** Metric counted for a refused decision the log cannot explain by lagging (infra alarms on it). */
export const DECISION_REFUSED_METRIC = 'DecisionRefused';
/** Counted instead when the cluster's DaemonSet is merely newer than the log's: its observation is on its way. */
export const DECISION_DEFERRED_METRIC = 'DecisionDeferred';

/**
 * True when the decision must not be applied: it changes pods or writes status, and the API
 * server's DaemonSet is not the one it was made on. Decisions that do neither cost no GET.
 */
export async function refusedByCluster(
  key: DaemonSetKey,
  api: ClusterApi,
  input: ReconcileInput,
  result: ReconcileResult,
  writesStatus: boolean,
  deps: Pick<ReconcileDeps, 'log' | 'telemetry'>,
): Promise<boolean> {
  if (result.create.length + result.delete.length + result.adopt.length + result.release.length === 0 && !writesStatus) return false;
  const live = await api.readDaemonSet(key.namespace, key.name);
  const reason = specMismatch(input.daemonSet, live);
  if (!reason) return false;
  const refused: DecisionRefused = {
    type: DECISION_REFUSED,
    clusterId: key.clusterId,
    schemaVersion: EVENT_SCHEMA_VERSION,
    time: input.now.toISOString(),
    daemonSet: daemonSetStreamId(key),
    reason,
    decidedOn: specIdentity(input.daemonSet),
    ...(live ? { cluster: specIdentity(live) } : {}),
    creates: result.create.length,
    deletes: result.delete.length,
  };
  await deps.log.appendOutcomes(key, [refused]);
  const lagging = live && refused.cluster!.uid === refused.decidedOn.uid && (refused.cluster!.generation ?? 0) > (refused.decidedOn.generation ?? 0);
  deps.telemetry.warn('refused a decision: the cluster does not confirm its DaemonSet', { daemonSet: refused.daemonSet, reason });
  deps.telemetry.count(lagging ? DECISION_DEFERRED_METRIC : DECISION_REFUSED_METRIC);
  return true;
}

/** Why `decided` is not the API server's DaemonSet `live`, or undefined when it is. */
export function specMismatch(decided: V1DaemonSet, live: V1DaemonSet | undefined): string | undefined {
  if (!live) return 'the cluster has no such DaemonSet';
  const want = specIdentity(decided);
  const have = specIdentity(live);
  if (have.uid !== want.uid) return `uid ${want.uid} decided on, the cluster's is ${have.uid}`;
  if (have.generation !== want.generation) return `generation ${want.generation ?? '(none)'} decided on, the cluster's is ${have.generation ?? '(none)'}`;
  if (live.metadata?.deletionTimestamp && !decided.metadata?.deletionTimestamp) return 'the cluster is deleting the DaemonSet';
  if (have.templateHash !== want.templateHash)
    return `template ${want.templateHash.slice(0, 12)} decided on, the cluster's is ${have.templateHash.slice(0, 12)}`;
  if (have.specHash !== want.specHash) return `spec ${want.specHash.slice(0, 12)} decided on, the cluster's is ${have.specHash.slice(0, 12)}`;
  return undefined;
}

/**
 * SHA-256, not the 47-bit FNV of revision hashes: here the template may be an attacker's choice,
 * and FNV collisions can be computed.
 */
export function specIdentity(ds: V1DaemonSet): SpecIdentity {
  const spec = withDefaults(ds).spec;
  return {
    uid: ds.metadata?.uid ?? '',
    ...(ds.metadata?.generation !== undefined ? { generation: ds.metadata.generation } : {}),
    templateHash: sha256(canonicalJson(spec?.template)),
    specHash: sha256(canonicalJson(spec)),
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
