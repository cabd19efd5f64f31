// Shows a rollout as it goes: a bar redrawn in place on a TTY outside CI, otherwise kubectl's
// message once per change; with --json, the status as one object per change on stdout.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { rolloutStatus } from '../../domain';
import { renderRollout } from './commands/render-rollout';
import { progressBarAvailable, type CliIo, type RewritableLine } from './io';

export class RolloutProgress {
  private bar?: RewritableLine;
  private last?: string;

  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {
    if (progressBarAvailable(io, json)) this.bar = io.rewritableLine();
  }

  /** Shows the DaemonSet's progress; returns whether its rollout is complete. */
  show(ds: V1DaemonSet): boolean {
    const { done, message } = rolloutStatus(ds, new Date());
    const line = this.json
      ? JSON.stringify({ name: ds.metadata?.name, done, message, status: ds.status ?? {} })
      : this.bar
        ? `${renderRollout(ds.status)}  ${message}`
        : message;
    if (line !== this.last) {
      if (this.json) this.io.out(line);
      else if (this.bar) this.bar.show(line);
      else this.io.err(line);
      this.last = line;
    }
    return done;
  }

  /** Ends the bar's line; once only, as a command ends it before its last words and again on the way out. */
  end(): void {
    this.bar?.done();
    this.bar = undefined;
  }
}
