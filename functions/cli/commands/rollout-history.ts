// `daemonloop rollout history DS [-n NS] [--revision N]`: the DaemonSet's recorded revisions, as
// kubectl lists ControllerRevisions; with --revision, that revision's pod template.
import { LOCAL_CLUSTER_ID } from '../../local/runtime';
import { eventLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import { stringOption, type CommandOptions } from '../options';
import { renderTable } from '../render-table';
import { recordedRevisions } from '../revision-history';
import { rolloutTarget } from '../rollout-target';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const target = rolloutTarget(options, 'history');
  const log = await eventLogOf(options);
  const revisions = await recordedRevisions(log.store, {
    clusterId: stringOption(options, 'cluster-id') ?? LOCAL_CLUSTER_ID,
    namespace: target.namespace,
    name: target.name,
  }).finally(() => log.close());
  if (revisions.length === 0) {
    io.err(`error: no rollout history found for ${target.ref}`);
    return 1;
  }
  const wanted = stringOption(options, 'revision');
  if (wanted !== undefined) {
    const revision = revisions.find((r) => String(r.revision) === wanted);
    if (!revision) {
      io.err(`error: unable to find the specified revision ${wanted}`);
      return 1;
    }
    io.out(`${target.ref} with revision #${revision.revision}\nPod Template:\n${JSON.stringify(revision.template, null, 2)}`);
    return 0;
  }
  const rows = revisions.map((r) => [String(r.revision), r.template.metadata?.annotations?.[CHANGE_CAUSE] ?? '<none>']);
  io.out(`${target.ref}\n${renderTable(['REVISION', 'CHANGE-CAUSE'], rows)}`);
  return 0;
}
