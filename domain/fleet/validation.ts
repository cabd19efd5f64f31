// A FleetDaemonSet is checked whole before it enters the log: each error names its field, and a
// rejected apply writes nothing. The template is checked as a DaemonSet would be, with every
// override applied on its own (a patch that breaks the template is named).
import type { V1DaemonSet } from '@kubernetes/client-node';
import { intOrPercentError } from '../int-or-percent';
import { labelSelectorError } from '../label-selector';
import { validateDaemonSet, type ValidationError } from '../validation';
import { mergePatch } from './merge-patch';
import { FLEET_API_VERSION, FLEET_KIND, type ClusterSelection, type FleetDaemonSet } from './types';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegativeInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

export function validateFleet(given: unknown): ValidationError[] {
  if (!isObject(given)) return [{ field: '(document)', message: 'must be an object' }];
  const fleet = given as unknown as FleetDaemonSet;
  const errors: ValidationError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  if (fleet.apiVersion !== FLEET_API_VERSION) fail('apiVersion', `must be ${FLEET_API_VERSION}`);
  if (fleet.kind !== FLEET_KIND) fail('kind', `must be ${FLEET_KIND}`);
  const name = fleet.metadata?.name;
  if (typeof name !== 'string' || name.length > 63 || !DNS_LABEL.test(name))
    fail('metadata.name', 'must be a DNS label (lower-case letters, digits and "-", at most 63)');
  const spec = fleet.spec;
  if (!isObject(spec)) return [...errors, { field: 'spec', message: 'required' }];

  const asDaemonSet = (template: unknown): V1DaemonSet => ({ metadata: { name: name || 'fleet', uid: 'fleet' }, spec: template as V1DaemonSet['spec'] });
  if (!isObject(spec.template)) fail('spec.template', 'required: a DaemonSet spec');
  else for (const e of validateDaemonSet(asDaemonSet(spec.template))) if (e.field.startsWith('spec')) fail(`spec.template${e.field.slice(4)}`, e.message);

  if (!isObject(spec.placement)) fail('spec.placement', 'required: clusterSelector or clusters');
  else selectionErrors(spec.placement, 'spec.placement', fail);

  const overrides = spec.overrides ?? [];
  if (!Array.isArray(overrides)) fail('spec.overrides', 'must be a list');
  else {
    const seen = new Set<string>();
    overrides.forEach((o, i) => {
      const at = `spec.overrides[${i}]`;
      if (!isObject(o)) return fail(at, 'must be an object');
      if (typeof o.name !== 'string' || o.name === '') fail(`${at}.name`, 'required');
      else if (seen.has(o.name)) fail(`${at}.name`, `duplicate override ${JSON.stringify(o.name)}`);
      else seen.add(o.name);
      selectionErrors(o, at, fail);
      if (!isObject(o.patch)) return fail(`${at}.patch`, 'must be an object (a JSON merge patch on the template)');
      if (!isObject(spec.template)) return;
      for (const e of validateDaemonSet(asDaemonSet(mergePatch(spec.template, o.patch)))) {
        if (e.field.startsWith('spec')) fail(`${at}.patch`, `makes ${e.field} invalid: ${e.message}`);
      }
    });
  }

  const stages = spec.rollout?.stages;
  if (spec.rollout !== undefined && !Array.isArray(stages)) fail('spec.rollout.stages', 'must be a list');
  else {
    const seen = new Set<string>();
    (stages ?? []).forEach((s, i) => {
      const at = `spec.rollout.stages[${i}]`;
      if (!isObject(s)) return fail(at, 'must be an object');
      if (typeof s.name !== 'string' || !DNS_LABEL.test(s.name)) fail(`${at}.name`, 'required: a DNS label');
      else if (seen.has(s.name)) fail(`${at}.name`, `duplicate stage ${JSON.stringify(s.name)}`);
      else seen.add(s.name);
      selectionErrors(s, at, fail);
      if (s.maxConcurrency !== undefined) {
        const e = intOrPercentError(s.maxConcurrency);
        if (e) fail(`${at}.maxConcurrency`, e);
        else if (s.maxConcurrency === 0 || s.maxConcurrency === '0%') fail(`${at}.maxConcurrency`, 'must be greater than 0');
      }
      if (s.maxFailedClusters !== undefined) {
        const e = intOrPercentError(s.maxFailedClusters);
        if (e) fail(`${at}.maxFailedClusters`, e);
      }
      for (const field of ['minSuccessSeconds', 'progressDeadlineSeconds'] as const) {
        if (s[field] !== undefined && !isNonNegativeInteger(s[field])) fail(`${at}.${field}`, 'must be an integer greater than or equal to 0');
      }
      if (s.approval !== undefined && typeof s.approval !== 'boolean') fail(`${at}.approval`, 'must be true or false');
    });
  }

  const budget = spec.disruptionBudget;
  if (budget !== undefined) {
    if (!isObject(budget)) fail('spec.disruptionBudget', 'must be an object');
    else {
      const e = intOrPercentError(budget.maxUnavailableNodes);
      if (e) fail('spec.disruptionBudget.maxUnavailableNodes', e);
      else if (budget.maxUnavailableNodes === 0 || budget.maxUnavailableNodes === '0%')
        fail('spec.disruptionBudget.maxUnavailableNodes', 'must be greater than 0 (a rollout could never start)');
      const w = budget.maxDisruptionsPerWindow;
      if (w !== undefined) {
        if (!isObject(w) || !(Number.isInteger(w.nodes) && w.nodes >= 1))
          fail('spec.disruptionBudget.maxDisruptionsPerWindow.nodes', 'must be an integer of at least 1');
        if (!isObject(w) || !(Number.isInteger(w.windowSeconds) && w.windowSeconds >= 1))
          fail('spec.disruptionBudget.maxDisruptionsPerWindow.windowSeconds', 'must be an integer of at least 1');
      }
    }
  }
  if (spec.removalPolicy !== undefined && spec.removalPolicy !== 'Delete' && spec.removalPolicy !== 'Orphan')
    fail('spec.removalPolicy', 'must be Delete or Orphan');
  return errors;
}

function selectionErrors(s: ClusterSelection, at: string, fail: (field: string, message: string) => void): void {
  const hasSelector = s.clusterSelector !== undefined;
  const hasList = s.clusters !== undefined;
  if (hasSelector === hasList) return fail(at, 'needs exactly one of clusterSelector and clusters');
  if (hasList && (!Array.isArray(s.clusters) || s.clusters.some((c) => typeof c !== 'string' || c === '')))
    fail(`${at}.clusters`, 'must be a list of cluster ids');
  if (hasSelector) {
    const e = isObject(s.clusterSelector) ? labelSelectorError(s.clusterSelector) : 'must be a label selector';
    if (e) fail(`${at}.clusterSelector`, e);
  }
}

/** Why `name` cannot name a fleet (its stream id is built from it), or undefined. */
export const fleetNameProblem = (name: string): string | undefined =>
  name.length <= 63 && DNS_LABEL.test(name)
    ? undefined
    : `${JSON.stringify(name.slice(0, 80))} is not a DNS label (lower-case letters, digits and "-", at most 63)`;
