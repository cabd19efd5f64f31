// intstr.GetScaledValueFromIntOrPercent and apps validation's ValidatePositiveIntOrPercent.
import type { IntOrString } from '@kubernetes/client-node';

const PERCENT = /^[0-9]+%$/;

/**
 * An integer is returned unchanged (never capped by `total`); "N%" is ceil(N·total/100) — the
 * DaemonSet rounds both maxUnavailable and maxSurge up. undefined when the value is unusable.
 */
export function scaledValue(value: IntOrString | undefined, total: number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !/^[+-]?[0-9]+%$/.test(value)) return undefined;
  return Math.ceil((parseInt(value, 10) * total) / 100);
}

/** Why a budget is invalid, or undefined: an integer ≥ 0 or "N%" with N ≤ 100. */
export function intOrPercentError(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? undefined : 'must be an integer greater than or equal to 0';
  if (typeof value !== 'string' || !PERCENT.test(value)) return 'must be an integer or percentage (e.g. 5 or "5%")';
  return parseInt(value, 10) > 100 ? 'must not be greater than 100%' : undefined;
}

/** 0 and "0%" are zero for the both-zero / both-set rules. */
export const isZeroIntOrPercent = (value: unknown): boolean => value === 0 || (typeof value === 'string' && /^0+%$/.test(value));
