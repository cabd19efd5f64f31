// Fault injection for tests: the next `count` requests matching a verb and a path answer with an
// error Status instead of being served (429 and 503 carry Retry-After), or are never answered (a hung server).
import { injectedFault, type StatusError } from './status-error';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface Fault {
  verb?: Verb;
  /** A substring of the request path, or a pattern over it. */
  path?: string | RegExp;
  /** 'hang': the request is read and never answered, as an overloaded or wedged API server does. */
  code: 404 | 409 | 429 | 500 | 503 | 'hang';
  count?: number; // default 1
  retryAfterSeconds?: number;
}

export class Faults {
  private readonly pending: (Fault & { remaining: number })[] = [];

  add(fault: Fault): void {
    this.pending.push({ ...fault, remaining: fault.count ?? 1 });
  }

  /** The error to answer this request with, consuming one use of the first matching fault. */
  take(verb: Verb, path: string): StatusError | 'hang' | undefined {
    const i = this.pending.findIndex(
      (f) => (!f.verb || f.verb === verb) && (!f.path || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))),
    );
    if (i < 0) return undefined;
    const fault = this.pending[i]!;
    if (--fault.remaining <= 0) this.pending.splice(i, 1);
    return fault.code === 'hang' ? 'hang' : injectedFault(fault.code, fault.retryAfterSeconds);
  }
}
