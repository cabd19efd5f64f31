#!/usr/bin/env node
// The daemonloop CLI, compiled by `npm run build` (npm ci runs it) into dist/cli/.
import('../dist/cli/entry.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/entry.js')) throw error;
  console.error('error: the CLI is not built: run `npm run build` (npm ci runs it)');
  process.exitCode = 1;
});
