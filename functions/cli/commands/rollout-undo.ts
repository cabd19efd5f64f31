// `daemonloop rollout undo DS [-n NS] [--to-revision N]`: puts a recorded revision's template back
// on the DaemonSet resource (the previous revision by default), as kubectl does. The controller
// then rolls it out like any template change — its old hash, so pods still on it stay.
import { canonicalJson } from '../../../domain/hash';
import { currentRevision, withDefaults } from '../../../domain';
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import { controlPlaneOf } from '../connect';
import { eventLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import { stringOption, UsageError, type CommandOptions } from '../options';
import { recordedRevisions } from '../revision-history';
import { rolloutTarget } from '../rollout-target';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const target = rolloutTarget(options, 'undo');
  const raw = stringOption(options, 'to-revision');
  const toRevision = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(toRevision) || toRevision < 0) throw new UsageError(`--to-revision must be a non-negative integer, got ${JSON.stringify(raw)}`);
  const cp = controlPlaneOf(options);
  const ds = await cp.getDaemonSet(target.namespace, target.name);
  const log = await eventLogOf(options);
  const revisions = await recordedRevisions(log.store, {
    clusterId: stringOption(options, 'cluster-id') ?? LOCAL_CLUSTER_ID,
    namespace: target.namespace,
    name: target.name,
  }).finally(() => log.close());
  const current = currentRevision(withDefaults(ds), revisions);
  // 0: the revision before the current one.
  const wanted = toRevision === 0 ? revisions.filter((r) => r.revision < current.revision).at(-1) : revisions.find((r) => r.revision === toRevision);
  if (!wanted) {
    io.err(toRevision === 0 ? `error: no rollout history found for ${target.ref}` : `error: unable to find specified revision ${toRevision} in history`);
    return 1;
  }
  if (canonicalJson(wanted.template) === canonicalJson(ds.spec?.template ?? {})) {
    io.out(`${target.ref} skipped rollback (current template already matches revision ${wanted.revision})`);
    return 0;
  }
  await cp.applyDaemonSet({ ...ds, spec: { ...ds.spec!, template: wanted.template } }); // the whole template, replaced (a merge patch would merge it)
  io.out(`${target.ref} rolled back`);
  return 0;
}
