/**
 * The durable outbound-webhook queue, in the server's own database but in tables of its own
 * (webhook_deliveries, webhook_leases), through its own connection: SQLite (queueSqlite.ts) or
 * PostgreSQL (queuePostgres.ts). A delivery row is unique per (webhook, event), so enqueueing an
 * event twice is harmless; rows of one webhook are delivered in id order; a lease per webhook
 * makes one node of a cluster its only sender at a time.
 */

export interface Delivery {
  id: number;
  webhookId: string;
  eventId: string;
  /** The event as JSON, exactly as it was enqueued. */
  event: string;
  attempts: number;
  nextAt: number;
  /** When the row was written; it is delivered only once WEBHOOK_SETTLE_MS old (see enqueue). */
  createdAt: number;
}

export interface WebhookStatusRow {
  webhookId: string;
  pending: number;
  delivered: number;
  dead: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  lastDeliveredAt: number | null;
}

export interface WebhookQueue {
  open(): Promise<void>;
  close(): Promise<void>;
  /**
   * Adds one delivery per webhook for the event; an (webhook, event) pair already queued is skipped.
   * Rows are ordered by (eventAt, seq), the commit order, not by insertion: two nodes' inserts can
   * land in either order, so the head waits until it is WEBHOOK_SETTLE_MS old before it goes.
   * Resolves with the rows it added (0 when every webhook had the event already, in any state:
   * a delivered or given-up row is never reset, so re-enqueueing never sends an event twice).
   */
  enqueue(webhookIds: readonly string[], eventId: string, event: string, order: { at: number; seq: number }, now: number): Promise<number>;
  /** Takes or renews the webhook's lease for `holder` until now + ms; false while another holder has it. */
  lease(webhookId: string, holder: string, now: number, ms: number): Promise<boolean>;
  release(webhookId: string, holder: string): Promise<void>;
  /** The oldest delivery of the webhook not yet delivered or given up. */
  head(webhookId: string): Promise<Delivery | null>;
  delivered(id: number, status: number, now: number): Promise<void>;
  /** A failed attempt: retried at nextAt, or given up when dead. */
  failed(id: number, attempts: number, nextAt: number, status: number | null, error: string, dead: boolean, now: number): Promise<void>;
  status(): Promise<WebhookStatusRow[]>;
  /** The newest queued event's commit time (any webhook, any state), null when the queue is empty: where a crash cut the queue off. */
  newestEventAt(): Promise<number | null>;
}

export const TABLES_SQL = (t: { deliveries: string; leases: string; serial: string; big: string }) => [
  `CREATE TABLE IF NOT EXISTS ${t.deliveries} (
    id ${t.serial},
    webhook_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event TEXT NOT NULL,
    event_at ${t.big} NOT NULL,
    event_seq ${t.big} NOT NULL,
    created_at ${t.big} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at ${t.big} NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    last_status INTEGER,
    last_error TEXT,
    last_attempt_at ${t.big},
    delivered_at ${t.big},
    UNIQUE (webhook_id, event_id)
  )`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON ${t.deliveries} (webhook_id, state, event_at, event_seq, id)`,
  `CREATE TABLE IF NOT EXISTS ${t.leases} (webhook_id TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at ${t.big} NOT NULL)`,
];

export const STATUS_SQL = (deliveries: string) => `
  SELECT webhook_id,
    SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending,
    SUM(CASE WHEN state = 'delivered' THEN 1 ELSE 0 END) AS delivered,
    SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) AS dead,
    MAX(last_attempt_at) AS last_attempt_at,
    MAX(delivered_at) AS last_delivered_at
  FROM ${deliveries} GROUP BY webhook_id ORDER BY webhook_id`;

export const LAST_ATTEMPT_SQL = (deliveries: string, p: string) => `
  SELECT last_status, last_error FROM ${deliveries}
  WHERE webhook_id = ${p} AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC, id DESC LIMIT 1`;

export const HEAD_ORDER = 'ORDER BY event_at, event_seq, id LIMIT 1';

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
