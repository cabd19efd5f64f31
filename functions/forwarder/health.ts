// The forwarder's health endpoint, for the kubelet's probes:
// - /livez fails when an informer has made no progress (no list, watch event, bookmark or answered
//   watch request) for `stallAfterMs`, or the leader's informers have not all listed within it: a
//   watch that hangs restarts the pod. client-node ends a watch that is silent for 30 s and
//   reconnects, so a healthy quiet watch still makes progress.
// - /readyz: the leader is ready once every informer has listed and the sink takes what is sent;
//   a standby once it reaches the Lease.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ForwarderHealth } from './forwarder';

export const DEFAULT_STALL_AFTER_MS = 120_000;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, string>; // check → 'ok' or why not
}

export interface ReplicaState {
  now: Date;
  leading: boolean;
  leadingSince?: Date;
  /** The leader's running forwarder; undefined while it lists for the first time, or on a standby. */
  forwarder?: ForwarderHealth;
  /** A standby: when it last read or wrote the Lease (undefined without leader election). */
  leaseContact?: Date;
  leaseDurationMs?: number;
  stallAfterMs: number;
}

const report = (checks: Record<string, string>): HealthReport => ({ ok: Object.values(checks).every((c) => c === 'ok'), checks });

export function livez(s: ReplicaState): HealthReport {
  const checks: Record<string, string> = {};
  if (s.leading && !s.forwarder && s.leadingSince) {
    const waited = s.now.getTime() - s.leadingSince.getTime();
    checks.sync = waited <= s.stallAfterMs ? 'ok' : `informers have not listed ${waited} ms after becoming leader`;
  }
  for (const informer of s.forwarder?.informers ?? []) {
    const silent = s.now.getTime() - informer.lastProgress.getTime();
    checks[`informer:${informer.name}`] = silent <= s.stallAfterMs ? 'ok' : `no list, event or bookmark for ${silent} ms (bound ${s.stallAfterMs} ms)`;
  }
  return report(checks);
}

export function readyz(s: ReplicaState): HealthReport {
  if (!s.leading) {
    if (s.leaseDurationMs === undefined) return report({ lease: 'ok' });
    const since = s.leaseContact ? s.now.getTime() - s.leaseContact.getTime() : undefined;
    return report({ lease: since !== undefined && since <= s.leaseDurationMs ? 'ok' : 'the Lease has not been reachable within its duration' });
  }
  if (!s.forwarder) return report({ sync: 'informers listing' });
  const checks: Record<string, string> = { sink: s.forwarder.sinkFailing ? 'sending fails; retrying' : 'ok' };
  for (const i of s.forwarder.informers) checks[`informer:${i.name}`] = i.synced ? 'ok' : 'not listed';
  return report(checks);
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/** Serves /livez and /readyz (200 or 503, with the checks as JSON) on `host:port` (port 0: a free one). */
export async function startHealthServer(state: () => ReplicaState, options: { host: string; port: number }): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const check = path === '/livez' ? livez : path === '/readyz' ? readyz : undefined;
    if (!check) {
      res.writeHead(404).end();
      return;
    }
    const result = check(state());
    const body = JSON.stringify(result);
    res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
