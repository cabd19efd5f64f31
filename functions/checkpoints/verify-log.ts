// `log verify`'s check, with the public key alone: the checkpoints' signatures and digest chain,
// then every stream's hash chain from its first commit (or, with `since`, from the newest
// checkpoint before it), every checkpointed head against the chain, and no history shorter than a
// checkpoint attests. Each stream's first mismatch is named; verification of that stream stops there.
import { hex, verifiedFrom, type ChainLink, type StoredCommit } from '../adapters/event-store/hash-chain';
import { ChainBroken, isChainBroken } from '../adapters/event-store/port';
import { checkpointName, digestOf, openCheckpoint, type CheckpointBody } from './checkpoint';
import type { CheckpointStore } from './checkpoint-store';

export interface LogUnderVerification {
  streams(): Promise<string[]>;
  /** A stream's items as stored, ascending from `from`, unverified. */
  commits(stream: string, from: number): AsyncIterable<StoredCommit>;
}

export interface Finding {
  stream?: string;
  commit?: number;
  checkpoint?: string;
  message: string;
}

export interface VerifyReport {
  streams: number;
  commits: number;
  checkpoints: number;
  lastCheckpoint?: { name: string; time: string };
  findings: Finding[];
}

interface Attestation {
  commit: number;
  hash: string;
  checkpoint: string;
  time: string;
}

export async function verifyLog(options: {
  log: LogUnderVerification;
  checkpoints: CheckpointStore;
  publicKeyPem: string;
  stream?: string;
  since?: Date;
}): Promise<VerifyReport> {
  const findings: Finding[] = [];
  const { trusted, count } = await verifyCheckpoints(options.checkpoints, options.publicKeyPem, findings);
  const attested = new Map<string, Attestation[]>();
  for (const { name, body } of trusted) {
    for (const head of body.heads)
      attested.set(head.stream, [...(attested.get(head.stream) ?? []), { commit: head.commit, hash: head.hash, checkpoint: name, time: body.time }]);
  }
  const inLog = await options.log.streams();
  const streams = [...new Set([...inLog, ...attested.keys()])].filter((s) => !options.stream || s === options.stream).sort();
  let commits = 0;
  for (const stream of streams) {
    const result = await verifyStream(options.log, stream, attested.get(stream) ?? [], options.since);
    commits += result.commits;
    if (result.finding) findings.push(result.finding);
  }
  const last = trusted.at(-1);
  return { streams: streams.length, commits, checkpoints: count, ...(last ? { lastCheckpoint: { name: last.name, time: last.body.time } } : {}), findings };
}

/** Signatures, sequence and digest links; returns the checkpoints whose signature verifies. */
async function verifyCheckpoints(
  store: CheckpointStore,
  publicKeyPem: string,
  findings: Finding[],
): Promise<{ trusted: { name: string; body: CheckpointBody }[]; count: number }> {
  const names = await store.list();
  const trusted: { name: string; body: CheckpointBody }[] = [];
  let previous: { name: string; digest: string; sequence: number } | undefined;
  for (const name of names) {
    const file = await store.get(name);
    let body: CheckpointBody;
    try {
      body = openCheckpoint(name, file, publicKeyPem);
    } catch (error) {
      findings.push({ checkpoint: name, message: (error as Error).message });
      previous = { name, digest: digestOf(file), sequence: Number.parseInt(name, 10) };
      continue;
    }
    const expected = (previous?.sequence ?? 0) + 1;
    if (name !== checkpointName(body.sequence)) findings.push({ checkpoint: name, message: `checkpoint ${name}: its body says sequence ${body.sequence}` });
    else if (body.sequence !== expected)
      findings.push({
        checkpoint: checkpointName(expected),
        message: `checkpoint ${checkpointName(expected)} is missing (${name} follows ${previous?.name ?? 'nothing'})`,
      });
    else if (body.previousDigest !== (previous?.digest ?? null)) {
      findings.push({
        checkpoint: name,
        message: `checkpoint ${name} does not link to ${previous?.name ?? 'nothing'}: its previous digest is ${body.previousDigest}`,
      });
    }
    trusted.push({ name, body });
    previous = { name, digest: digestOf(file), sequence: body.sequence };
  }
  return { trusted, count: names.length };
}

async function verifyStream(
  log: LogUnderVerification,
  stream: string,
  attestations: Attestation[],
  since?: Date,
): Promise<{ commits: number; finding?: Finding }> {
  const byCommit = new Map(attestations.map((a) => [a.commit, a]));
  // With `since`, start at the newest checkpointed head written before it: the checkpoint vouches for all up to there.
  const anchor = since ? attestations.filter((a) => Date.parse(a.time) < since.getTime()).at(-1) : undefined;
  let last: ChainLink | undefined;
  let commits = 0;
  const saw = (link: ChainLink) => {
    const attestation = byCommit.get(link.commit);
    if (attestation && attestation.hash !== hex(link.hash)) {
      throw new ChainBroken(stream, link.commit, `it does not match the head checkpoint ${attestation.checkpoint} attests`);
    }
    last = link;
    commits++;
  };
  try {
    const from = anchor ? anchor.commit + 1 : 1;
    for await (const _ of verifiedFrom(stream, from, undefined, log.commits(stream, anchor ? anchor.commit : 1), saw));
    if (anchor && !last) throw new ChainBroken(stream, anchor.commit, `it is missing, yet checkpoint ${anchor.checkpoint} attests it`);
  } catch (error) {
    if (!isChainBroken(error)) throw error;
    return { commits, finding: { stream, commit: error.commit, message: error.message } };
  }
  const furthest = attestations.reduce<Attestation | undefined>((a, b) => (!a || b.commit > a.commit ? b : a), undefined);
  const head = (last as ChainLink | undefined)?.commit ?? 0;
  if (furthest && furthest.commit > head) {
    const message = `stream ${stream}: commit ${head + 1} is missing, yet checkpoint ${furthest.checkpoint} attests commits up to ${furthest.commit}`;
    return { commits, finding: { stream, commit: head + 1, message } };
  }
  return { commits };
}
