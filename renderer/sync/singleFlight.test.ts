import { describe, expect, it } from 'vitest';
import { singleFlight } from './singleFlight.ts';

describe('singleFlight', () => {
  it('runs one at a time, coalesces calls made meanwhile into one more run, then calls after()', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const gates: Array<() => void> = [];
    const afters: number[] = [];
    const f = singleFlight(async () => {
      runs++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((r) => gates.push(r));
      active--;
    }, () => afters.push(runs));
    const first = f.run();
    expect(f.running).toBe(first);
    expect(f.run()).toBe(first);
    expect(f.run()).toBe(first);
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    gates.shift()!();
    await first;
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    expect(afters).toEqual([2]);
    expect(f.running).toBeNull();
  });
});
