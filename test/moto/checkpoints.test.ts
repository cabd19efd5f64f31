// Checkpoints on AWS's services, against moto_server: signed by a KMS ECC_NIST_P256 key, written
// create-only to an Object Lock bucket, and `daemonloop log verify --table --bucket --public-key`
// proving the log with the public key alone — and catching a rewritten commit.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutObjectLockConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../functions/adapters/event-store/dynamodb';
import { createEventLogTable } from '../../functions/adapters/event-store/table';
import { isCheckpointExists } from '../../functions/checkpoints/checkpoint-store';
import { indexedStreams, streamHeads } from '../../functions/checkpoints/dynamodb-heads';
import { KmsSigner, kmsPublicKeyPem } from '../../functions/checkpoints/kms-signer';
import { CHECKPOINT_PREFIX, S3CheckpointStore } from '../../functions/checkpoints/s3-checkpoint-store';
import { writeCheckpoint } from '../../functions/checkpoints/write-checkpoint';
import { systemClock } from '../../functions/clock';
import { main } from '../../functions/cli/main';
import { recordingIo } from '../cli/fake-io';
import { rawDynamoDbItems } from '../adapters/event-store/raw-dynamodb-items';
import { encodeEvents } from '../../functions/adapters/event-store/codec';
import { EVENT_LOG_EVENTS_ATTRIBUTE } from '../../functions/adapters/event-store/keys';
import { nodeObserved } from '../log/fixtures';
import { MOTO_REGION, motoAvailable, motoCredentials, startMoto } from './moto-server';

const available = motoAvailable();
if (!available) console.warn('⚠ SKIPPING the moto checkpoint tier: no moto_server on PATH');
const TABLE = 'log';
const BUCKET = 'daemonloop-checkpoints';

describe.skipIf(!available)('checkpoints on KMS and S3 Object Lock, against moto_server', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let dynamodb: DynamoDBClient;
  let s3: S3Client;
  let kms: KMSClient;
  let keyId: string;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: MOTO_REGION, credentials: motoCredentials };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
    });
    dynamodb = new DynamoDBClient(config);
    s3 = new S3Client(config);
    kms = new KMSClient(config);
    dir = await mkdtemp(join(tmpdir(), 'daemonloop-moto-checkpoints-'));
    await createEventLogTable(dynamodb, TABLE);
    keyId = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: BUCKET,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    process.env = saved;
  });

  it('signs with KMS, writes create-only to the locked bucket, and log verify proves the log with the public key alone', async () => {
    const store = new DynamoDbEventStore(dynamodb, TABLE);
    for (let n = 0; n < 4; n++) await store.append('c1/nodes', n, [nodeObserved(`n${n}`, String(n + 1))]);
    await store.append('c1/daemonsets/default/x', 0, [nodeObserved('n1', '1')]);
    const checkpoints = new S3CheckpointStore(s3, BUCKET);
    const deps = {
      heads: async () => streamHeads(dynamodb, TABLE, await indexedStreams(dynamodb, TABLE)),
      store: checkpoints,
      signer: new KmsSigner(kms, keyId),
      clock: systemClock,
    };
    expect(await writeCheckpoint(deps)).toBe('000000000001.json');
    await store.append('c1/nodes', 4, [nodeObserved('n5', '5')]);
    expect(await writeCheckpoint(deps)).toBe('000000000002.json');

    // Create-only: a second writer of the same sequence gets CheckpointExists, the first one stays.
    const error = await checkpoints.create('000000000002.json', new TextEncoder().encode('{}')).catch((e: unknown) => e);
    expect(isCheckpointExists(error), String(error)).toBe(true);

    const publicKey = join(dir, 'checkpoint-key.pub.pem');
    await writeFile(publicKey, await kmsPublicKeyPem(kms, keyId));
    const verify = async () => {
      const io = recordingIo();
      const code = await main(['log', 'verify', '--table', TABLE, '--bucket', BUCKET, '--public-key', publicKey, '--region', MOTO_REGION], io);
      return { code, out: io.stdout.join('\n') };
    };
    const { code, out } = await verify();
    expect(out).toMatch(/^OK: 2 stream\(s\), 6 commit\(s\) verified; 2 checkpoint\(s\), the last 000000000002\.json at /);
    expect(code).toBe(0);
  }, 60_000);

  it('keeps a locked checkpoint version when someone tries to delete it', async () => {
    const { Versions } = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: CHECKPOINT_PREFIX }));
    const first = Versions!.find((v) => v.Key === `${CHECKPOINT_PREFIX}000000000001.json`)!;
    await expect(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: first.Key, VersionId: first.VersionId }))).rejects.toThrow(/Access ?Denied/i);
  });

  it('exits 1 naming the commit an attacker with PutItem rewrote', async () => {
    const items = rawDynamoDbItems(dynamodb, TABLE);
    const item = await items.get('c1/nodes', 2);
    await items.put({ ...item, [EVENT_LOG_EVENTS_ATTRIBUTE]: encodeEvents([nodeObserved('forged', '99')]) });
    const io = recordingIo();
    const publicKey = join(dir, 'checkpoint-key.pub.pem');
    expect(await main(['log', 'verify', '--table', TABLE, '--bucket', BUCKET, '--public-key', publicKey, '--region', MOTO_REGION], io)).toBe(1);
    expect(io.stdout.join('\n')).toContain('MISMATCH stream c1/nodes: commit 2 does not match the hash chain: its contents do not match its hash');
  });
});
