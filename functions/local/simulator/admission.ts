// Admission for our DaemonSet: what the CRD's x-kubernetes-validations refuse (apps/v1's rules),
// answered as the API server answers, 422 Invalid naming each field. The rules are checked here by
// the controller's own validation, which test/infra/crd-validation.test.ts holds equal to the CEL.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { validateDaemonSet } from '../../../domain/validation';
import { DAEMONSETS } from './resources';
import type { KubeObject } from './selectors';
import { invalidFields } from './status-error';

export function admitDaemonSet(body: KubeObject, urlName: string | undefined): void {
  if (typeof body !== 'object' || body === null) return; // the registry answers a malformed body
  const name = body.metadata?.name ?? urlName ?? '';
  // uid and name are the server's to check (it sets the one and refuses a bad other itself).
  const ds = body as unknown as V1DaemonSet;
  const errors = validateDaemonSet({ ...ds, metadata: { ...ds.metadata, name: name || 'x', uid: 'admission' } });
  if (errors.length > 0) throw invalidFields(DAEMONSETS, name, errors);
}
