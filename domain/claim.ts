// ClaimPods (controller_ref_manager.go): which pods belong to the DaemonSet. Ownership is by the
// controller ownerReference's UID; labels decide adoption of orphans and release of owned pods.
import type { V1DaemonSet, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import type { Matcher } from './label-selector';
import type { PodClaim } from './types';

export interface Claim {
  claimed: V1Pod[]; // owned and matching, adopted orphans included
  adopt: PodClaim[];
  release: PodClaim[];
}

function controllerRefOf(pod: V1Pod): V1OwnerReference | undefined {
  const refs = pod.metadata?.ownerReferences;
  if (Array.isArray(refs)) for (const r of refs) if (r?.controller === true) return r;
  return undefined;
}

const claimOf = (pod: V1Pod): PodClaim => ({ podName: pod.metadata?.name ?? '', podUid: pod.metadata?.uid ?? '' });

/** Called only for a DaemonSet that is not being deleted: such a one neither adopts nor releases. */
export function claimPods(ds: V1DaemonSet, pods: readonly V1Pod[], selects: Matcher): Claim {
  const claim: Claim = { claimed: [], adopt: [], release: [] };
  const namespace = ds.metadata?.namespace;
  for (const pod of pods) {
    if (typeof pod !== 'object' || pod === null) continue;
    if (namespace && pod.metadata?.namespace && pod.metadata.namespace !== namespace) continue;
    const ref = controllerRefOf(pod);
    const matches = selects(pod.metadata?.labels);
    if (ref) {
      if (ref.uid !== ds.metadata?.uid) continue; // another controller's pod is never touched
      if (matches) claim.claimed.push(pod);
      else claim.release.push(claimOf(pod)); // stopped matching: released, not deleted
    } else if (matches && pod.metadata?.deletionTimestamp == null) {
      claim.adopt.push(claimOf(pod));
      claim.claimed.push(pod);
    }
  }
  return claim;
}
