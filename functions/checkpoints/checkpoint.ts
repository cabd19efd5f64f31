// A checkpoint: the stream heads that moved since the previous checkpoint, signed, and linked to
// the previous checkpoint by its digest — CloudTrail's digest chain, applied to the event log.
//
// A checkpoint file is JSON: { format, body, algorithm, keyId, signature }. `body` is itself a JSON
// string (kept verbatim, so nothing is re-serialised before verifying):
//   { sequence, time, previousDigest (hex SHA-256 of the previous checkpoint file; null for the first),
//     heads: [{ stream, commit, hash (hex) }] }   — sorted by stream
// The signature (ECDSA P-256, SHA-256, DER, base64) is over the statement
//   "daemonloop-checkpoint/v1\n" + hex SHA-256 of the body's UTF-8 bytes
// which stays under KMS's 4 KB limit for RAW messages however many heads the body lists.
// A checkpoint's digest — what the next one links — is the SHA-256 of the whole file's bytes.
import { createHash } from 'node:crypto';
import { SIGNING_ALGORITHM, verifySignature, type Signer } from './signer';

export const CHECKPOINT_FORMAT = 'daemonloop-checkpoint/v1';

export interface StreamHead {
  stream: string;
  commit: number;
  hash: string; // hex
}

export interface CheckpointBody {
  sequence: number; // 1, 2, 3 …: the file name, so a missing one shows
  time: string;
  previousDigest: string | null;
  heads: StreamHead[];
}

/** A checkpoint's file name: the sequence, zero-padded, so names sort in order. */
export const checkpointName = (sequence: number): string => `${String(sequence).padStart(12, '0')}.json`;

export const digestOf = (file: Uint8Array): string => createHash('sha256').update(file).digest('hex');

const statement = (body: string): Buffer => Buffer.from(`${CHECKPOINT_FORMAT}\n${createHash('sha256').update(body, 'utf8').digest('hex')}`, 'utf8');

export async function sealCheckpoint(body: CheckpointBody, signer: Signer): Promise<Uint8Array> {
  const text = JSON.stringify({ sequence: body.sequence, time: body.time, previousDigest: body.previousDigest, heads: body.heads });
  const signature = await signer.sign(statement(text));
  const file = {
    format: CHECKPOINT_FORMAT,
    body: text,
    algorithm: SIGNING_ALGORITHM,
    keyId: signer.keyId,
    signature: Buffer.from(signature).toString('base64'),
  };
  return Buffer.from(`${JSON.stringify(file, null, 1)}\n`, 'utf8');
}

export class CheckpointInvalid extends Error {
  readonly code = 'CheckpointInvalid';
  constructor(
    readonly checkpoint: string,
    readonly reason: string,
  ) {
    super(`checkpoint ${checkpoint}: ${reason}`);
    this.name = 'CheckpointInvalid';
  }
}

/** The body of a checkpoint file, once its signature verifies with `publicKeyPem` (null: read without checking, for the writer's own chain). */
export function openCheckpoint(name: string, file: Uint8Array, publicKeyPem: string | null): CheckpointBody {
  let outer: { format?: unknown; body?: unknown; algorithm?: unknown; signature?: unknown };
  try {
    outer = JSON.parse(Buffer.from(file).toString('utf8'));
  } catch {
    throw new CheckpointInvalid(name, 'it is not JSON');
  }
  if (outer.format !== CHECKPOINT_FORMAT || typeof outer.body !== 'string' || typeof outer.signature !== 'string') {
    throw new CheckpointInvalid(name, `it is not a ${CHECKPOINT_FORMAT} file`);
  }
  if (publicKeyPem !== null) {
    if (outer.algorithm !== SIGNING_ALGORITHM) throw new CheckpointInvalid(name, `unknown signing algorithm ${String(outer.algorithm)}`);
    if (!verifySignature(publicKeyPem, statement(outer.body), Buffer.from(outer.signature, 'base64'))) {
      throw new CheckpointInvalid(name, 'its signature does not verify with the public key');
    }
  }
  return JSON.parse(outer.body) as CheckpointBody;
}
