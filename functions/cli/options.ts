// Parsed command-line options as every command receives them.
export interface CommandOptions {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

export const stringOption = (o: CommandOptions, name: string): string | undefined => {
  const v = o.values[name];
  return typeof v === 'string' ? v : undefined;
};
export const listOption = (o: CommandOptions, name: string): string[] => {
  const v = o.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};
export const flag = (o: CommandOptions, name: string): boolean => o.values[name] === true;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function requireString(o: CommandOptions, name: string): string {
  const v = stringOption(o, name);
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

export function positiveInteger(o: CommandOptions, name: string, fallback: number): number {
  const raw = stringOption(o, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
