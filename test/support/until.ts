// Polls a condition on real time: for tests that watch something settle over HTTP.
export async function until(check: () => boolean, what: string | (() => string), ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
