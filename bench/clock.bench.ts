// The virtual clock firing pending timers: 10,000 at once (a 5,000-node rollout's pods, kubelet
// delays and requeues pile up that way), against 1,000 in the same run — linear ≈ 10.
import { VirtualClock } from '../functions/clock';
import { medianMs, type BenchSuite } from './emit';

function fireAll(count: number): void {
  const clock = new VirtualClock();
  let fired = 0;
  for (let i = 0; i < count; i++) clock.setTimer((i * 7919) % 60_000, () => void fired++);
  clock.advance(60_000);
  if (fired !== count) throw new Error(`fired ${fired} of ${count}`);
}

const suite: BenchSuite = {
  name: 'clock',
  async run(emit) {
    const small = await medianMs(() => fireAll(1_000), 21);
    const large = await medianMs(() => fireAll(10_000), 21);
    emit('clock.fire.10000.ms', large, 'ms');
    emit('clock.fire.scaling.10000_over_1000', large / small, 'ratio');
  },
};

export default suite;
