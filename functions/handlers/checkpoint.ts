// Lambda entry point, on a schedule: sign the log's stream heads and write them as the next
// checkpoint (functions/checkpoints/). Its role reads the table, signs with one KMS key and
// writes one bucket prefix; no other function can sign, and this one cannot write the log.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { CHECKPOINT_BUCKET_ENV, CHECKPOINT_KEY_ID_ENV } from '../checkpoints/config-names';
import { indexedStreams, streamHeads } from '../checkpoints/dynamodb-heads';
import { KmsSigner } from '../checkpoints/kms-signer';
import { S3CheckpointStore } from '../checkpoints/s3-checkpoint-store';
import { writeCheckpoint, type CheckpointWriterDeps } from '../checkpoints/write-checkpoint';
import { systemClock } from '../clock';
import { TABLE_NAME_ENV } from '../config-names';
import { powertoolsTelemetry, type Telemetry } from '../observability';
import { requireEnv } from './aws-deps';

type Deps = CheckpointWriterDeps & { telemetry: Telemetry };

export function makeHandler(deps: () => Deps) {
  return async (): Promise<{ checkpoint?: string }> => {
    const d = deps();
    try {
      const name = await writeCheckpoint(d);
      if (name) d.telemetry.info('checkpoint written', { checkpoint: name, store: d.store.description });
      return name ? { checkpoint: name } : {};
    } catch (error) {
      // A refused checkpoint (history shortened or rewritten) fails the invocation: the errors alarm fires.
      d.telemetry.error('checkpoint not written', { error: (error as Error).message });
      throw error;
    } finally {
      d.telemetry.flush();
    }
  };
}

export function buildCheckpointDeps(env: NodeJS.ProcessEnv = process.env): Deps {
  const table = requireEnv(TABLE_NAME_ENV, env);
  const dynamodb = new DynamoDBClient({});
  return {
    heads: async () => streamHeads(dynamodb, table, await indexedStreams(dynamodb, table)),
    store: new S3CheckpointStore(new S3Client({}), requireEnv(CHECKPOINT_BUCKET_ENV, env)),
    signer: new KmsSigner(new KMSClient({}), requireEnv(CHECKPOINT_KEY_ID_ENV, env)),
    clock: systemClock,
    telemetry: powertoolsTelemetry(),
  };
}

let built: Deps | undefined;
export const handler = makeHandler(() => (built ??= buildCheckpointDeps()));
