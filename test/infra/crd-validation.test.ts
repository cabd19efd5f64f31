// The CRD's admission rules (x-kubernetes-validations, CEL) and defaults, run as the API server
// runs them: defaults from the schema first, then every rule with `self` bound to its node —
// integers as CEL ints (JSON numbers are int64 in Kubernetes' CEL). The simulator does not
// evaluate CEL, so a CEL evaluator from npm does it here; each invalid DaemonSet must also be
// refused by the controller's own validation (domain/validation.ts), so the two never disagree.
import { readFileSync } from 'node:fs';
import { evaluate } from '@marcbachmann/cel-js';
import type { V1DaemonSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateDaemonSet } from '../../domain';

interface Schema {
  type?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  'x-kubernetes-validations'?: { rule: string; message: string; fieldPath?: string }[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

const crd = parse(readFileSync(new URL('../../infra/manifests/crd.yaml', import.meta.url), 'utf8'));
const root: Schema = crd.spec.versions[0].schema.openAPIV3Schema;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural defaulting: an absent property with a default gets it, then defaults apply inside. */
function withDefaults(value: unknown, schema: Schema): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((v) => withDefaults(v, schema.items!)) : value;
  if (!isObject(value) || !schema.properties) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [key, child] of Object.entries(schema.properties)) {
    if (out[key] === undefined && child.default !== undefined) out[key] = structuredClone(child.default);
    if (out[key] !== undefined) out[key] = withDefaults(out[key], child);
  }
  return out;
}

/** JSON integers as CEL ints. */
const celValue = (v: unknown): unknown =>
  typeof v === 'number' && Number.isInteger(v)
    ? BigInt(v)
    : Array.isArray(v)
      ? v.map(celValue)
      : isObject(v)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, celValue(x)]))
        : v;

/** Every rule's failure as `path: message`, as the API server reports it. */
function admissionErrors(value: unknown, schema: Schema = root, path = ''): string[] {
  const errors: string[] = [];
  for (const { rule, message, fieldPath } of schema['x-kubernetes-validations'] ?? []) {
    if (rule.includes('oldSelf')) continue; // transition rules: only on update
    if (evaluate(rule, { self: celValue(value) }) !== true) errors.push(`${path}${fieldPath ?? ''}: ${message}`.replace(/^\./, ''));
  }
  if (isObject(value))
    for (const [key, child] of Object.entries(schema.properties ?? {}))
      if (value[key] !== undefined) errors.push(...admissionErrors(value[key], child, `${path}.${key}`));
  return errors;
}

const admit = (ds: V1DaemonSet) => admissionErrors(withDefaults(ds, root));

function daemonSet(
  spec: { rollingUpdate?: Record<string, unknown>; selector?: Record<string, unknown>; labels?: Record<string, string>; pod?: Record<string, unknown> } = {},
): V1DaemonSet {
  return {
    apiVersion: 'daemonloop.dev/v1alpha1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'u1' },
    spec: {
      selector: spec.selector ?? { matchLabels: { app: 'agent' } },
      ...(spec.rollingUpdate ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: spec.rollingUpdate } } : {}),
      template: { metadata: { labels: spec.labels ?? { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }], ...spec.pod } as never },
    },
  } as V1DaemonSet;
}

describe('the CRD at admission', () => {
  it('admits the seeds DaemonSet and a surge rollout, with apps/v1 defaults filled in', () => {
    expect(admit(daemonSet())).toEqual([]);
    expect(admit(daemonSet({ rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } }))).toEqual([]);
    expect(
      admit(
        daemonSet({
          selector: {
            matchExpressions: [
              { key: 'app', operator: 'In', values: ['agent'] },
              { key: 'tier', operator: 'DoesNotExist' },
            ],
          },
        }),
      ),
    ).toEqual([]);
    const defaulted = withDefaults(daemonSet(), root) as V1DaemonSet;
    expect(defaulted.spec?.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(defaulted.spec?.revisionHistoryLimit).toBe(10);
    expect((withDefaults(daemonSet({ rollingUpdate: {} }), root) as V1DaemonSet).spec?.updateStrategy?.rollingUpdate).toEqual({
      maxUnavailable: 1,
      maxSurge: 0,
    });
  });

  const refused: [string, V1DaemonSet, string][] = [
    [
      'maxUnavailable as a bare string',
      daemonSet({ rollingUpdate: { maxUnavailable: '2' } }),
      'spec.updateStrategy.rollingUpdate.maxUnavailable: must be an integer ≥ 0 or a percentage from 0% to 100% (e.g. 5 or "5%")',
    ],
    [
      'a negative maxSurge',
      daemonSet({ rollingUpdate: { maxUnavailable: 0, maxSurge: -1 } }),
      'spec.updateStrategy.rollingUpdate.maxSurge: must be an integer ≥ 0 or a percentage from 0% to 100% (e.g. 5 or "5%")',
    ],
    [
      'a percentage over 100%',
      daemonSet({ rollingUpdate: { maxUnavailable: '150%' } }),
      'spec.updateStrategy.rollingUpdate.maxUnavailable: must be an integer ≥ 0 or a percentage from 0% to 100% (e.g. 5 or "5%")',
    ],
    [
      'a failure budget over 100%',
      daemonSet({ rollingUpdate: { maxUnavailable: 1, maxFailedNodes: '150%' } }),
      'spec.updateStrategy.rollingUpdate.maxFailedNodes: maxFailedNodes must be an integer >= 0 or a percentage such as "10%"',
    ],
    [
      'a partition over 100%',
      daemonSet({ rollingUpdate: { maxUnavailable: 1, partition: '101%' } }),
      'spec.updateStrategy.rollingUpdate.partition: partition must be an integer >= 0 or a percentage such as "10%"',
    ],
    [
      'both zero',
      daemonSet({ rollingUpdate: { maxUnavailable: '0%', maxSurge: 0 } }),
      'spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0 when maxSurge is 0',
    ],
    [
      'both non-zero',
      daemonSet({ rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }),
      'spec.updateStrategy.rollingUpdate.maxSurge: may not be set when maxUnavailable is non-zero',
    ],
    ['an empty selector', daemonSet({ selector: {} }), 'spec.selector: empty selector is invalid for daemonset'],
    [
      'a selector the template labels miss',
      daemonSet({ labels: { app: 'other' } }),
      'spec.template.metadata.labels: `selector` does not match template `labels`',
    ],
    [
      'an expression the template labels miss',
      daemonSet({ selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['agent'] }] } }),
      'spec.template.metadata.labels: `selector` does not match template `labels`',
    ],
    ['restartPolicy Never', daemonSet({ pod: { restartPolicy: 'Never' } }), 'spec.template.spec.restartPolicy: Unsupported value: supported values: "Always"'],
    [
      'activeDeadlineSeconds',
      daemonSet({ pod: { activeDeadlineSeconds: 60 } }),
      'spec.template.spec.activeDeadlineSeconds: activeDeadlineSeconds in DaemonSet is not Supported',
    ],
    ['no containers', daemonSet({ pod: { containers: [] } }), 'spec.template.spec.containers: Required value: a pod needs at least one container'],
  ];

  it.each(refused)('refuses %s, naming the field, as the controller’s validation does', (_, ds, error) => {
    expect(admit(ds)).toEqual([error]);
    const field = error.slice(0, error.indexOf(':'));
    expect(validateDaemonSet(ds).map((e) => e.field)).toContain(field);
  });

  it('keeps conditions one per type (a list-map keyed by type)', () => {
    const conditions: Schema = root.properties!.status!.properties!.conditions!;
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect((conditions.items as { required?: string[] }).required).toContain('type');
  });
});
