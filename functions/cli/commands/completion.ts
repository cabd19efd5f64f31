// `daemonloop completion bash|zsh`: a completion script generated from the command table —
// command words, then each command's flags (`source <(daemonloop completion bash)`).
import { COMMANDS } from '../main';
import type { CliIo } from '../io';
import { UsageError, type CommandOptions } from '../options';

/** Each command's words and flags, as the scripts' case arms. */
function table(): { words: string[]; flags: string[] }[] {
  return COMMANDS.map((c) => ({ words: c.name.split(' '), flags: ['--help', ...Object.keys(c.options).map((o) => `--${o}`)] }));
}

export function bashCompletion(): string {
  const firsts = [...new Set(table().map((c) => c.words[0]))].join(' ');
  const seconds = [
    ...new Set(
      table()
        .filter((c) => c.words.length > 1)
        .map((c) => c.words[0]),
    ),
  ].map(
    (w) =>
      `    ${w}) words="${[
        ...new Set(
          table()
            .filter((c) => c.words[0] === w)
            .map((c) => c.words[1]),
        ),
      ].join(' ')}" ;;`,
  );
  const flags = table().map((c) => `    "${c.words.join(' ')}"*) flags="${c.flags.join(' ')}" ;;`);
  return [
    '# daemonloop bash completion: source <(daemonloop completion bash)',
    '_daemonloop() {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own ${…}, not a template
    '  local cur="${COMP_WORDS[COMP_CWORD]}" line="${COMP_WORDS[*]:1:COMP_CWORD-1}" words="" flags=""',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${firsts} --help --version" -- "$cur")); return`,
    '  fi',
    '  if [ "$COMP_CWORD" -eq 2 ]; then',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own ${…}, not a template
    '  case "${COMP_WORDS[1]}" in',
    ...seconds,
    '  esac',
    '  fi',
    '  case "$line" in',
    ...flags,
    '  esac',
    '  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); else COMPREPLY=($(compgen -W "$words" -- "$cur")); fi',
    '}',
    'complete -o default -F _daemonloop daemonloop',
  ].join('\n');
}

export function zshCompletion(): string {
  return [
    '#compdef daemonloop',
    '# daemonloop zsh completion: source <(daemonloop completion zsh)',
    'autoload -U +X bashcompinit && bashcompinit',
    bashCompletion(),
  ].join('\n');
}

export async function run(options: CommandOptions, io: CliIo): Promise<number> {
  const shell = options.positionals[0];
  if (shell === 'bash') io.out(bashCompletion());
  else if (shell === 'zsh') io.out(zshCompletion());
  else throw new UsageError(`completion needs a shell: bash or zsh${shell ? `, got ${JSON.stringify(shell)}` : ''}`);
  return 0;
}
