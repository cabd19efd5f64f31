// The CLI as a user meets it: the compiled bin (dist/cli, built by the global setup) run as a
// process against a running control plane — kubectl's conventions for cluster selection, -o
// formats, NotFound, validation, durations, delete, diff, dry runs, help, completion and the
// kubectl plugin. Output of -o json/yaml is read back by kubectl's own parser (kubectl kustomize).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { localTelemetry } from '../../functions/observability';
import { renderUsage } from '../../functions/cli/help';
import { COMMANDS } from '../../functions/cli/main';

const BIN = resolve('bin/daemonloop.js');
const EXAMPLE = resolve('examples/fluentd-elasticsearch.yaml');
const KUBECTL = '/usr/bin/kubectl';
// Each step starts a process: generous on a shared, loaded machine (speed is measured in bench/).
const SLOW = { timeout: 300_000 };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program in `cwd` with a HOME of its own: no ~/.kube/config, no $KUBECONFIG unless given. */
function run(program: string, args: string[], options: { cwd: string; env?: Record<string, string>; input?: string }): Promise<Result> {
  const { KUBECONFIG: _, ...env } = process.env;
  return new Promise((done) => {
    const child = execFile(program, args, { cwd: options.cwd, env: { ...env, HOME: options.cwd, ...options.env }, encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

let home: string;
const cli = (args: string[], env?: Record<string, string>) => run(process.execPath, [BIN, ...args], { cwd: home, env });

const invalidDaemonSet = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: DaemonSet
metadata: { name: bad, namespace: kube-system }
spec:
  selector: { matchLabels: { app: bad } }
  updateStrategy: { type: RollingUpdate, rollingUpdate: { maxUnavailable: '2' } }
  template:
    metadata: { labels: { app: bad } }
    spec: { containers: [{ name: c, image: busybox }] }
`;

describe('the daemonloop binary without a cluster', () => {
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'dl-bin-'));
  });

  it('prints help, per-command help and the version, exit 0; an unknown command or option is exit 2 on stderr', SLOW, async () => {
    const help = await cli(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^ {2}rollout status +Follow a DaemonSet's rollout/m);
    // The bin prints the usage the build rendered (dist/cli/usage.txt): the command table's own text.
    expect(help.stdout).toBe(`${renderUsage(COMMANDS)}\n`);
    expect((await cli([])).stdout).toBe(help.stdout);
    const getHelp = await cli(['get', 'ds', '--help']);
    expect(getHelp.code).toBe(0);
    expect(getHelp.stdout).toContain('daemonloop get ds [NAME]');
    expect(getHelp.stdout).toMatch(/-o, --output=VALUE +Output format: json\|yaml\|wide\|name/);
    const version = JSON.parse(await readFile('package.json', 'utf8')).version as string;
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `daemonloop ${version}\n`, stderr: '' });
    const unknown = await cli(['launch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command: launch\n/);
    const badFlag = await cli(['get', 'ds', '--bogus']);
    expect(badFlag).toMatchObject({ code: 2, stdout: '' });
    expect(badFlag.stderr).toContain("See 'daemonloop get ds --help'.");
  });

  it('says how to reach a cluster when none is configured', SLOW, async () => {
    const none = await cli(['get', 'ds']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no cluster: set \$KUBECONFIG, create ~\/\.kube\/config, pass --kubeconfig, or start one with `daemonloop up`/);
  });

  it('writes bash and zsh completion scripts that the shell accepts and that complete commands and flags', SLOW, async () => {
    const bash = await cli(['completion', 'bash']);
    expect(bash.code).toBe(0);
    const script = join(home, 'completion.bash');
    await writeFile(script, bash.stdout);
    const complete = (line: string) =>
      run('bash', ['-c', `source ${script}; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _daemonloop; echo "\${COMPREPLY[*]}"`], { cwd: home });
    expect((await complete('daemonloop roll')).stdout.trim()).toBe('rollout');
    expect((await complete('daemonloop rollout st')).stdout.trim()).toBe('status');
    expect((await complete('daemonloop get ds --all')).stdout.trim()).toBe('--all-namespaces');
    expect((await cli(['completion', 'zsh'])).stdout).toMatch(/^#compdef daemonloop/);
    expect((await cli(['completion', 'fish'])).code).toBe(2);
  });
});

describe('the daemonloop binary against a running control plane', () => {
  let runtime: LocalRuntime;
  let kubeconfig: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'dl-bin-'));
    // admission off: an invalid DaemonSet can be stored, as in a cluster whose CRD predates its rules.
    runtime = await startLocalRuntime({
      cluster: { nodes: 2, simulatorOptions: { admission: false, kubelet: { startDelayMs: 20, readyDelayMs: 20 } } },
      telemetry: localTelemetry('silent'),
    });
    kubeconfig = runtime.kubeconfigPath;
  });
  afterAll(async () => runtime?.stop());

  it('finds the cluster through $KUBECONFIG or ~/.kube/config, and takes the namespace from --context', SLOW, async () => {
    expect(await cli(['apply', '-f', EXAMPLE, '--kubeconfig', kubeconfig])).toEqual({
      code: 0,
      stdout: 'daemonset.daemonloop.dev/fluentd-elasticsearch created\n',
      stderr: '',
    });
    // A kubeconfig with a second context whose namespace is kube-system, as ~/.kube/config.
    const config = parse(await readFile(kubeconfig, 'utf8'));
    config.contexts.push({ name: 'system', context: { ...config.contexts[0].context, namespace: 'kube-system' } });
    await import('node:fs/promises').then((fs) => fs.mkdir(join(home, '.kube'), { recursive: true }));
    await writeFile(join(home, '.kube', 'config'), stringify(config));

    const viaHome = await cli(['get', 'ds', '-o', 'name', '--context', 'system']);
    expect(viaHome).toEqual({ code: 0, stdout: 'daemonset.daemonloop.dev/fluentd-elasticsearch\n', stderr: '' });
    const defaultNamespace = await cli(['get', 'ds'], { KUBECONFIG: kubeconfig });
    expect(defaultNamespace).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    const missingContext = await cli(['get', 'ds', '--context', 'nope']);
    expect(missingContext.code).toBe(2);
    expect(missingContext.stderr).toMatch(/^error: context "nope" does not exist/);
  });

  it('follows a rollout with a kubectl duration, refuses a bare number, and runs as `kubectl daemonloop`', SLOW, async () => {
    const status = await cli(['rollout', 'status', 'ds/fluentd-elasticsearch', '-n', 'kube-system', '--timeout', '2m', '--kubeconfig', kubeconfig]);
    expect(status.code).toBe(0);
    expect(status.stdout).toBe('daemon set "fluentd-elasticsearch" successfully rolled out\n');
    const bare = await cli(['rollout', 'status', 'ds/fluentd-elasticsearch', '--timeout', '60', '--kubeconfig', kubeconfig]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^error: invalid argument "60" for "--timeout" flag: time: missing unit in duration "60"/);

    const plugin = await run(KUBECTL, ['daemonloop', 'rollout', 'status', 'daemonset/fluentd-elasticsearch', '-n', 'kube-system', '--kubeconfig', kubeconfig], {
      cwd: home,
      env: { PATH: `${resolve('bin')}:${process.env.PATH}` },
    });
    expect(plugin).toMatchObject({ code: 0, stdout: 'daemon set "fluentd-elasticsearch" successfully rolled out\n' });
  });

  it('prints one DaemonSet by name in each -o format, kubectl parses json and yaml back, and a missing one is NotFound, exit 1', SLOW, async () => {
    const args = ['-n', 'kube-system', '--kubeconfig', kubeconfig];
    const json = await cli(['get', 'ds', 'fluentd-elasticsearch', '-o', 'json', ...args]);
    expect(json.code).toBe(0);
    const object = JSON.parse(json.stdout);
    expect(object).toMatchObject({
      apiVersion: 'daemonloop.dev/v1alpha1',
      kind: 'DaemonSet',
      metadata: { name: 'fluentd-elasticsearch' },
      status: { desiredNumberScheduled: 2 },
    });
    expect(await cli(['get', 'ds/fluentd-elasticsearch', '--json', ...args])).toEqual(json);
    const yaml = await cli(['get', 'daemonsets', 'fluentd-elasticsearch', '-o', 'yaml', ...args]);
    expect(parse(yaml.stdout)).toEqual(object);
    const list = JSON.parse((await cli(['get', 'ds', '-A', '-o', 'json', '--kubeconfig', kubeconfig])).stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', items: [{ metadata: { name: 'fluentd-elasticsearch' } }] });

    // kubectl's own reader: kustomize takes the json object, the yaml, and the List.
    for (const [file, text] of [
      ['one.json', json.stdout],
      ['one.yaml', yaml.stdout],
      ['list.json', JSON.stringify(list)],
    ] as const) {
      const dir = await mkdtemp(join(home, 'kustomize-'));
      await writeFile(join(dir, file), text);
      await writeFile(join(dir, 'kustomization.yaml'), `resources: [${file}]\n`);
      const rendered = await run(KUBECTL, ['kustomize', dir], { cwd: home });
      expect(rendered.code, rendered.stderr).toBe(0);
      expect(parseAllDocuments(rendered.stdout).map((d) => d.toJS().metadata.name)).toEqual(['fluentd-elasticsearch']);
    }

    const wide = await cli(['get', 'ds', '-o', 'wide', ...args]);
    expect(wide.stdout.split('\n')[0]).toMatch(/AGE +CONTAINERS +IMAGES +SELECTOR +CONDITIONS +WAVE +PAUSED$/);
    expect(wide.stdout.split('\n')[1]).toMatch(
      /fluentd-elasticsearch +quay\.io\/fluentd_elasticsearch\/fluentd:v2\.5\.2 +name=fluentd-elasticsearch +<none> +<none> +<none>$/,
    );

    expect(await cli(['get', 'ds', 'nope', ...args])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): daemonsets.daemonloop.dev "nope" not found\n',
    });
    const badFormat = await cli(['get', 'ds', '-o', 'table', ...args]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/^error: unable to match a printer suitable for the output format "table", allowed formats are: json,name,wide,yaml/);
  });

  it('never reports an invalid DaemonSet as fine: apply names the fields, rollout status prints the condition, get -o wide shows it', SLOW, async () => {
    const file = join(home, 'bad.yaml');
    await writeFile(file, invalidDaemonSet('apps/v1'));
    const apply = await cli(['apply', '-f', file, '--kubeconfig', kubeconfig]);
    expect(apply).toEqual({
      code: 1,
      stdout: '',
      stderr: 'The DaemonSet "bad" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: "2": must be an integer or percentage (e.g. 5 or "5%")\n',
    });
    expect((await cli(['get', 'ds', 'bad', '-n', 'kube-system', '--kubeconfig', kubeconfig])).code).toBe(1); // nothing was sent

    // Stored past the CLI (kubectl, a cluster without admission rules), the controller marks it InvalidSpec.
    await writeFile(file, invalidDaemonSet('daemonloop.dev/v1alpha1'));
    expect((await run(KUBECTL, ['apply', '-f', file, '--kubeconfig', kubeconfig], { cwd: home })).code).toBe(0);
    const status = await cli(['rollout', 'status', 'ds/bad', '-n', 'kube-system', '--timeout', '30s', '--kubeconfig', kubeconfig]);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(
      /^error: daemon set "bad" has condition InvalidSpec \(FieldValueInvalid\): spec\.updateStrategy\.rollingUpdate\.maxUnavailable: "2": must be an integer or percentage/m,
    );
    const wide = await cli(['get', 'ds', 'bad', '-n', 'kube-system', '-o', 'wide', '--kubeconfig', kubeconfig]);
    expect(wide.stdout.split('\n')[1]).toMatch(/ InvalidSpec=True +\S+ +\S+$/);
  });

  it('diffs a changed manifest (exit 1) against the live object, dry-runs apply on client and server, then deletes orphaning the pods', SLOW, async () => {
    const args = ['--kubeconfig', kubeconfig];
    expect(await cli(['diff', '-f', EXAMPLE, ...args])).toEqual({ code: 0, stdout: '', stderr: '' });
    const changed = join(home, 'changed.yaml');
    await writeFile(changed, (await readFile(EXAMPLE, 'utf8')).replaceAll('memory: 200Mi', 'memory: 300Mi'));
    const diff = await cli(['diff', '-f', changed, ...args]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^-\s+memory: 200Mi$/m);
    expect(diff.stdout).toMatch(/^\+\s+memory: 300Mi$/m);
    expect(diff.stdout).toMatch(/^-\s+generation: 1$\n^\+\s+generation: 2$/m);

    expect(await cli(['apply', '-f', changed, '--dry-run=server', ...args])).toMatchObject({
      code: 0,
      stdout: 'daemonset.daemonloop.dev/fluentd-elasticsearch configured (server dry run)\n',
    });
    expect(await cli(['apply', '-f', changed, '--dry-run=client', ...args])).toMatchObject({
      code: 0,
      stdout: 'daemonset.daemonloop.dev/fluentd-elasticsearch configured (dry run)\n',
    });
    const renamed = join(home, 'renamed.yaml');
    await writeFile(renamed, (await readFile(EXAMPLE, 'utf8')).replace('name: fluentd-elasticsearch\n', 'name: fresh\n'));
    expect(await cli(['apply', '-f', renamed, '--dry-run=server', ...args])).toMatchObject({
      code: 0,
      stdout: 'daemonset.daemonloop.dev/fresh created (server dry run)\n',
    });
    expect((await cli(['get', 'ds', 'fresh', '-n', 'kube-system', ...args])).code).toBe(1);
    expect((await cli(['diff', '-f', changed, ...args])).code).toBe(1); // the dry runs stored nothing

    const pods = () => runtime.simulator!.pods({ namespace: 'kube-system' }).filter((p) => p.metadata?.labels?.name === 'fluentd-elasticsearch').length;
    expect(pods()).toBe(2);
    expect(await cli(['delete', 'ds', 'fluentd-elasticsearch', '-n', 'kube-system', '--cascade=orphan', ...args])).toEqual({
      code: 0,
      stdout: 'daemonset.daemonloop.dev "fluentd-elasticsearch" deleted\n',
      stderr: '',
    });
    expect(await runtime.runUntil(() => runtime.simulator!.pods({ namespace: 'kube-system' }).every((p) => !p.metadata?.ownerReferences?.length), 10_000)).toBe(
      true,
    );
    expect(pods()).toBe(2);
    expect(await cli(['delete', 'ds/fluentd-elasticsearch', '-n', 'kube-system', ...args])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): daemonsets.daemonloop.dev "fluentd-elasticsearch" not found\n',
    });
    expect(existsSync(join(home, '.daemonloop'))).toBe(false);
  });
});
