// Accepts DaemonSet manifests as users have them: plain apps/v1 DaemonSets become our custom
// resource by changing only apiVersion (as OpenKruise's migration does); our own kind passes
// through; anything else is refused, naming the document and its kind.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from './custom-resource';

const ACCEPTED = new Set([`apps/v1/${DAEMONSET_KIND}`, `${DAEMONSET_API_VERSION}/${DAEMONSET_KIND}`]);

export function parseDaemonSetManifests(yamlText: string): V1DaemonSet[] {
  const daemonSets: V1DaemonSet[] = [];
  parseAllDocuments(yamlText).forEach((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`document ${index}: invalid YAML: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as { apiVersion?: unknown; kind?: unknown } | null;
    if (obj === null || obj === undefined) return; // an empty document (a trailing ---)
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`document ${index}: not a Kubernetes object`);
    const type = `${String(obj.apiVersion)}/${String(obj.kind)}`;
    if (!ACCEPTED.has(type)) {
      throw new Error(
        `document ${index}: kind ${String(obj.kind)} (apiVersion ${String(obj.apiVersion)}) is not a DaemonSet; expected apps/v1 or ${DAEMONSET_API_VERSION} DaemonSet`,
      );
    }
    daemonSets.push({ ...(obj as V1DaemonSet), apiVersion: DAEMONSET_API_VERSION });
  });
  return daemonSets;
}
