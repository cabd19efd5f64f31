// The CLI's start-up: `daemonloop --help` through the compiled bin, over `node -e 0` measured in
// the same run (alternating, so load on the machine hits both alike). The table loads no command,
// so the difference is the CLI's own cost: target ≤ 5 ms.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { median, type BenchSuite } from './emit';

const RUNS = 21;

function msOf(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - start;
}

const suite: BenchSuite = {
  name: 'cli',
  async run(emit) {
    execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
    const bin = resolve('bin/daemonloop.js');
    const help: number[] = [];
    const bare: number[] = [];
    msOf([bin, '--help']); // warm the file cache
    for (let i = 0; i < RUNS; i++) {
      bare.push(msOf(['-e', '0']));
      help.push(msOf([bin, '--help']));
    }
    emit('cli.node_startup.ms', median(bare), 'ms');
    emit('cli.help.ms', median(help), 'ms');
    emit('cli.help.ms_over_node_startup', median(help) - median(bare), 'ms');
  },
};

export default suite;
