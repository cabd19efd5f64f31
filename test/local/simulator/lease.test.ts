// The simulator serves coordination.k8s.io/v1 Leases, as leader election uses them: a PUT carrying
// a resourceVersion that is no longer current is refused with 409, so of two writers one wins.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { startSimulator, type StartedSimulator } from '../../support/simulator';

let s: StartedSimulator;
beforeEach(async () => {
  s = await startSimulator();
});
afterEach(() => s.close());

describe('Leases', () => {
  it('are created, read and replaced; a stale resourceVersion conflicts', async () => {
    const api = s.kubeConfig.makeApiClient(CoordinationV1Api);
    const namespace = 'daemonloop-system';
    const created = await api.createNamespacedLease({
      namespace,
      body: { metadata: { name: 'l' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: new V1MicroTime(Date.now()) } },
    });
    const read = await api.readNamespacedLease({ namespace, name: 'l' });
    expect(read.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15 });
    const renewed = await api.replaceNamespacedLease({
      namespace,
      name: 'l',
      body: { ...read, spec: { ...read.spec, renewTime: new V1MicroTime(Date.now()) } },
    });
    expect(renewed.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
    // b read the Lease before a renewed it: its takeover is refused.
    await expect(api.replaceNamespacedLease({ namespace, name: 'l', body: { ...read, spec: { ...read.spec, holderIdentity: 'b' } } })).rejects.toMatchObject({
      code: 409,
    });
    expect((await api.readNamespacedLease({ namespace, name: 'l' })).spec?.holderIdentity).toBe('a');
    await expect(api.readNamespacedLease({ namespace, name: 'missing' })).rejects.toMatchObject({ code: 404 });
  });
});
