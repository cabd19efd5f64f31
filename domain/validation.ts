// ValidateDaemonSet (apps validation.go) for what the controller relies on. The API server rejects
// these before a controller sees them; our custom resource may not, so reconcile checks them and
// reports instead of acting on a spec it cannot read.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { withDefaults } from './defaults';
import { intOrPercentError, isZeroIntOrPercent } from './int-or-percent';
import { compileLabelSelector, labelSelectorError } from './label-selector';
import { validateRolloutControl } from './rollout-control/validation';

export interface ValidationError {
  field: string;
  message: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const isObject = <T>(v: T): v is NonNullable<T> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonNegativeInteger = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);

/** Validates the DaemonSet as the API server would store it: after defaulting. */
export function validateDaemonSet(given: V1DaemonSet): ValidationError[] {
  if (!isObject(given)) return [{ field: 'daemonSet', message: 'must be an object' }];
  const ds = withDefaults(given);
  const errors: ValidationError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const name = ds.metadata?.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) fail('metadata.name', 'must be a DNS subdomain');
  if (!ds.metadata?.uid) fail('metadata.uid', 'required: pods are owned by uid');
  const spec = ds.spec;
  if (!isObject(spec)) return [...errors, { field: 'spec', message: 'required' }];

  const selector = spec.selector;
  const selectorError = labelSelectorError(selector);
  if (!isObject(selector)) fail('spec.selector', 'required');
  else if (selectorError) fail('spec.selector', selectorError);
  else if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    fail('spec.selector', 'empty selector is invalid for daemonset');
  }

  const template = spec.template;
  if (!isObject(template)) fail('spec.template', 'required');
  else {
    const labels = template.metadata?.labels;
    if (isObject(selector) && !selectorError && !compileLabelSelector(selector)(isObject(labels) ? (labels as Record<string, string>) : undefined)) {
      fail('spec.template.metadata.labels', '`selector` does not match template `labels`');
    }
    const podSpec = template.spec;
    if (!isObject(podSpec)) fail('spec.template.spec', 'required');
    else {
      if (!Array.isArray(podSpec.containers) || podSpec.containers.length === 0) fail('spec.template.spec.containers', 'required');
      if (podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
        fail('spec.template.spec.restartPolicy', `Unsupported value: ${JSON.stringify(podSpec.restartPolicy)}: supported values: "Always"`);
      }
      if (podSpec.activeDeadlineSeconds !== undefined) fail('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported');
    }
  }

  if (!nonNegativeInteger(spec.minReadySeconds)) fail('spec.minReadySeconds', 'must be an integer greater than or equal to 0');
  if (!nonNegativeInteger(spec.revisionHistoryLimit)) fail('spec.revisionHistoryLimit', 'must be an integer greater than or equal to 0');

  const strategy = spec.updateStrategy;
  if (strategy?.type !== 'RollingUpdate' && strategy?.type !== 'OnDelete') {
    fail('spec.updateStrategy', `Unsupported value: ${JSON.stringify(strategy?.type)}: supported values: "OnDelete", "RollingUpdate"`);
  } else if (strategy.type === 'RollingUpdate') {
    const ru = strategy.rollingUpdate;
    const field = 'spec.updateStrategy.rollingUpdate';
    if (!isObject(ru)) fail(field, 'required');
    else {
      const unavailableError = intOrPercentError(ru.maxUnavailable);
      const surgeError = intOrPercentError(ru.maxSurge);
      if (unavailableError) fail(`${field}.maxUnavailable`, `${JSON.stringify(ru.maxUnavailable)}: ${unavailableError}`);
      if (surgeError) fail(`${field}.maxSurge`, `${JSON.stringify(ru.maxSurge)}: ${surgeError}`);
      if (!unavailableError && !surgeError) {
        const unavailableZero = isZeroIntOrPercent(ru.maxUnavailable),
          surgeZero = isZeroIntOrPercent(ru.maxSurge);
        if (unavailableZero && surgeZero) fail(`${field}.maxUnavailable`, 'cannot be 0 when maxSurge is 0');
        if (!unavailableZero && !surgeZero) fail(`${field}.maxSurge`, 'may not be set when maxUnavailable is non-zero');
      }
    }
  }
  errors.push(...validateRolloutControl(ds));
  return errors;
}
