// The SLI, end to end: every reconcile an observation asked for reports the observation-to-decision
// lag for its cluster, and logs the observation's identity as the correlation id.
import { afterEach, describe, expect, it } from 'vitest';
import { localTelemetry } from '../../functions/observability';
import { agentDaemonSet, podsByNode, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

describe('observation-to-decision lag', () => {
  it('is measured per cluster for the decision that saw a node join, and the log line names the observation', async () => {
    const lines: string[] = [];
    h = await startHarness({ nodes: 2, runtime: { telemetry: localTelemetry('info', (l) => lines.push(l)) } });
    h.sim.createDaemonSet(agentDaemonSet());
    await h.until(() => podsByNode(h.sim).size === 2, 'a pod on each node');
    h.sim.addNode('node-3');
    await h.until(() => podsByNode(h.sim).has('node-3'), 'a pod on the new node');
    const telemetry = h.runtime.deps.telemetry as ReturnType<typeof localTelemetry>;
    const lags = telemetry.timings.get(`ObservationToDecisionLag/${h.runtime.clusterId}`) ?? [];
    expect(lags.length).toBeGreaterThan(0);
    for (const lag of lags) expect(lag).toBeGreaterThanOrEqual(0);
    expect(lines.some((l) => l.includes('"correlationId":"local/NodeObserved/'))).toBe(true);
  });
});
