// The cluster's QPS holds across concurrent reconciles: ten Lambda environments, each with its own
// client-node ClusterApi, send to one API server (the simulator over HTTP) through the shared
// bucket in one dynalite table — and stay within qps/burst, where ten private buckets send ten times it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLogTable } from '../../../functions/adapters/event-store/table';
import { EVENT_LOG_TABLE_NAME } from '../../../functions/adapters/event-store/keys';
import { KubernetesCluster } from '../../../functions/adapters/kubernetes/kubernetes-cluster';
import { SharedTokenBucket } from '../../../functions/adapters/kubernetes/shared-token-bucket';
import { TokenBucket, type RateLimiter } from '../../../functions/adapters/kubernetes/rate-limiter';
import { VirtualClock } from '../../../functions/clock';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../../functions/local/dynalite-server';
import { quiescent } from '../../../functions/local/quiescence';
import { WorkTracker } from '../../../functions/local/work-tracker';
import { startSimulator, type StartedSimulator } from '../../support/simulator';

const QPS = 20;
const BURST = 30;
const ENVIRONMENTS = 10;
const CALLS_EACH = 8;

let dynamodb: LocalDynamoDb;
let s: StartedSimulator;
const clock = new VirtualClock(new Date(Date.UTC(2026, 0, 1)));
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
  await createEventLogTable(dynamodb.client, EVENT_LOG_TABLE_NAME);
  s = await startSimulator({ clock });
});
afterAll(async () => {
  await s.close();
  await dynamodb.close();
});

/** Runs ten environments' calls at once on the virtual clock; the API server's request times (ms). */
async function tenReconciles(limiterFor: (limiterClock: typeof clock) => RateLimiter): Promise<number[]> {
  const work = new WorkTracker();
  const limiterClock = work.sleepsUntracked(clock) as VirtualClock;
  const seen: number[] = [];
  s.sim.requestListener = () => seen.push(clock.now().getTime());
  let running = ENVIRONMENTS;
  for (let e = 0; e < ENVIRONMENTS; e++) {
    const api = new KubernetesCluster(s.kubeConfig, { clock: limiterClock, limiter: limiterFor(limiterClock) });
    void work.track(async () => {
      for (let i = 0; i < CALLS_EACH; i++) await api.deletePod('default', `gone-${e}-${i}`, 'uid'); // 404: already done, still a request
      running--;
    });
  }
  while (running > 0) {
    await quiescent(work); // every environment waits for time (or is done): move the clock
    if (running > 0) clock.advanceToNext();
  }
  s.sim.requestListener = undefined;
  return seen;
}

/** The most requests in any window of `ms` starting at a request. */
const busiestWindow = (times: number[], ms: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! < sorted[i]! - ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
};

describe('SharedTokenBucket', () => {
  it("keeps ten concurrent reconciles of one cluster within the cluster's QPS and burst", { timeout: 120_000 }, async () => {
    const lease = Math.floor(QPS / 4);
    const times = await tenReconciles((c) => new SharedTokenBucket(dynamodb.client, EVENT_LOG_TABLE_NAME, 'c1', c, { qps: QPS, burst: BURST }));
    expect(times).toHaveLength(ENVIRONMENTS * CALLS_EACH);
    // A token bucket's promise: at most burst + qps·w in any window w (plus one lease per environment in hand).
    for (const seconds of [1, 2, 5]) expect(busiestWindow(times, seconds * 1000)).toBeLessThanOrEqual(BURST + QPS * seconds + lease);
    const span = (Math.max(...times) - Math.min(...times)) / 1000;
    expect(span).toBeGreaterThanOrEqual((times.length - BURST - ENVIRONMENTS * lease) / QPS);
  });

  it('is what the per-environment buckets lacked: ten of them send ten bursts at once', async () => {
    const times = await tenReconciles((c) => new TokenBucket(c, QPS, BURST));
    expect(busiestWindow(times, 1000)).toBeGreaterThan(BURST + QPS * 1 + Math.floor(QPS / 4));
  });
});
