// The in-process FIFO queue keeps SQS FIFO's promises: order and one batch at a time per group,
// redelivery of what failed, and deduplication by id within the window.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/clock';
import { LocalFifoQueue, type FifoMessage } from '../../functions/local/fifo-queue';
import { WorkTracker } from '../../functions/local/work-tracker';

function setup(options = {}) {
  const clock = new VirtualClock();
  const work = new WorkTracker();
  const queue = new LocalFifoQueue(clock, work, options);
  return { clock, work, queue };
}

describe('LocalFifoQueue', () => {
  it('delivers each group in order, never two batches of one group at once', async () => {
    const { work, queue } = setup({ batchSize: 2 });
    const seen: string[] = [];
    const active = new Set<string>();
    let overlap = false;
    queue.consume(async (batch) => {
      const group = batch[0]!.groupId;
      if (active.has(group)) overlap = true;
      active.add(group);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(...batch.map((m) => m.body));
      active.delete(group);
      return [];
    });
    for (let i = 0; i < 5; i++) {
      queue.send({ body: `a${i}`, groupId: 'a', dedupId: `a${i}` });
      queue.send({ body: `b${i}`, groupId: 'b', dedupId: `b${i}` });
    }
    await work.whenIdle();
    expect(overlap).toBe(false);
    expect(seen.filter((b) => b.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(seen.filter((b) => b.startsWith('b'))).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(queue.depth).toBe(0);
  });

  it('accepts but does not deliver a dedup id seen within five minutes, and delivers it after', async () => {
    const { clock, work, queue } = setup();
    const seen: string[] = [];
    queue.consume(async (batch) => {
      seen.push(...batch.map((m) => m.body));
      return [];
    });
    queue.send({ body: 'first', groupId: 'g', dedupId: 'same' });
    queue.send({ body: 'second', groupId: 'g', dedupId: 'same' });
    await work.whenIdle();
    clock.advance(5 * 60_000);
    queue.send({ body: 'third', groupId: 'g', dedupId: 'same' });
    await work.whenIdle();
    expect(seen).toEqual(['first', 'third']);
  });

  it('redelivers a failed message after the visibility timeout, holding back its group meanwhile', async () => {
    const { clock, work, queue } = setup({ visibilityTimeoutMs: 1_000 });
    const deliveries: string[] = [];
    let failOnce = true;
    queue.consume(async (batch) => {
      deliveries.push(batch.map((m) => `${m.body}#${m.receiveCount}`).join(','));
      if (failOnce) {
        failOnce = false;
        return batch.map((m) => m.messageId);
      }
      return [];
    });
    queue.send({ body: 'x', groupId: 'g', dedupId: 'x' });
    await work.whenIdle();
    queue.send({ body: 'y', groupId: 'g', dedupId: 'y' });
    await work.whenIdle();
    expect(deliveries).toEqual(['x#1']); // y waits behind x
    clock.advance(1_000);
    await work.whenIdle();
    expect(deliveries).toEqual(['x#1', 'x#2,y#1']);
  });

  it('treats a consumer that throws as a failure of the whole batch, and dead-letters after maxReceiveCount', async () => {
    const { clock, work, queue } = setup({ visibilityTimeoutMs: 10, maxReceiveCount: 3 });
    let calls = 0;
    queue.consume(async (_batch: FifoMessage[]) => {
      calls++;
      throw new Error('boom');
    });
    queue.send({ body: 'poison', groupId: 'g', dedupId: 'p' });
    for (let i = 0; i < 5; i++) {
      await work.whenIdle();
      clock.advanceToNext();
    }
    await work.whenIdle();
    expect(calls).toBe(3);
    expect(queue.deadLetters.map((m) => m.body)).toEqual(['poison']);
    expect(queue.depth).toBe(0);
  });
});
