// `npm run synth` works on a machine without network or AWS account: the CDK CLI runs cdk.json's
// app, the local esbuild bundles each handler into an ESM file exporting `handler`, and no process
// of the run opens a TCP connection or resolves a host name.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/constructs/loop-function';

const HANDLERS = ['ingest', 'reconcile', 'timer', 'checkpoint', 'commit-guard', 'fleet'];

// Loaded into every Node process of the run (NODE_OPTIONS): records, in a file, each TCP connect
// and each DNS lookup. Unix-socket connects (tsx talks to its child that way) are local.
const NETWORK_GUARD = `
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
const record = (what) => appendFileSync(process.env.DAEMONLOOP_NETWORK_LOG, process.argv.slice(1, 3).join(' ') + ': ' + what + '\\n');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof options !== 'string' && !options?.path) record('connect ' + (options?.host ?? '') + ':' + (options?.port ?? options));
  return connect.apply(this, args);
};
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const original = dns[name];
  dns[name] = function (host, ...rest) { record(name + ' ' + host); return original.call(this, host, ...rest); };
}
syncBuiltinESMExports(); // so \`import { lookup } from 'node:dns'\` sees the wrapper too
`;

const scratch = mkdtempSync(join(tmpdir(), 'daemonloop-synth-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoPath(''), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run synth', () => {
  it('finds a handler entry file for each function, exporting `handler`', () => {
    for (const name of HANDLERS) {
      const source = readFileSync(repoPath(`functions/handlers/${name}.ts`), 'utf8');
      expect(source, name).toMatch(/^export (const|async function|function) handler\b|^export \{[^}]*\bhandler\b[^}]*\}/m);
    }
  });

  it('synthesizes offline, bundling each handler into an ESM module that exports `handler`', async () => {
    const guard = join(scratch, 'network-guard.mjs');
    const networkLog = join(scratch, 'network.log');
    const out = join(scratch, 'cdk.out');
    writeFileSync(guard, NETWORK_GUARD);
    // No AWS account either: no credentials, profiles or instance metadata for the CLI to find.
    const withoutAws = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const { code, output } = await run('npm', ['run', 'synth', '--', '--output', out], {
      ...withoutAws,
      AWS_CONFIG_FILE: join(scratch, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      npm_config_update_notifier: 'false', // npm's own weekly version check is not the synth's
      NODE_OPTIONS: `--import=${pathToFileURL(guard).href}`,
      DAEMONLOOP_NETWORK_LOG: networkLog,
    });
    expect(code, output).toBe(0);
    expect(existsSync(networkLog) ? readFileSync(networkLog, 'utf8') : '').toBe('');

    const template = JSON.parse(readFileSync(join(out, 'Daemonloop.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(HANDLERS.length);
    for (const fn of functions) {
      const asset = join(out, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
      const bundle = readFileSync(join(asset, 'index.mjs'), 'utf8');
      expect(bundle, fn.Properties.Description).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{[^}]*\bhandler\b/);
    }
  }, 300_000); // five bundles on a loaded machine
});
