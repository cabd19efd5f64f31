// The checkpoint writer signs the heads, links each checkpoint to the one before, writes nothing
// when no head moved, and refuses to sign a history shorter than, or different from, the last one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf, openCheckpoint, type StreamHead } from '../../functions/checkpoints/checkpoint';
import { FolderCheckpointStore } from '../../functions/checkpoints/checkpoint-store';
import { LocalKeySigner } from '../../functions/checkpoints/signer';
import { writeCheckpoint } from '../../functions/checkpoints/write-checkpoint';
import { VirtualClock } from '../../functions/clock';
import { readFile } from 'node:fs/promises';

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'daemonloop-checkpoints-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const head = (stream: string, commit: number, hash = `${stream}-${commit}`.padEnd(64, '0')): StreamHead => ({ stream, commit, hash });

describe('writeCheckpoint', () => {
  it('writes signed, linked checkpoints only when a head moved, and refuses a shortened or changed history', async () => {
    const folder = join(dir, 'a');
    const store = new FolderCheckpointStore(join(folder, 'checkpoints'));
    const signer = await LocalKeySigner.open(join(folder, 'key.pem'), join(folder, 'key.pub.pem'));
    const publicKey = await readFile(join(folder, 'key.pub.pem'), 'utf8');
    let heads = [head('c1/nodes', 3), head('c1/pods/default', 2)];
    const deps = { heads: async () => heads, store, signer, clock: new VirtualClock(new Date('2026-01-01T00:00:00Z')) };

    expect(await writeCheckpoint(deps)).toBe('000000000001.json');
    expect(await writeCheckpoint(deps)).toBeUndefined(); // nothing moved
    heads = [head('c1/nodes', 5), head('c1/pods/default', 2), head('c1/daemonsets/default/x', 1)];
    expect(await writeCheckpoint(deps)).toBe('000000000002.json');

    const first = await store.get('000000000001.json');
    const second = openCheckpoint('000000000002.json', await store.get('000000000002.json'), publicKey);
    expect(second).toMatchObject({ sequence: 2, previousDigest: digestOf(first) });
    expect(second.heads.map((h) => h.stream)).toEqual(['c1/daemonsets/default/x', 'c1/nodes', 'c1/pods/default']);

    heads = [head('c1/nodes', 4), head('c1/pods/default', 2), head('c1/daemonsets/default/x', 1)];
    await expect(writeCheckpoint(deps)).rejects.toThrow(/stream c1\/nodes: commit 5 is gone, yet a checkpoint attests commit 5; no checkpoint signed/);
    heads = [head('c1/nodes', 5, 'f'.repeat(64)), head('c1/pods/default', 2), head('c1/daemonsets/default/x', 1)];
    await expect(writeCheckpoint(deps)).rejects.toThrow(/stream c1\/nodes: commit 5 changed since a checkpoint attested it/);
    expect(await store.list()).toEqual(['000000000001.json', '000000000002.json']);
  });
});
