#!/usr/bin/env node
// The daemonloop CLI, compiled by `npm run build` (npm ci runs it) into dist/cli/. This file is
// CommonJS (bin/package.json): Node's ESM loader costs ~15 ms before any code runs, so `--help`
// prints the usage the build rendered from the command table (dist/cli/usage.txt) and loads no
// module at all. Every other command imports the ESM bundle, through V8's compile cache where
// Node has one (22.1+). Where it was not built (an image installed with --ignore-scripts), the
// TypeScript sources run through tsx instead.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const argv = process.argv.slice(2);
const usage = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help' ? builtUsage() : undefined;

if (usage !== undefined) process.stdout.write(usage);
else runCommand();

/** The usage text of this build, or undefined where the CLI was not built. */
function builtUsage() {
  try {
    return readFileSync(join(__dirname, '../dist/cli/usage.txt'), 'utf8');
  } catch (error) {
    if (error?.code === 'ENOENT') return undefined;
    throw error;
  }
}

function runCommand() {
  require('node:module').enableCompileCache?.();
  const isMissingBundle = (error) => error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/entry.js');
  import('../dist/cli/entry.js').catch(async (error) => {
    if (!isMissingBundle(error)) throw error;
    const { register } = await import('tsx/esm/api');
    register();
    await import('../functions/cli/entry.ts');
  });
}
