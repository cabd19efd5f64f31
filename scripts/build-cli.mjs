// Builds the CLI the package's bins run: functions/cli/entry.ts bundled by esbuild into dist/cli/,
// one chunk per command (their dynamic imports). `npm ci` runs it (the prepare script), so a fresh
// clone's bin works without tsx. @kubernetes/client-node is bundled (tree-shaken, one file to parse
// instead of hundreds: half its load time); other packages stay in node_modules (the AWS SDK,
// dynalite's native LevelDB).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const BUNDLED = new Set(['@kubernetes/client-node']);
const { dependencies, devDependencies } = JSON.parse(readFileSync('package.json', 'utf8'));

// A production install (npm ci --omit=dev, e.g. an image that runs only the forwarder) has no
// esbuild and needs no CLI bundle: say so and build nothing.
const esbuild = await import('esbuild').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.warn('build-cli: esbuild is not installed (a production install): the CLI bundle is not built');
  return undefined;
});

if (esbuild) rmSync('dist/cli', { recursive: true, force: true }); // no chunk of an older build left behind
if (esbuild)
  await esbuild.build({
    entryPoints: ['functions/cli/entry.ts'],
    outdir: 'dist/cli',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Every installed package but client-node stays external, dev ones too (the local runtime's dynalite).
    external: Object.keys({ ...dependencies, ...devDependencies })
      .filter((name) => !BUNDLED.has(name))
      .flatMap((name) => [name, `${name}/*`]),
    // client-node's CommonJS dependencies call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
    chunkNames: 'chunks/[name]-[hash]',
  });

// `daemonloop --help` as this build prints it, for the bin to print without loading the bundle
// (bin/daemonloop.js): rendered by the bundle itself, so it is the command table's own text.
if (esbuild) writeFileSync('dist/cli/usage.txt', execFileSync(process.execPath, ['dist/cli/entry.js', '--help'], { encoding: 'utf8' }));
