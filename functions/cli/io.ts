// The only part of the CLI that touches the terminal: results to stdout, everything else to
// stderr, a rewritable line only where it can work (a TTY outside CI, as the CDK CLI decides).
export interface RewritableLine {
  show(text: string): void;
  done(): void;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
  readonly isCI: boolean;
  /** A line redrawn in place on stderr. */
  rewritableLine(): RewritableLine;
  /** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
  interrupted(): Promise<void>;
}

export function processIo(): CliIo {
  // Handlers are installed only by a command that waits for them: elsewhere Ctrl-C ends the process as usual.
  let stop: Promise<void> | undefined;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    isTTY: Boolean(process.stderr.isTTY),
    // CircleCI and others report a TTY, so CI is checked on its own.
    isCI: Boolean(process.env.CI) && process.env.CI !== 'false',
    rewritableLine: () => ({
      show: (text) => process.stderr.write(`\r\x1b[2K${text}`),
      done: () => process.stderr.write('\n'),
    }),
    interrupted: () =>
      (stop ??= new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      })),
  };
}

/** The progress mode the CDK CLI would pick: a bar only on a TTY outside CI and without --json. */
export const progressBarAvailable = (io: CliIo, json: boolean): boolean => io.isTTY && !io.isCI && !json;
