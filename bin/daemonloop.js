#!/usr/bin/env node
// The daemonloop CLI: TypeScript sources run through tsx's loader, no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
