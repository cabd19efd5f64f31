// `daemonloop apply -f FILE`: apps/v1 DaemonSets (converted to our resource) or our own, created
// or updated in the cluster; the forwarder and the loop take it from there.
import { readFile } from 'node:fs/promises';
import { DAEMONSET_RESOURCE } from '../../adapters/kubernetes/custom-resource';
import { parseDaemonSetManifests } from '../../adapters/kubernetes/manifest';
import { controlPlaneOf } from '../connect';
import type { CliIo } from '../io';
import { requireString, type CommandOptions } from '../options';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const file = requireString(options, 'filename');
  const cp = controlPlaneOf(options);
  for (const ds of parseDaemonSetManifests(await readFile(file, 'utf8'))) {
    io.out(`${DAEMONSET_RESOURCE}/${ds.metadata?.name} ${await cp.applyDaemonSet(ds)}`);
  }
  return 0;
}
