// The CLI's start-up: `daemonloop --help` through the compiled bin, over `node -e 0` measured in
// the same run (alternating, so load on the machine hits both alike). The difference is the CLI's
// own cost: target ≤ 5 ms. On a shared machine wall time is mostly waiting for a core, so the
// CPU time the children spent (Linux: /proc/self/stat's cutime + cstime, summed over the runs)
// is emitted beside it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { median, type BenchSuite } from './emit';

const RUNS = 61;
const TICKS_PER_SECOND = 100; // USER_HZ: the unit of /proc's cutime and cstime on Linux

function msOf(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - start;
}

/** CPU ms the waited-for children have used so far, or undefined without /proc. */
function childrenCpuMs(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  // Fields after the parenthesised command name: cutime and cstime are the 14th and 15th of them.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

/** CPU ms of one run of `args` (10 ms ticks: meaningful only summed over many runs), or undefined without /proc. */
function cpuMsOf(args: string[]): number | undefined {
  const before = childrenCpuMs();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  const after = childrenCpuMs();
  return before === undefined || after === undefined ? undefined : after - before;
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
    emit('cli.help.ms_over_node_startup', median(help) / median(bare), 'ratio'); // the target: ≤ 5
    emit('cli.help.ms_minus_node_startup', median(help) - median(bare), 'ms');
    let bareCpu: number | undefined = 0;
    let helpCpu: number | undefined = 0;
    for (let i = 0; i < RUNS && bareCpu !== undefined && helpCpu !== undefined; i++) {
      const b = cpuMsOf(['-e', '0']);
      const h = cpuMsOf([bin, '--help']);
      bareCpu = b === undefined ? undefined : bareCpu + b;
      helpCpu = h === undefined ? undefined : helpCpu + h;
    }
    if (bareCpu !== undefined && helpCpu !== undefined) {
      emit('cli.node_startup.cpu_ms', bareCpu / RUNS, 'ms');
      emit('cli.help.cpu_ms_minus_node_startup', (helpCpu - bareCpu) / RUNS, 'ms');
    }
  },
};

export default suite;
