// Writes the next checkpoint: every stream head, signed, linked to the previous checkpoint. It
// refuses to sign a history shorter than the last checkpoint's, or a head that changed in place —
// a checkpoint never vouches for a rewrite — and writes nothing when no head moved.
import type { Clock } from '../clock';
import { checkpointName, digestOf, openCheckpoint, sealCheckpoint, type CheckpointBody, type StreamHead } from './checkpoint';
import { isCheckpointExists, type CheckpointStore } from './checkpoint-store';
import type { Signer } from './signer';

export interface CheckpointWriterDeps {
  /** Every stream head now. */
  heads(): Promise<StreamHead[]>;
  store: CheckpointStore;
  signer: Signer;
  clock: Clock;
}

export class HistoryShortened extends Error {
  readonly code = 'HistoryShortened';
  constructor(
    readonly stream: string,
    readonly commit: number,
    detail: string,
  ) {
    super(`stream ${stream}: commit ${commit} ${detail}; no checkpoint signed`);
    this.name = 'HistoryShortened';
  }
}

const ATTEMPTS = 3; // a concurrent writer took our sequence: read its checkpoint and go again

/** The name of the checkpoint written, or undefined when no head moved. */
export async function writeCheckpoint(deps: CheckpointWriterDeps): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    const names = await deps.store.list();
    const last = names.at(-1);
    const file = last ? await deps.store.get(last) : undefined;
    const previous = last && file ? openCheckpoint(last, file, null) : undefined; // our own chain: the verifier checks signatures
    const heads = [...(await deps.heads())].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    if (previous && !moved(previous.heads, heads)) return undefined;
    const body: CheckpointBody = {
      sequence: (previous?.sequence ?? 0) + 1,
      time: deps.clock.now().toISOString(),
      previousDigest: file ? digestOf(file) : null,
      heads,
    };
    const name = checkpointName(body.sequence);
    try {
      await deps.store.create(name, await sealCheckpoint(body, deps.signer));
      return name;
    } catch (error) {
      if (!isCheckpointExists(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** True when some head moved forward; throws when one moved back or changed in place. */
function moved(before: StreamHead[], now: StreamHead[]): boolean {
  const current = new Map(now.map((h) => [h.stream, h]));
  for (const old of before) {
    const head = current.get(old.stream);
    if (!head || head.commit < old.commit)
      throw new HistoryShortened(old.stream, (head?.commit ?? 0) + 1, `is gone, yet a checkpoint attests commit ${old.commit}`);
    if (head.commit === old.commit && head.hash !== old.hash) throw new HistoryShortened(old.stream, old.commit, 'changed since a checkpoint attested it');
  }
  const known = new Map(before.map((h) => [h.stream, h.commit]));
  return now.some((h) => known.get(h.stream) !== h.commit);
}
