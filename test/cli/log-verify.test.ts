// `daemonloop log verify` over the demo's whole log: the untouched log and its checkpoints verify;
// each way of rewriting history — a payload changed, a commit replaced by a re-hashed forgery, a
// middle commit deleted, the tail cut after a checkpoint, a checkpoint forged — exits 1 and names
// the first commit (or checkpoint) that does not match.
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEvents } from '../../functions/adapters/event-store/codec';
import { commitHash } from '../../functions/adapters/event-store/hash-chain';
import {
  EVENT_LOG_EVENTS_ATTRIBUTE,
  EVENT_LOG_HASH_ATTRIBUTE,
  EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE,
  EVENT_LOG_TABLE_NAME,
  EVENT_LOG_TIME_ATTRIBUTE,
} from '../../functions/adapters/event-store/keys';
import { storedCommit } from '../../functions/adapters/event-store/commit-item';
import { readStoredCommits } from '../../functions/adapters/event-store/dynamodb';
import { DynamoDbFleetStore } from '../../functions/adapters/fleet-store/dynamodb';
import { fleetStreamId } from '../../functions/adapters/fleet-store/port';
import { VirtualClock } from '../../functions/clock';
import { REGISTRY_STREAM_ID } from '../../functions/registry/cluster-registry';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { sealCheckpoint, openCheckpoint } from '../../functions/checkpoints/checkpoint';
import { LocalKeySigner } from '../../functions/checkpoints/signer';
import { main } from '../../functions/cli/main';
import { checkpointPublicKeyIn, checkpointsIn, dataDirIn } from '../../functions/cli/state-dir';
import { startLocalDynamoDb } from '../../functions/local/dynalite-server';
import { rawDynamoDbItems } from '../adapters/event-store/raw-dynamodb-items';
import type { RawItems } from '../adapters/event-store/contract';
import { nodeObserved } from '../log/fixtures';
import { recordingIo } from './fake-io';

const DS_STREAM = 'local/daemonsets/kube-system/fluentd-elasticsearch';
let demo: string;
const copies: string[] = [];

beforeAll(async () => {
  demo = await mkdtemp(join(tmpdir(), 'daemonloop-verify-'));
  expect(await main(['demo', '--single', '--virtual', '--exit', '--state', demo], recordingIo())).toBe(0);
}, 240_000);
afterAll(async () => {
  for (const dir of [demo, ...copies]) await rm(dir, { recursive: true, force: true });
});

async function verify(state: string, ...args: string[]) {
  const io = recordingIo();
  const code = await main(['log', 'verify', '--state', state, ...args], io);
  return { code, out: io.stdout.join('\n') };
}

/** A copy of the demo's state, its log rewritten by `tamper` as a writer with PutItem/DeleteItem could. */
async function tampered(
  tamper: (items: RawItems, commits: (stream: string) => Promise<number>, dynamodb: Awaited<ReturnType<typeof startLocalDynamoDb>>) => Promise<void>,
): Promise<string> {
  const state = await mkdtemp(join(tmpdir(), 'daemonloop-tampered-'));
  copies.push(state);
  await cp(demo, state, { recursive: true });
  const dynamodb = await startLocalDynamoDb(dataDirIn(state));
  try {
    const count = async (stream: string) => {
      let n = 0;
      for await (const _ of readStoredCommits(dynamodb.client, EVENT_LOG_TABLE_NAME, stream)) n++;
      return n;
    };
    await tamper(rawDynamoDbItems(dynamodb.client, EVENT_LOG_TABLE_NAME), count, dynamodb);
  } finally {
    await dynamodb.close();
  }
  return state;
}

const forged = async (items: RawItems, stream: string, commit: number, rehash: boolean) => {
  const item = await items.get(stream, commit);
  item[EVENT_LOG_EVENTS_ATTRIBUTE] = encodeEvents([nodeObserved('forged', '999999')]);
  if (rehash) item[EVENT_LOG_HASH_ATTRIBUTE] = commitHash({ ...storedCommit(item), previous: item[EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE] as Uint8Array });
  await items.put(item);
};

