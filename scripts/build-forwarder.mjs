// Builds the forwarder image's program: functions/forwarder/entry.ts and everything it imports
// (client-node, the EventBridge client, …) bundled by esbuild into one file,
// dist/forwarder/forwarder.mjs, so the image needs no node_modules and no TypeScript runtime
// (infra/forwarder.Dockerfile copies only this file). The metafile beside it lists the inputs:
// test/forwarder/bundle.test.ts checks no development package (aws-cdk-lib, constructs, dynalite,
// tsx, vitest) is among them.
import { rmSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const outdir = process.argv[2] ?? 'dist/forwarder';
rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { forwarder: 'functions/forwarder/entry.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minifySyntax: true,
  metafile: true,
  // CommonJS dependencies call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
writeFileSync(`${outdir}/meta.json`, JSON.stringify(result.metafile));
