// What one of the DaemonSet's pods costs per hour on one node, by domain/cost.ts's rate model: the
// pod's requests (its revision's template) × the node's rates (instance type, spot). Requests are
// computed once per revision, rates once per node.
import type { V1Node, V1PodTemplateSpec } from '@kubernetes/client-node';
import { podHourly, podRequests, ratesFor, type PodRequests, type PriceTable } from '../../domain/cost';
import type { Lifecycles, NodeLife } from './lifecycles';

export interface PodPrices {
  /** $/hour of a pod of revision `hash` on `nodeName`. */
  hourly(nodeName: string | undefined, hash: string | undefined): number;
  requests(hash: string | undefined): PodRequests;
  node(nodeName: string | undefined): NodeLife | undefined;
}

export function podPrices(life: Lifecycles, prices: PriceTable): PodPrices {
  const templates = new Map<string, V1PodTemplateSpec>();
  for (const c of life.specChanges) templates.set(c.hash, c.template);
  for (const r of life.revisions) templates.set(r.hash, r.template); // the controller's own record wins
  const latest = life.specChanges.at(-1)?.template ?? {};
  const requestsByHash = new Map<string, PodRequests>();
  const nodesByName = new Map<string, NodeLife>();
  for (const n of life.nodes) if (!nodesByName.has(n.name) || nodesByName.get(n.name)!.firstMs < n.firstMs) nodesByName.set(n.name, n);
  const rates = new Map<string, number>(); // `<node>\0<hash>` → hourly
  const requests = (hash: string | undefined) => {
    const key = hash ?? '';
    let r = requestsByHash.get(key);
    if (!r) requestsByHash.set(key, (r = podRequests({ spec: { selector: {}, template: templates.get(key) ?? latest } })));
    return r;
  };
  return {
    requests,
    node: (name) => (name === undefined ? undefined : nodesByName.get(name)),
    hourly(nodeName, hash) {
      const key = `${nodeName ?? ''}\0${hash ?? ''}`;
      let h = rates.get(key);
      if (h === undefined) {
        const node = nodeName === undefined ? undefined : nodesByName.get(nodeName);
        const asNode: V1Node = { metadata: { name: nodeName, labels: node?.labels ?? {} } };
        rates.set(key, (h = podHourly(requests(hash), ratesFor(asNode, prices))));
      }
      return h;
    },
  };
}
