// The registry commands' argument handling: labels as kubectl takes them, and a usage error that
// names what is missing before anything reaches the table.
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main';
import { parseLabels } from '../../functions/cli/commands/clusters-register';
import { recordingIo } from './fake-io';

describe('clusters label and register arguments', () => {
  it('reads k=v as a label to set and k- as one to remove, as kubectl label does', () => {
    expect(parseLabels(['env=prod', 'tier=', 'region-'], true)).toEqual({ set: { env: 'prod', tier: '' }, remove: ['region'] });
    expect(() => parseLabels(['region-'])).toThrow(/want key=value/);
    expect(() => parseLabels(['=x'], true)).toThrow(/want key=value or key-/);
  });

  it('exits 2 with the usage when a label change or the role is missing', async () => {
    const io = recordingIo();
    expect(await main(['clusters', 'label', 'prod-eu'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/needs a cluster id and at least one k=v or k-/);
    expect(await main(['clusters', 'register', '--cluster-id', 'prod-eu', '--eks-cluster', 'Prod'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--role-arn is required/);
  });
});
