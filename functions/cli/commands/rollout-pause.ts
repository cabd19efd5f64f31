// `daemonloop rollout pause DS [-n NS]`: sets spec.paused on the DaemonSet resource, as kubectl
// does for a Deployment; the controller stops updating pods and says so in the Paused condition.
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import type { CommandOptions } from '../options';
import { rolloutTarget } from '../rollout-target';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const target = rolloutTarget(options, 'pause');
  const cp = controlPlaneOf(options);
  const ds = await cp.getDaemonSet(target.namespace, target.name);
  if ((ds.spec as { paused?: boolean } | undefined)?.paused === true) {
    io.err(`error: ${target.quoted} is already paused`);
    return 1;
  }
  await cp.patchDaemonSet(target.namespace, target.name, { metadata: { resourceVersion: ds.metadata?.resourceVersion }, spec: { paused: true } });
  io.out(`${target.ref} paused`);
  return 0;
}
