// A CliIo that records what a command prints, for CLI tests.
import type { CliIo } from '../../functions/cli/io';

export function recordingIo(options: { isTTY?: boolean } = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => void stdout.push(line),
    err: (line) => void stderr.push(line),
    isTTY: options.isTTY ?? false,
    isCI: false,
    rewritableLine: () => ({ show: (text) => void stderr.push(`\r${text}`), done: () => undefined }),
    interrupted: () => new Promise(() => undefined),
  };
}
