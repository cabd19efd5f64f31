// `daemonloop apply -f FILE [--dry-run=none|client|server]`: apps/v1 DaemonSets (converted to our
// resource) or our own, created or updated in the cluster; the forwarder and the loop take it from
// there. Each DaemonSet is validated as the API server validates apps/v1 first: an invalid one is
// reported with kubectl's wording, not sent, and the command exits 1 (the valid ones still apply).
import { readFile } from 'node:fs/promises';
import type { V1DaemonSet } from '@kubernetes/client-node';
import { validateDaemonSet, type ValidationError } from '../../../domain';
import { parseDaemonSetManifests } from '../../adapters/kubernetes/manifest';
import { clusterOf } from '../connect';
import { forEachTarget } from '../each-target';
import type { CliIo } from '../io';
import { requireString, stringOption, UsageError, type CommandOptions } from '../options';
import { daemonSetRef } from '../output';

type DryRun = 'none' | 'client' | 'server';
const SUFFIX: Record<DryRun, string> = { none: '', client: ' (dry run)', server: ' (server dry run)' };

export function dryRunOf(options: CommandOptions): DryRun {
  const given = stringOption(options, 'dry-run') ?? 'none';
  if (given !== 'none' && given !== 'client' && given !== 'server')
    throw new UsageError(`Invalid dry-run value (${given}). Must be "none", "server", or "client".`);
  return given;
}

/** apps/v1 validation before the API server: the uid is the server's to set, so it is not asked of a manifest. */
export const manifestErrors = (ds: V1DaemonSet): ValidationError[] =>
  validateDaemonSet({ ...ds, metadata: { ...ds.metadata, uid: ds.metadata?.uid ?? 'assigned-by-the-api-server' } });

/** The API server's Invalid message, as kubectl prints it. */
export function renderInvalid(ds: V1DaemonSet, errors: readonly ValidationError[]): string {
  const lines = errors.map((e) => `${e.field}: ${e.message}`);
  return `The DaemonSet ${JSON.stringify(ds.metadata?.name ?? '')} is invalid: ${lines.length === 1 ? lines[0] : lines.map((l) => `\n* ${l}`).join('')}`;
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const file = requireString(options, 'filename');
  const dryRun = dryRunOf(options);
  const manifests = parseDaemonSetManifests(await readFile(file, 'utf8'));
  const { cp, namespace } = clusterOf(options);
  return forEachTarget(manifests, io, async (manifest) => {
    const ds = { ...manifest, metadata: { ...manifest.metadata, namespace: manifest.metadata?.namespace ?? namespace } };
    const errors = manifestErrors(ds);
    if (errors.length > 0) return { refused: renderInvalid(ds, errors) };
    const action = dryRun === 'client' ? await clientDryRun(ds, cp) : (await cp.apply(ds, { dryRun: dryRun === 'server' })).action;
    return `${daemonSetRef(ds.metadata?.name)} ${action}${SUFFIX[dryRun]}`;
  });
}

/** kubectl's client dry run still asks the server whether the object exists. */
async function clientDryRun(ds: V1DaemonSet, cp: ReturnType<typeof clusterOf>['cp']): Promise<'created' | 'configured'> {
  try {
    await cp.getDaemonSet(ds.metadata!.namespace!, ds.metadata!.name!);
    return 'configured';
  } catch (error) {
    if ((error as { code?: number }).code === 404) return 'created';
    throw error;
  }
}
