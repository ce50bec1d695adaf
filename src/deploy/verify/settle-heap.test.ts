import { expect, it } from 'vitest';
import { settleHeap } from './settle-heap.js';

it('collects unreachable objects now, every time it is called', async () => {
  for (let i = 0; i < 2; i++) {
    const ref = new WeakRef({ payload: new Array(10_000).fill(i) });
    // A WeakRef's target stays alive until the job that created or read it has ended.
    await new Promise((resolve) => setImmediate(resolve));
    settleHeap();
    expect(ref.deref()).toBeUndefined();
  }
});
