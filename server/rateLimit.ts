/** A token bucket: `burst` events at once, then `perSec` a second. */
export function createTokenBucket(perSec: number, burst: number, now: () => number = () => performance.now()) {
  let tokens = burst;
  let last = now();
  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSec);
    last = t;
  };
  return {
    burst,
    /** Takes `cost` tokens (at most a full bucket: a cost above burst costs the whole bucket). */
    take(cost = 1): boolean {
      refill();
      const c = Math.min(cost, burst);
      if (tokens < c) return false;
      tokens -= c;
      return true;
    },
    /**
     * Charges a cost known only after the work was done (a join answer's size): refused only when
     * the bucket is already empty; otherwise it may go into debt, down to -burst, which the next
     * requests wait out. So a big answer is always servable once, and not twice in a row.
     */
    charge(cost: number): boolean {
      refill();
      if (tokens < 1) return false;
      tokens = Math.max(-burst, tokens - cost);
      return true;
    },
    /** How long until `cost` tokens are there (ms); 0 when they are now. */
    waitMs(cost = 1): number {
      refill();
      const c = Math.min(cost, burst);
      return tokens >= c ? 0 : Math.ceil(((c - tokens) / perSec) * 1000);
    },
  };
}

export type TokenBucket = ReturnType<typeof createTokenBucket>;
