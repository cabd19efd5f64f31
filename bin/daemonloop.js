#!/usr/bin/env node
// The daemonloop CLI, compiled by `npm run build` (npm ci runs it) into dist/cli/. Where it was not
// built (a clone installed with --ignore-scripts), the TypeScript sources run through tsx (a devDependency) instead.
const isMissingBundle = (error) => error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/entry.js');

import('../dist/cli/entry.js').catch(async (error) => {
  if (!isMissingBundle(error)) throw error;
  const { register } = await import('tsx/esm/api');
  register();
  await import('../functions/cli/entry.ts');
});
