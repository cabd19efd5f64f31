// `daemonloop rollout restart DS [-n NS]`: stamps the pod template with kubectl's restartedAt
// annotation, so every pod is replaced as a new revision — under the DaemonSet's rollout control.
import { RESTARTED_AT_ANNOTATION } from '../../../domain/rollout-control/spec';
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import type { CommandOptions } from '../options';
import { rolloutTarget } from '../rollout-target';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const target = rolloutTarget(options, 'restart');
  await controlPlaneOf(options).patchDaemonSet(target.namespace, target.name, {
    spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: new Date().toISOString() } } } },
  });
  io.out(`${target.ref} restarted`);
  return 0;
}
