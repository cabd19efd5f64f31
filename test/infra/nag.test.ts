// cdk-nag's AwsSolutions and Serverless packs over the synthesized stack: no finding is left, and
// every acknowledged one carries a written reason (infra/constructs/nag-acknowledgements.ts).
// cdk-nag 3 is a policy-validation plugin, not an aspect: validateScope runs it after synth.
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { cdkApp } from './cdk-app';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { readSettings } from '../../infra/settings';

const app = cdkApp();
const stack = new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
app.synth();

describe('cdk-nag', () => {
  for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    it(`${pack.constructor.name}: no unacknowledged finding, errors or warnings`, () => {
      const report = pack.validateScope(stack);
      const findings = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`);
      expect(findings).toEqual([]);
      expect(report.success).toBe(true);
    });
  }

  it('gives every acknowledgement a reason of a sentence or more', () => {
    // Each metadata entry maps a rule id to its reason.
    const entries = stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>)),
      );
    expect(entries.length).toBeGreaterThan(0);
    for (const [id, reason] of entries) expect(reason.length, id).toBeGreaterThan(40);
  });
});
