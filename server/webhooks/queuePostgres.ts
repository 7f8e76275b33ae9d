/** The webhook queue in PostgreSQL, in the War Room schema, through a small pool of its own. */
import pg from 'pg';
import { HEAD_ORDER, LAST_ATTEMPT_SQL, num, STATUS_SQL, TABLES_SQL, type Delivery, type WebhookQueue, type WebhookStatusRow } from './queue.ts';
import { inTransaction } from '../pgTransaction.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
type Row = Record<string, unknown>;

export function createPostgresWebhookQueue(options: { connectionString: string; schema?: string }): WebhookQueue {
  const schema = options.schema ?? 'public';
  if (!IDENTIFIER.test(schema)) throw new Error(`PostgreSQL schema name "${schema}" must be lower-case letters, digits and _.`);
  const deliveries = `"${schema}".webhook_deliveries`;
  const leases = `"${schema}".webhook_leases`;
  let pool: pg.Pool | null = null;
  const need = () => {
    if (!pool) throw new Error('webhook queue is not open');
    return pool;
  };
  const toDelivery = (r: Row): Delivery => ({
    id: Number(r.id), webhookId: String(r.webhook_id), eventId: String(r.event_id), event: String(r.event),
    attempts: Number(r.attempts), nextAt: Number(r.next_at), createdAt: Number(r.created_at),
  });
  return {
    async open() {
      const p = new pg.Pool({ connectionString: options.connectionString, max: 3, application_name: 'warroom-webhooks' });
      p.on('error', () => undefined);
      await inTransaction(p, async (c) => {
        // Nodes starting together must not race on CREATE TABLE IF NOT EXISTS.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['warroom-webhooks', schema]);
        await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        for (const sql of TABLES_SQL({ deliveries, leases, serial: 'BIGSERIAL PRIMARY KEY', big: 'BIGINT' })) await c.query(sql);
      });
      pool = p;
    },
    async close() {
      await pool?.end();
      pool = null;
    },
    async enqueue(webhookIds, eventId, event, order, now) {
      if (webhookIds.length === 0) return 0;
      const r = await need().query(
        `INSERT INTO ${deliveries} (webhook_id, event_id, event, event_at, event_seq, created_at, next_at)
         SELECT w, $2, $3, $5, $6, $4, $4 FROM unnest($1::text[]) WITH ORDINALITY AS u(w, n) ORDER BY n
         ON CONFLICT (webhook_id, event_id) DO NOTHING`,
        [webhookIds, eventId, event, now, order.at, order.seq],
      );
      return r.rowCount ?? 0;
    },
    async lease(webhookId, holder, now, ms) {
      const r = await need().query(
        `INSERT INTO ${leases} (webhook_id, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (webhook_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE ${leases}.holder = EXCLUDED.holder OR ${leases}.expires_at < $4`,
        [webhookId, holder, now + ms, now],
      );
      return r.rowCount === 1;
    },
    async release(webhookId, holder) {
      await need().query(`UPDATE ${leases} SET expires_at = 0 WHERE webhook_id = $1 AND holder = $2`, [webhookId, holder]);
    },
    async head(webhookId) {
      const r = await need().query<Row>(`SELECT * FROM ${deliveries} WHERE webhook_id = $1 AND state = 'pending' ${HEAD_ORDER}`, [webhookId]);
      return r.rows[0] ? toDelivery(r.rows[0]) : null;
    },
    async delivered(id, status, now) {
      await need().query(
        `UPDATE ${deliveries} SET state = 'delivered', attempts = attempts + 1, last_status = $2, last_error = NULL, last_attempt_at = $3, delivered_at = $3 WHERE id = $1`,
        [id, status, now],
      );
    },
    async failed(id, attempts, nextAt, status, error, dead, now) {
      await need().query(
        `UPDATE ${deliveries} SET state = $2, attempts = $3, next_at = $4, last_status = $5, last_error = $6, last_attempt_at = $7 WHERE id = $1`,
        [id, dead ? 'dead' : 'pending', attempts, nextAt, status, error.slice(0, 500), now],
      );
    },
    async newestEventAt() {
      return num((await need().query<Row>(`SELECT MAX(event_at) AS at FROM ${deliveries}`)).rows[0]?.at);
    },
    async status() {
      const p = need();
      const rows = (await p.query<Row>(STATUS_SQL(deliveries))).rows;
      const out: WebhookStatusRow[] = [];
      for (const r of rows) {
        const l = (await p.query<Row>(LAST_ATTEMPT_SQL(deliveries, '$1'), [String(r.webhook_id)])).rows[0];
        out.push({
          webhookId: String(r.webhook_id), pending: Number(r.pending), delivered: Number(r.delivered), dead: Number(r.dead),
          lastStatus: num(l?.last_status), lastError: (l?.last_error as string | null | undefined) ?? null,
          lastAttemptAt: num(r.last_attempt_at), lastDeliveredAt: num(r.last_delivered_at),
        });
      }
      return out;
    },
  };
}
