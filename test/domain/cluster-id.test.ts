// Cluster ids are DNS-1123 labels outside the table's reserved key spaces; a refusal names the rule.
import { describe, expect, it } from 'vitest';
import { clusterIdProblem, RESERVED_CLUSTER_IDS } from '../../domain/cluster-id';

describe('clusterIdProblem', () => {
  it('accepts DNS-1123 labels', () => {
    for (const id of ['c1', 'prod-eu-west-1', 'a', 'x'.repeat(63)]) expect(clusterIdProblem(id)).toBeUndefined();
  });

  it('refuses ids that could reach into another stream or key space, naming the DNS-1123 rule', () => {
    for (const id of ['', 'a/b', 'prod#snapshot', 'Prod', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(64), 'c1/daemonsets/kube-system']) {
      expect(clusterIdProblem(id)).toMatch(/is not a DNS-1123 label/);
    }
  });

  it('refuses the reserved words, naming them', () => {
    for (const id of ['queue', 'registry', 'fleet', 'checkpoint']) {
      expect(RESERVED_CLUSTER_IDS).toContain(id);
      expect(clusterIdProblem(id)).toMatch(/is reserved/);
    }
  });
});
