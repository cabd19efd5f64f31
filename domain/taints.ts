// Taints and tolerations (core/v1 toleration.go ToleratesTaint, FindMatchingUntoleratedTaint).
// tolerationSeconds is the taint manager's business, not the DaemonSet controller's: ignored here.
import type { V1Taint, V1Toleration } from '@kubernetes/client-node';

function toleratesTaint(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      // Lt/Gt are alpha behind TaintTolerationComparisonOperators (off by default): they tolerate nothing.
      return false;
  }
}

/** Whether some taint with one of `effects` is tolerated by none of `tolerations`. Loops: this runs per node. */
export function hasUntoleratedTaint(taints: V1Taint[], tolerations: V1Toleration[], effects: readonly string[]): boolean {
  for (const taint of taints) {
    if (!effects.includes(taint?.effect)) continue;
    let tolerated = false;
    for (const t of tolerations) if ((tolerated = toleratesTaint(t, taint))) break;
    if (!tolerated) return true;
  }
  return false;
}
