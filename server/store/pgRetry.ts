/**
 * PostgreSQL deadlocks (40P01) and serialization failures (40001) mean "the database rolled this
 * transaction back because of another one; run it again": nothing was written. They are retried
 * here, inside the store, so no client ever sees them. The append takes its locks in one order
 * (incident heads sorted by id), which makes deadlocks between appends rare to begin with.
 */
import pg from 'pg';
import { STORE_TX_RETRIES } from '../../shared/constants.ts';

export type TxRetryReason = 'deadlock' | 'serialization';
const REASONS: Record<string, TxRetryReason> = { '40P01': 'deadlock', '40001': 'serialization' };
/** The pause before retry n is n × this, with jitter, so two nodes that collided do not collide again. */
const RETRY_STEP_MS = 10;

/** Counts of retried transactions, read by the server's metrics. */
export type TxRetryCounts = Record<TxRetryReason, number>;

export const retryReasonOf = (e: unknown): TxRetryReason | null =>
  e instanceof pg.DatabaseError && e.code !== undefined && Object.hasOwn(REASONS, e.code) ? REASONS[e.code]! : null;

export async function withTxRetry<T>(fn: () => Promise<T>, counts: TxRetryCounts, retries = STORE_TX_RETRIES): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const reason = retryReasonOf(e);
      if (!reason || attempt > retries) throw e;
      counts[reason]++;
      await new Promise((r) => setTimeout(r, RETRY_STEP_MS * attempt * (0.5 + Math.random())));
    }
  }
}
