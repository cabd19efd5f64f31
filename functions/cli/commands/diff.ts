// `daemonloop diff -f FILE`: what `apply -f FILE` would change, as kubectl diff shows it — the live
// objects and the API server's dry-run answer written to two folders and compared by `diff -u -N`
// ($KUBECTL_EXTERNAL_DIFF overrides it). Exit 0: no differences; 1: differences; above 1: an error.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1DaemonSet } from '@kubernetes/client-node';
import { DAEMONSET_GROUP, DAEMONSET_KIND, DAEMONSET_VERSION } from '../../adapters/kubernetes/custom-resource';
import { parseDaemonSetManifests } from '../../adapters/kubernetes/manifest';
import { apiErrorMessage } from '../api-error-message';
import { clusterOf } from '../connect';
import type { CliIo } from '../io';
import { requireString, type CommandOptions } from '../options';
import { toYaml } from '../output';
import { manifestErrors, renderInvalid } from './apply';

/** kubectl leaves managedFields out of both sides. */
const shown = (ds: V1DaemonSet) => toYaml({ ...ds, metadata: { ...ds.metadata, managedFields: undefined } });

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const manifests = parseDaemonSetManifests(await readFile(requireString(options, 'filename'), 'utf8'));
  const { cp, namespace } = clusterOf(options);
  const root = mkdtempSync(join(tmpdir(), 'daemonloop-diff-'));
  const live = join(root, 'LIVE'),
    merged = join(root, 'MERGED');
  try {
    mkdirSync(live);
    mkdirSync(merged);
    for (const manifest of manifests) {
      const ds = { ...manifest, metadata: { ...manifest.metadata, namespace: manifest.metadata?.namespace ?? namespace } };
      const errors = manifestErrors(ds);
      if (errors.length > 0) {
        io.err(renderInvalid(ds, errors));
        return 2;
      }
      const file = `${DAEMONSET_GROUP}.${DAEMONSET_VERSION}.${DAEMONSET_KIND}.${ds.metadata.namespace}.${ds.metadata.name}`;
      const current = await cp.getDaemonSet(ds.metadata.namespace, ds.metadata.name!).catch((error: unknown) => {
        if ((error as { code?: number }).code === 404) return undefined;
        throw error;
      });
      if (current) writeFileSync(join(live, file), `${await shown(current)}\n`);
      try {
        writeFileSync(join(merged, file), `${await shown((await cp.apply(ds, { dryRun: true })).object)}\n`);
      } catch (error) {
        io.err(apiErrorMessage(error) ?? `error: ${(error as Error).message}`);
        return 2;
      }
    }
    const [program, ...args] = (process.env.KUBECTL_EXTERNAL_DIFF || 'diff -u -N').split(/\s+/);
    const result = spawnSync(program!, [...args, live, merged], { encoding: 'utf8' });
    if (result.error) throw result.error;
    if (result.stdout) io.out(result.stdout.trimEnd());
    if (result.stderr) io.err(result.stderr.trimEnd());
    return result.status ?? 2;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
