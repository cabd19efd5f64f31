// What each Lambda bundle carries: ingest and timer never reach a cluster, so they bundle no
// @kubernetes/client-node (most of their size before); reconcile does.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

async function bundledPackages(handler: string): Promise<Set<string>> {
  const { metafile } = await build({
    entryPoints: [`functions/handlers/${handler}.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    outfile: `out/${handler}.mjs`,
    logLevel: 'silent',
  });
  return new Set(Object.keys(metafile.inputs).flatMap((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? []));
}

describe('Lambda bundles', () => {
  it.each(['ingest', 'timer'])('bundles no @kubernetes/client-node into %s', async (handler) => {
    const packages = await bundledPackages(handler);
    expect(packages).toContain('@aws-sdk/client-dynamodb'); // the walk finds packages at all
    expect(packages).not.toContain('@kubernetes/client-node');
  });

  it('bundles @kubernetes/client-node into reconcile', async () => {
    expect(await bundledPackages('reconcile')).toContain('@kubernetes/client-node');
  });
});
