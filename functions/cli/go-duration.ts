// Durations as kubectl takes them (Go's time.ParseDuration): "90s", "5m", "1h30m", "1.5h", "0".
import { UsageError } from './options';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration string; a UsageError, worded as Go's, naming the flag otherwise. */
export function parseGoDuration(text: string, flagName: string): number {
  const fail = (why: string) => new UsageError(`invalid argument ${JSON.stringify(text)} for "--${flagName}" flag: time: ${why} ${JSON.stringify(text)}`);
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const body = text.replace(/^[+-]/, '');
  if (body === '') throw fail('invalid duration');
  let ms = 0;
  let rest = body;
  while (rest !== '') {
    const match = /^(\d*\.?\d*)([a-zµμ]*)/.exec(rest)!;
    const [whole, number, unit] = match;
    if (number === '' || number === '.') throw fail('invalid duration');
    if (unit === '') throw fail('missing unit in duration');
    if (!(unit! in UNIT_MS))
      throw new UsageError(
        `invalid argument ${JSON.stringify(text)} for "--${flagName}" flag: time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`,
      );
    ms += Number(number) * UNIT_MS[unit!]!;
    rest = rest.slice(whole.length);
  }
  return text.startsWith('-') ? -ms : ms;
}
