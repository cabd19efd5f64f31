// Validation of the rollout-control fields: a bad value gets the InvalidSpec condition naming the
// field, and no pod is touched (reconcile runs nothing for an invalid spec). The CRD's schema and
// x-kubernetes-validations say the same to the API server; this covers a server that does not check.
import type { IntOrString, V1DaemonSet } from '@kubernetes/client-node';
import { intOrPercentError, isZeroIntOrPercent } from '../int-or-percent';
import { compileRequirement, labelSelectorError } from '../label-selector';
import { rollingUpdateExtension, specExtension, type RolloutWave } from './spec';

export interface FieldError {
  field: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const WAVE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function validateRolloutControl(ds: V1DaemonSet): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const { paused, progressDeadlineSeconds } = specExtension(ds);
  if (paused !== undefined && typeof paused !== 'boolean') fail('spec.paused', 'must be a boolean');
  if (progressDeadlineSeconds !== undefined) {
    if (!Number.isInteger(progressDeadlineSeconds) || progressDeadlineSeconds <= 0) fail('spec.progressDeadlineSeconds', 'must be an integer greater than 0');
    else if (progressDeadlineSeconds <= (ds.spec?.minReadySeconds ?? 0)) fail('spec.progressDeadlineSeconds', 'must be greater than minReadySeconds');
  }
  if (ds.spec?.updateStrategy?.type !== 'RollingUpdate') return errors;
  const field = 'spec.updateStrategy.rollingUpdate';
  const ru = rollingUpdateExtension(ds);
  const intOrPercent = (name: string, value: unknown) => {
    const error = value === undefined ? undefined : intOrPercentError(value);
    if (error) fail(name, `${JSON.stringify(value)}: ${error}`);
    return !error;
  };
  intOrPercent(`${field}.partition`, ru.partition);
  intOrPercent(`${field}.maxFailedNodes`, ru.maxFailedNodes);
  if (ru.selector !== undefined) {
    const error = isObject(ru.selector) ? labelSelectorError(ru.selector) : 'must be a label selector';
    if (error) fail(`${field}.selector`, error);
  }
  if (ru.waves === undefined) return errors;
  if (!Array.isArray(ru.waves)) return [...errors, { field: `${field}.waves`, message: 'must be a list' }];
  const names = new Set<string>();
  ru.waves.forEach((wave: RolloutWave, i) => {
    const at = `${field}.waves[${i}]`;
    if (typeof wave !== 'object' || wave === null || Array.isArray(wave)) return fail(at, 'must be an object');
    if (wave.name !== undefined) {
      if (typeof wave.name !== 'string' || wave.name.length > 63 || !WAVE_NAME.test(wave.name))
        fail(`${at}.name`, 'must be a lowercase name of at most 63 characters');
      else if (names.has(wave.name)) fail(`${at}.name`, `duplicate wave name ${JSON.stringify(wave.name)}`);
      else names.add(wave.name);
    }
    if (wave.selector === undefined && wave.topologyKey === undefined && wave.nodes === undefined)
      fail(at, 'one of selector, topologyKey or nodes is required');
    if (wave.topologyKey !== undefined && wave.nodes !== undefined) fail(`${at}.nodes`, 'may not be set together with topologyKey');
    if (wave.selector !== undefined) {
      const error = isObject(wave.selector) ? labelSelectorError(wave.selector) : 'must be a label selector';
      if (error) fail(`${at}.selector`, error);
    }
    if (wave.topologyKey !== undefined) {
      const compiled = compileRequirement({ key: wave.topologyKey, operator: 'Exists' }, false);
      if (typeof compiled === 'string') fail(`${at}.topologyKey`, compiled);
    }
    intOrPercent(`${at}.nodes`, wave.nodes);
    if (wave.minSuccessSeconds !== undefined && (!Number.isInteger(wave.minSuccessSeconds) || wave.minSuccessSeconds < 0)) {
      fail(`${at}.minSuccessSeconds`, 'must be an integer greater than or equal to 0');
    }
    const unavailableOk = intOrPercent(`${at}.maxUnavailable`, wave.maxUnavailable);
    const surgeOk = intOrPercent(`${at}.maxSurge`, wave.maxSurge);
    if (unavailableOk && surgeOk && (wave.maxUnavailable !== undefined || wave.maxSurge !== undefined)) {
      // A wave that sets one budget gets 0 for the other; the strategy's rules apply to the pair.
      const unavailable: IntOrString = wave.maxUnavailable ?? 0,
        surge: IntOrString = wave.maxSurge ?? 0;
      if (isZeroIntOrPercent(unavailable) && isZeroIntOrPercent(surge)) fail(`${at}.maxUnavailable`, 'cannot be 0 when maxSurge is 0');
      if (!isZeroIntOrPercent(unavailable) && !isZeroIntOrPercent(surge)) fail(`${at}.maxSurge`, 'may not be set when maxUnavailable is non-zero');
    }
  });
  return errors;
}
