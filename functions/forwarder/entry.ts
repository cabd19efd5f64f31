// What the forwarder bundle runs (scripts/build-forwarder.mjs): main with the process's args and environment.
import { main } from './main';

main(process.argv.slice(2), process.env).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
