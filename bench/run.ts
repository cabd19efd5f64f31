// `npm run bench [-- --json] [-- suite…]`: runs every bench/*.bench.ts suite (or the named ones).
import '../functions/cli/quiet-sdk-warning';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { makeEmit, type BenchSuite } from './emit';

const json = process.argv.includes('--json');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

for (const file of files) {
  const suite = ((await import(pathToFileURL(join(here, file)).href)) as { default: BenchSuite }).default;
  if (only.length > 0 && !only.includes(suite.name)) continue;
  if (!json) console.log(`\n# ${suite.name}`);
  await suite.run(makeEmit(suite.name, json));
}
