// Which pods the controller reads: those a DaemonSet of ours controls, and those whose labels one
// of our DaemonSets in the same namespace selects (candidates for adoption, upstream's ClaimPods).
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { compileLabelSelector, type Matcher } from '../../domain/label-selector';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from '../adapters/kubernetes/custom-resource';

export class DaemonPodSelector {
  private readonly selectors = new Map<string, { namespace: string; matches: Matcher; selector: string }>(); // DaemonSet uid →

  /** Records a DaemonSet; true when its selector is new or changed (pods may have become daemon pods). */
  upsertDaemonSet(ds: V1DaemonSet): boolean {
    const uid = ds.metadata?.uid ?? '';
    const selector = JSON.stringify(ds.spec?.selector ?? null);
    if (this.selectors.get(uid)?.selector === selector) return false;
    // An empty selector is invalid for a DaemonSet (apps/v1 validation): it claims nothing.
    const empty = !ds.spec?.selector?.matchLabels && !ds.spec?.selector?.matchExpressions?.length;
    const matches: Matcher = empty ? () => false : compileLabelSelector(ds.spec?.selector);
    this.selectors.set(uid, { namespace: ds.metadata?.namespace ?? '', matches, selector });
    return true;
  }

  deleteDaemonSet(uid: string): void {
    this.selectors.delete(uid);
  }

  isDaemonPod(pod: V1Pod): boolean {
    if (pod.metadata?.ownerReferences?.some((r) => r.controller && r.apiVersion === DAEMONSET_API_VERSION && r.kind === DAEMONSET_KIND)) return true;
    const namespace = pod.metadata?.namespace ?? '';
    for (const ds of this.selectors.values()) if (ds.namespace === namespace && ds.matches(pod.metadata?.labels)) return true;
    return false;
  }
}
