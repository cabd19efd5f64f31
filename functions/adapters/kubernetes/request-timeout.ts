// A deadline on every API request: client-node sends through fetch with no timeout of its own, so a
// hung API server would hold a reconcile until Lambda kills it (and its FIFO group with it). An
// aborted request is a retryable failure (api-errors.ts): the reconcile records it and wakes up to
// try again within seconds.
import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';

/** Longer than any healthy create, delete or patch; short enough that a batch fits its Lambda timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const timeoutMiddleware = (ms: number): ObservableMiddleware => ({
  pre: (request) => {
    request.setSignal(AbortSignal.timeout(ms));
    return new Observable(Promise.resolve(request));
  },
  post: (response) => new Observable(Promise.resolve(response)),
});

/** Call options adding the deadline to `options` (another middleware, such as a patch content type, is kept). */
export function withTimeout(ms: number, options?: ConfigurationOptions<ObservableMiddleware>): ConfigurationOptions<ObservableMiddleware> {
  return { ...options, middleware: [...(options?.middleware ?? []), timeoutMiddleware(ms)], middlewareMergeStrategy: 'append' };
}
