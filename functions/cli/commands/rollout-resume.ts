// `daemonloop rollout resume DS [-n NS]`: clears spec.paused and, after a failure-budget stop,
// raises the resume annotation so the controller counts failures afresh (domain/rollout-control/spec.ts).
import { rolloutOf } from '../../../domain/rollout-control/rollout-status';
import { RESUME_ANNOTATION } from '../../../domain/rollout-control/spec';
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import type { CommandOptions } from '../options';
import { rolloutTarget } from '../rollout-target';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const target = rolloutTarget(options, 'resume');
  const cp = controlPlaneOf(options);
  const ds = await cp.getDaemonSet(target.namespace, target.name);
  const paused = (ds.spec as { paused?: boolean } | undefined)?.paused === true;
  const stopped = rolloutOf(ds.status)?.stopped !== undefined;
  if (!paused && !stopped) {
    io.err(`error: ${target.quoted} is not paused`);
    return 1;
  }
  const epoch = Number.parseInt(ds.metadata?.annotations?.[RESUME_ANNOTATION] ?? '0', 10) || 0;
  await cp.patchDaemonSet(target.namespace, target.name, {
    metadata: { resourceVersion: ds.metadata?.resourceVersion, ...(stopped ? { annotations: { [RESUME_ANNOTATION]: String(epoch + 1) } } : {}) },
    ...(paused ? { spec: { paused: false } } : {}),
  });
  io.out(`${target.ref} resumed`);
  return 0;
}
