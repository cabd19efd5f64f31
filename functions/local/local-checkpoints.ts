// The local runtime's checkpoint writer: the same writeCheckpoint as the stack's scheduled
// function, signing with a key file and writing to <state>/checkpoints — every minute of real
// time while it runs (never on the virtual clock: a demo's hour passes in seconds) and once more
// on stop, so a stopped control plane's log is checkpointed to its last commit.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FolderCheckpointStore } from '../checkpoints/checkpoint-store';
import { indexedStreams, streamHeads } from '../checkpoints/dynamodb-heads';
import { LocalKeySigner } from '../checkpoints/signer';
import { writeCheckpoint } from '../checkpoints/write-checkpoint';
import { checkpointKeyIn, checkpointPublicKeyIn, checkpointsIn } from '../cli/state-dir';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';

const EVERY_MS = 60_000;

export interface LocalCheckpoints {
  /** Writes a checkpoint now if a head moved; stops the periodic writer. */
  stop(): Promise<void>;
}

export async function startLocalCheckpoints(deps: {
  client: DynamoDBClient;
  table: string;
  stateDir: string;
  clock: Clock;
  telemetry: Telemetry;
}): Promise<LocalCheckpoints> {
  const signer = await LocalKeySigner.open(checkpointKeyIn(deps.stateDir), checkpointPublicKeyIn(deps.stateDir));
  const store = new FolderCheckpointStore(checkpointsIn(deps.stateDir));
  const heads = async () => streamHeads(deps.client, deps.table, await indexedStreams(deps.client, deps.table));
  let running: Promise<unknown> = Promise.resolve();
  const once = () =>
    (running = running.then(() =>
      writeCheckpoint({ heads, store, signer, clock: deps.clock }).catch((error: Error) =>
        deps.telemetry.error('checkpoint refused', { error: error.message }),
      ),
    ));
  const timer = setInterval(() => void once(), EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await once();
    },
  };
}
