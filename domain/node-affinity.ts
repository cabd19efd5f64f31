// Required node affinity of a pod against a node (component-helpers nodeaffinity.GetRequiredNodeAffinity):
// the nodeSelector map AND any one required nodeSelectorTerm. A term that cannot be parsed matches
// nothing and the others are still tried ("ignore parsing errors for backwards compatibility").
import type { V1Node, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1PodSpec } from '@kubernetes/client-node';
import { compileRequirement, type Matcher } from './label-selector';

type NodeMatcher = (node: V1Node) => boolean;

/** matchFields admit only In/NotIn with one value; a node's only field is metadata.name (others read as ""). */
function compileFieldRequirement(r: V1NodeSelectorRequirement): NodeMatcher | undefined {
  if ((r?.operator !== 'In' && r?.operator !== 'NotIn') || !Array.isArray(r.values) || r.values.length !== 1) return undefined;
  const [value] = r.values;
  const fieldOf = (node: V1Node) => (r.key === 'metadata.name' ? (node.metadata?.name ?? '') : '');
  return r.operator === 'In' ? (node) => fieldOf(node) === value : (node) => fieldOf(node) !== value;
}

function compileTerm(term: V1NodeSelectorTerm): NodeMatcher | undefined {
  const expressions = term?.matchExpressions ?? [];
  const fields = term?.matchFields ?? [];
  if (!Array.isArray(expressions) || !Array.isArray(fields)) return undefined;
  if (expressions.length === 0 && fields.length === 0) return undefined;
  const labelMatchers: Matcher[] = [];
  for (const r of expressions) {
    const compiled = compileRequirement(r, true);
    if (typeof compiled === 'string') return undefined;
    labelMatchers.push(compiled);
  }
  const fieldMatchers: NodeMatcher[] = [];
  for (const r of fields) {
    const compiled = compileFieldRequirement(r);
    if (!compiled) return undefined;
    fieldMatchers.push(compiled);
  }
  return (node) => labelMatchers.every((m) => m(node.metadata?.labels)) && fieldMatchers.every((m) => m(node));
}

export function compileRequiredNodeAffinity(spec: V1PodSpec | undefined): NodeMatcher {
  const nodeSelector = Object.entries(spec?.nodeSelector ?? {});
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const listed = required?.nodeSelectorTerms;
  const terms = required ? (Array.isArray(listed) ? listed : []).map(compileTerm).filter((t) => t !== undefined) : undefined;
  return (node) => {
    const labels = node.metadata?.labels;
    for (const [k, v] of nodeSelector) if (labels?.[k] !== v) return false;
    if (terms === undefined) return true;
    for (const matches of terms) if (matches(node)) return true;
    return false;
  };
}
