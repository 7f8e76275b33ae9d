/** A token bucket: `burst` events at once, then `perSec` a second. */
export function createTokenBucket(perSec: number, burst: number, now: () => number = () => performance.now()) {
  let tokens = burst;
  let last = now();
  return {
    take(cost = 1): boolean {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSec);
      last = t;
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
}

export type TokenBucket = ReturnType<typeof createTokenBucket>;
