// The forwarder lists pods in pages of PAGE_SIZE (limit/continue), so a large cluster's list is
// never held whole; every pod of every page reaches the relist marker.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ForwardedEvent, RelistCompleted } from '../../domain/events';
import { PAGE_SIZE } from '../../functions/adapters/kubernetes/list-watch';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from '../../functions/adapters/kubernetes/custom-resource';
import { VirtualClock } from '../../functions/clock';
import { runForwarder, type RunningForwarder } from '../../functions/forwarder';
import { localTelemetry } from '../../functions/observability';
import { startSimulator, type StartedSimulator } from '../support/simulator';

let s: StartedSimulator;
let forwarder: RunningForwarder | undefined;
beforeEach(async () => {
  s = await startSimulator({ clock: new VirtualClock() });
});
afterEach(async () => {
  await forwarder?.stop();
  await s.close();
});

describe('paged lists', () => {
  it('lists pods in pages and sends a relist marker holding every one', async () => {
    s.sim.addNode('n1');
    const ds = s.sim.createDaemonSet({
      apiVersion: DAEMONSET_API_VERSION,
      kind: DAEMONSET_KIND,
      metadata: { name: 'agent', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'a' }] } },
      },
    });
    const count = PAGE_SIZE * 2 + 7;
    for (let i = 0; i < count; i++) {
      s.sim.createPod({
        metadata: {
          name: `agent-${i}`,
          namespace: 'default',
          labels: { app: 'agent' },
          ownerReferences: [{ apiVersion: DAEMONSET_API_VERSION, kind: DAEMONSET_KIND, name: 'agent', uid: ds.metadata!.uid!, controller: true }],
        },
        spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'a' }] },
      });
    }
    const podLists: string[] = [];
    s.sim.requestListener = (verb, path) => void (verb === 'list' && path === '/api/v1/pods' && podLists.push(path));
    const sent: ForwardedEvent[] = [];
    forwarder = await runForwarder({
      clusterId: 'c1',
      kubeConfig: s.kubeConfig,
      eventBus: 'b',
      telemetry: localTelemetry('silent'),
      sink: { send: async (o) => void sent.push(...o) },
    });
    await forwarder.idle();
    expect(podLists).toHaveLength(3);
    const markers = sent.filter((o): o is RelistCompleted => o.type === 'RelistCompleted' && o.kind === 'Pod');
    expect(new Set(markers.flatMap((m) => m.presentUids)).size).toBe(count);
    expect(sent.filter((o) => o.type === 'PodObserved')).toHaveLength(count);
  });
});
