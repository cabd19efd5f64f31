// Where checkpoints are kept: write-once. An S3 bucket with Object Lock in the stack
// (s3-checkpoint-store.ts), a folder under the state directory locally (below).
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CheckpointStore {
  /** Checkpoint names in order (checkpointName sorts by sequence). */
  list(): Promise<string[]>;
  get(name: string): Promise<Uint8Array>;
  /** Writes a new checkpoint; throws CheckpointExists when `name` is taken (another writer won). */
  create(name: string, file: Uint8Array): Promise<void>;
  /** Where, for messages. */
  readonly description: string;
}

export class CheckpointExists extends Error {
  readonly code = 'CheckpointExists';
  constructor(readonly checkpoint: string) {
    super(`checkpoint ${checkpoint} exists already`);
    this.name = 'CheckpointExists';
  }
}
export const isCheckpointExists = (e: unknown): e is CheckpointExists => e instanceof Error && (e as { code?: unknown }).code === 'CheckpointExists';

export class FolderCheckpointStore implements CheckpointStore {
  constructor(private readonly folder: string) {}

  get description(): string {
    return this.folder;
  }

  async list(): Promise<string[]> {
    if (!existsSync(this.folder)) return [];
    return (await readdir(this.folder)).filter((name) => name.endsWith('.json')).sort();
  }

  async get(name: string): Promise<Uint8Array> {
    return readFile(join(this.folder, name));
  }

  async create(name: string, file: Uint8Array): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    try {
      await writeFile(join(this.folder, name), file, { flag: 'wx', mode: 0o444 }); // never overwrites
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST') throw new CheckpointExists(name);
      throw error;
    }
  }
}