describe('daemonloop log verify, on the demo’s log', () => {
  it('verifies the whole untouched log and its checkpoints with the public key alone', async () => {
    const { code, out } = await verify(demo);
    expect(out).toMatch(/^OK: \d+ stream\(s\), \d+ commit\(s\) verified; \d+ checkpoint\(s\)/);
    expect(code).toBe(0);
    const [, streams, commits] = /(\d+) stream\(s\), (\d+) commit/.exec(out)!;
    expect(Number(streams)).toBeGreaterThanOrEqual(3); // nodes, pods, the DaemonSet
    expect(Number(commits)).toBeGreaterThan(50);
    expect((await verify(demo, '--stream', DS_STREAM)).code).toBe(0);
    // The registry's commits are chained and checkpointed like every other stream's.
    const registry = await verify(demo, '--stream', REGISTRY_STREAM_ID);
    expect(registry.out).toMatch(/^OK: 1 stream\(s\), [1-9]\d* commit\(s\) verified/);
    expect(registry.code).toBe(0);
  });

  it('names the registry’s head rewritten to point the cluster at another endpoint, even re-hashed: the signed checkpoint knows it', async () => {
    let head = 0;
    const state = await tampered(async (items, commits) => {
      head = await commits(REGISTRY_STREAM_ID);
      const item = await items.get(REGISTRY_STREAM_ID, head);
      const changes = JSON.parse(inflateRawSync(item[EVENT_LOG_EVENTS_ATTRIBUTE] as Uint8Array).toString('utf8')) as { cluster?: { endpoint?: string } }[];
      expect(changes[0]!.cluster?.endpoint).toMatch(/^http/);
      changes[0]!.cluster!.endpoint = 'https://attacker.example';
      item[EVENT_LOG_EVENTS_ATTRIBUTE] = deflateRawSync(JSON.stringify(changes));
      item[EVENT_LOG_HASH_ATTRIBUTE] = commitHash({ ...storedCommit(item), previous: item[EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE] as Uint8Array });
      await items.put(item);
    });
    const { code, out } = await verify(state);
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(`stream ${REGISTRY_STREAM_ID}: commit ${head} does not match the hash chain: it does not match the head checkpoint \\d+\\.json attests`),
    );
  });

  it('names a rewritten commit of a fleet’s stream', async () => {
    const fleet = fleetStreamId('edge');
    const state = await tampered(async (items, _, dynamodb) => {
      const store = new DynamoDbFleetStore(dynamodb.client, EVENT_LOG_TABLE_NAME, new VirtualClock());
      for (let n = 0; n < 3; n++) await store.append(fleet, n, [{ type: 'FleetPauseChanged', time: new Date(n * 1000).toISOString(), paused: n % 2 === 0 }]);
      const item = await items.get(fleet, 2);
      item[EVENT_LOG_TIME_ATTRIBUTE] = '1999-01-01T00:00:00.000Z'; // any stored attribute, whatever its encoding
      await items.put(item);
    });
    const { code, out } = await verify(state);
    expect(code).toBe(1);
    expect(out).toContain(`MISMATCH stream ${fleet}: commit 2 does not match the hash chain: its contents do not match its hash`);
  });

  it('names a commit whose payload was changed', async () => {
    const state = await tampered((items) => forged(items, DS_STREAM, 3, false));
    const { code, out } = await verify(state);
    expect(code).toBe(1);
    expect(out).toContain(`MISMATCH stream ${DS_STREAM}: commit 3 does not match the hash chain: its contents do not match its hash`);
  });

  it('names a middle commit replaced by a re-hashed forgery', async () => {
    const state = await tampered((items) => forged(items, DS_STREAM, 4, true));
    const { code, out } = await verify(state);
    expect(code).toBe(1);
    expect(out).toContain(`stream ${DS_STREAM}: commit 4 does not match the hash chain: commit 5 was chained to a different commit 4`);
  });

  it('names the head replaced by a re-hashed forgery: only the signed checkpoint knows it', async () => {
    const state = await tampered(async (items, commits) => forged(items, DS_STREAM, await commits(DS_STREAM), true));
    const { code, out } = await verify(state);
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(`stream ${DS_STREAM}: commit \\d+ does not match the hash chain: it does not match the head checkpoint \\d+\\.json attests`),
    );
  });

  it('with --since, starts each stream at its head checkpointed before that time, which the signature vouches for', async () => {
    const state = await tampered((items) => forged(items, DS_STREAM, 3, false));
    expect((await verify(state)).code).toBe(1);
    const since = await verify(state, '--since', '2999-01-01T00:00:00Z'); // after the last checkpoint: only what follows it is walked
    expect(since.out).toMatch(/^OK: /);
    expect(since.code).toBe(0);
    expect((await verify(state, '--since', 'yesterday-ish')).code).toBe(2);
  });

  it('names a deleted middle commit as missing', async () => {
    const state = await tampered((items) => items.delete(DS_STREAM, 6));
    const { code, out } = await verify(state);
    expect(code).toBe(1);
    expect(out).toContain(`stream ${DS_STREAM}: commit 6 does not match the hash chain: it is missing`);
  });

  it('names the first commit of a tail cut after a checkpoint', async () => {
    let head = 0;
    const state = await tampered(async (items, commits) => {
      head = await commits(DS_STREAM);
      await items.delete(DS_STREAM, head);
      await items.delete(DS_STREAM, head - 1);
    });
    const { code, out } = await verify(state);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`stream ${DS_STREAM}: commit ${head - 1} is missing, yet checkpoint \\d+\\.json attests commits up to ${head}`));
  });

  it('rejects a checkpoint whose heads were edited, and one signed with another key', async () => {
    const state = await tampered(async () => undefined);
    const folder = checkpointsIn(state);
    const [first] = (await readdir(folder)).sort();
    const file = join(folder, first!);
    const original = await readFile(file, 'utf8');
    await chmod(file, 0o644);
    await writeFile(
      file,
      original.replace(/\\"commit\\":(\d+)/, (_, n) => `\\"commit\\":${Number(n) + 1}`),
    );
    let result = await verify(state);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`MISMATCH checkpoint ${first}: its signature does not verify with the public key`);

    // A forger's own key, its checkpoint otherwise well-formed and linked.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forgerKey = join(state, 'forger.pem');
    await writeFile(forgerKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const signer = await LocalKeySigner.open(forgerKey, join(state, 'forger.pub.pem'));
    await writeFile(file, await sealCheckpoint(openCheckpoint(first!, Buffer.from(original), null), signer));
    result = await verify(state);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`MISMATCH checkpoint ${first}: its signature does not verify with the public key`);
    expect((await verify(state, '--public-key', join(state, 'forger.pub.pem'))).out).not.toContain('signature does not verify');
    expect(await readFile(checkpointPublicKeyIn(state), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
  });
});
