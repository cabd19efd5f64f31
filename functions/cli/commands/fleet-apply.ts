// `daemonloop fleet apply -f FILE`: FleetDaemonSets into the log (validated whole: a bad field is
// named and nothing is written). The control plane's fleet loop rolls them out.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { applyFleet } from '../../fleet/operations';
import { fleetSourceOf } from '../fleet-source';
import type { CliIo } from '../io';
import { requireString, type CommandOptions } from '../options';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const docs = parseAllDocuments(await readFile(requireString(options, 'filename'), 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null);
  const source = await fleetSourceOf(options);
  try {
    for (const doc of docs) {
      const { result, revision } = await applyFleet(source.store, doc, new Date());
      io.out(`fleetdaemonset.daemonloop.dev/${(doc as { metadata: { name: string } }).metadata.name} ${result} (revision ${revision})`);
    }
    return 0;
  } finally {
    await source.close();
  }
}
