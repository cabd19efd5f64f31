// `daemonloop log verify [--stream ID] [--since TIME] [--public-key FILE]`: proves the log's bytes
// are the ones written. Checks every commit's hash chain and every signed checkpoint with the
// public key alone, names each stream's first commit that does not match, exits 1 on any mismatch.
// Local: the control plane's log (running or stopped) and <state>/checkpoints, verified with
// <state>/checkpoint-key.pub.pem. AWS: --table, --bucket and --public-key (`aws kms get-public-key`).
import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { readStoredCommits } from '../../adapters/event-store/dynamodb';
import { FolderCheckpointStore, type CheckpointStore } from '../../checkpoints/checkpoint-store';
import { allStreams } from '../../checkpoints/dynamodb-heads';
import { S3CheckpointStore } from '../../checkpoints/s3-checkpoint-store';
import { verifyLog } from '../../checkpoints/verify-log';
import { eventLogOf } from '../event-log-source';
import type { CliIo } from '../io';
import { flag, stringOption, UsageError, type CommandOptions } from '../options';
import { checkpointPublicKeyIn, checkpointsIn, DEFAULT_STATE_DIR } from '../state-dir';
import { renderVerifyReport } from './render-log-verify';

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const onAws = stringOption(options, 'table') !== undefined;
  const bucket = stringOption(options, 'bucket');
  if (onAws !== (bucket !== undefined)) throw new UsageError('--table and --bucket go together: the log and its checkpoints');
  const stateDir = stringOption(options, 'state') ?? DEFAULT_STATE_DIR;
  const keyFile = stringOption(options, 'public-key') ?? (onAws ? undefined : checkpointPublicKeyIn(stateDir));
  if (!keyFile) throw new UsageError('--public-key FILE is required with --table (the PEM of the checkpoint key: aws kms get-public-key)');
  const sinceText = stringOption(options, 'since');
  const since = sinceText === undefined ? undefined : new Date(sinceText);
  if (since && Number.isNaN(since.getTime())) throw new UsageError(`--since must be a time such as 2026-01-31T12:00:00Z, got ${JSON.stringify(sinceText)}`);
  const publicKeyPem = await readFile(keyFile, 'utf8').catch(() => {
    throw new UsageError(`cannot read the public key ${keyFile}${onAws ? '' : ': no checkpoint was written in this state folder yet'}`);
  });
  const region = stringOption(options, 'region');
  const s3 = bucket ? new S3Client(region ? { region } : {}) : undefined;
  const checkpoints: CheckpointStore = s3 && bucket ? new S3CheckpointStore(s3, bucket) : new FolderCheckpointStore(checkpointsIn(stateDir));
  const log = await eventLogOf(options);
  try {
    io.err(`verifying ${log.description} against the checkpoints in ${checkpoints.description}`);
    const stream = stringOption(options, 'stream');
    const report = await verifyLog({
      log: {
        streams: async () => (stream ? [stream] : allStreams(log.client, log.table)),
        commits: (s, from) => readStoredCommits(log.client, log.table, s, from),
      },
      checkpoints,
      publicKeyPem,
      ...(stream ? { stream } : {}),
      ...(since ? { since } : {}),
    });
    io.out(flag(options, 'json') ? JSON.stringify(report) : renderVerifyReport(report));
    return report.findings.length === 0 ? 0 : 1;
  } finally {
    await log.close();
    s3?.destroy();
  }
}
