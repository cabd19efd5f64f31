// Stream ids of the event log. Every id starts with the cluster id, so clusters never share a stream.
//   <cluster>/nodes                      every Node observation of the cluster
//   <cluster>/pods/<namespace>           every daemon-pod observation of one namespace
//   <cluster>/daemonsets/<ns>/<name>     one DaemonSet: its observations and every controller decision
// A stream id is also the SQS FIFO MessageGroupId of a DaemonSet (≤ 128 characters).

export interface DaemonSetKey {
  clusterId: string;
  namespace: string;
  name: string;
}

export const nodesStreamId = (clusterId: string): string => `${clusterId}/nodes`;
export const podsStreamId = (clusterId: string, namespace: string): string => `${clusterId}/pods/${namespace}`;
export const daemonSetStreamId = (key: DaemonSetKey): string => `${key.clusterId}/daemonsets/${key.namespace}/${key.name}`;

export function parseDaemonSetStreamId(streamId: string): DaemonSetKey {
  const parts = streamId.split('/');
  if (parts.length !== 4 || parts[1] !== 'daemonsets' || parts.some((p) => p === '')) {
    throw new Error(`not a DaemonSet stream id: ${JSON.stringify(streamId)} (want <cluster>/daemonsets/<ns>/<name>)`);
  }
  return { clusterId: parts[0]!, namespace: parts[2]!, name: parts[3]! };
}
