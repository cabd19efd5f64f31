// Checkpoints in S3, under one prefix of a bucket with Object Lock (compliance mode, a default
// retention): once written, no one — the writer, an administrator, root — can overwrite or delete
// one until its retention ends. `If-None-Match: *` makes each write create-only, so two writers
// racing for the same sequence leave one checkpoint and one CheckpointExists.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CheckpointExists, type CheckpointStore } from './checkpoint-store';

export const CHECKPOINT_PREFIX = 'checkpoints/';

export class S3CheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  get description(): string {
    return `s3://${this.bucket}/${CHECKPOINT_PREFIX}`;
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: CHECKPOINT_PREFIX, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key?.endsWith('.json')) names.push(object.Key.slice(CHECKPOINT_PREFIX.length));
      token = page.NextContinuationToken;
    } while (token);
    return names.sort();
  }

  async get(name: string): Promise<Uint8Array> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: CHECKPOINT_PREFIX + name }));
    if (!Body) throw new Error(`${this.description}${name} has no body`);
    return Body.transformToByteArray();
  }

  async create(name: string, file: Uint8Array): Promise<void> {
    try {
      // The bucket's default retention locks it; the SDK's checksum satisfies Object Lock's integrity header.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: CHECKPOINT_PREFIX + name,
          Body: file,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) throw new CheckpointExists(name);
      throw error;
    }
  }
}
