// moto_server on a free loopback port, for the tier that runs the real AWS topology offline.
// Where moto is not installed the tier is skipped, loudly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/free-port';

export const motoAvailable = (): boolean => spawnSync('sh', ['-c', 'command -v moto_server'], { stdio: 'ignore' }).status === 0;

export const motoCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const MOTO_REGION = 'us-east-1';

export async function startMoto(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch (error) {
      if (attempt > 150 || child.exitCode !== null) throw new Error(`moto_server did not start on ${endpoint}: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
