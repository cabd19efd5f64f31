// A ClusterApi in memory for loop tests: pods by name (a second create of a name answers
// already-done, as 409 AlreadyExists does), the last status written, and every call in order.
// Its DaemonSet (what the API server would answer a GET with) is the log fixtures' `agent`.
import type { V1DaemonSet, V1DaemonSetStatus, V1ObjectReference, V1Pod } from '@kubernetes/client-node';
import type { ActionResult, ClusterApi } from '../../functions/adapters/kubernetes/cluster-api';
import type { DaemonSetEvent } from '../../functions/adapters/kubernetes/daemon-set-events';
import { aDaemonSet } from '../log/fixtures';

export class FakeCluster implements ClusterApi {
  readonly pods = new Map<string, V1Pod>();
  readonly calls: string[] = [];
  status?: V1DaemonSetStatus;
  daemonSet: V1DaemonSet | undefined = aDaemonSet();
  daemonSetReads = 0;

  async createPod(_namespace: string, pod: V1Pod): Promise<ActionResult> {
    const name = pod.metadata!.name!;
    this.calls.push(`create ${name}`);
    if (this.pods.has(name)) return { outcome: 'already-done', reason: 'AlreadyExists' };
    this.pods.set(name, pod);
    return { outcome: 'succeeded' };
  }
  async deletePod(_namespace: string, name: string): Promise<ActionResult> {
    this.calls.push(`delete ${name}`);
    return this.pods.delete(name) ? { outcome: 'succeeded' } : { outcome: 'already-done', reason: 'NotFound' };
  }
  async adoptPod(_namespace: string, name: string): Promise<ActionResult> {
    this.calls.push(`adopt ${name}`);
    return { outcome: 'succeeded' };
  }
  async releasePod(_namespace: string, name: string): Promise<ActionResult> {
    this.calls.push(`release ${name}`);
    return { outcome: 'succeeded' };
  }
  async recordEvents(_involved: V1ObjectReference, events: readonly DaemonSetEvent[]): Promise<ActionResult> {
    for (const e of events) this.calls.push(`event ${e.reason}`);
    return { outcome: 'succeeded' };
  }
  async writeDaemonSetStatus(_namespace: string, _name: string, status: V1DaemonSetStatus): Promise<ActionResult> {
    this.calls.push('status');
    this.status = status;
    return { outcome: 'succeeded' };
  }
  async readDaemonSet(): Promise<V1DaemonSet | undefined> {
    this.daemonSetReads++;
    return this.daemonSet && structuredClone(this.daemonSet);
  }
}
