// The CLI's entry point: what bin/daemonloop.js runs (compiled into dist/cli/entry.js) and what
// `tsx functions/cli/entry.ts` runs from source.
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
