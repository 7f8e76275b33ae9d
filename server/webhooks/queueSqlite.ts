/** The webhook queue in the embedded SQLite file, on a connection of its own (WAL lets it share the file). */
import { DatabaseSync } from 'node:sqlite';
import { HEAD_ORDER, LAST_ATTEMPT_SQL, num, STATUS_SQL, TABLES_SQL, type Delivery, type WebhookQueue, type WebhookStatusRow } from './queue.ts';

type Row = Record<string, unknown>;

export function createSqliteWebhookQueue(file: string): WebhookQueue {
  let db: DatabaseSync | null = null;
  const need = () => {
    if (!db) throw new Error('webhook queue is not open');
    return db;
  };
  const toDelivery = (r: Row): Delivery => ({
    id: Number(r.id), webhookId: String(r.webhook_id), eventId: String(r.event_id), event: String(r.event),
    attempts: Number(r.attempts), nextAt: Number(r.next_at), createdAt: Number(r.created_at),
  });
  return {
    async open() {
      const d = new DatabaseSync(file);
      d.exec('PRAGMA busy_timeout = 5000');
      d.exec('PRAGMA journal_mode = WAL');
      for (const sql of TABLES_SQL({ deliveries: 'webhook_deliveries', leases: 'webhook_leases', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT', big: 'INTEGER' })) d.exec(sql);
      db = d;
    },
    async close() {
      db?.close();
      db = null;
    },
    async enqueue(webhookIds, eventId, event, order, now) {
      const d = need();
      const stmt = d.prepare('INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_id, event, event_at, event_seq, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
      let added = 0;
      d.exec('BEGIN IMMEDIATE');
      try {
        for (const id of webhookIds) added += Number(stmt.run(id, eventId, event, order.at, order.seq, now, now).changes);
        d.exec('COMMIT');
        return added;
      } catch (e) {
        d.exec('ROLLBACK');
        throw e;
      }
    },
    async lease(webhookId, holder, now, ms) {
      const d = need();
      d.prepare('INSERT OR IGNORE INTO webhook_leases (webhook_id, holder, expires_at) VALUES (?, ?, 0)').run(webhookId, holder);
      const r = d.prepare('UPDATE webhook_leases SET holder = ?, expires_at = ? WHERE webhook_id = ? AND (holder = ? OR expires_at < ?)')
        .run(holder, now + ms, webhookId, holder, now);
      return Number(r.changes) === 1;
    },
    async release(webhookId, holder) {
      need().prepare('UPDATE webhook_leases SET expires_at = 0 WHERE webhook_id = ? AND holder = ?').run(webhookId, holder);
    },
    async head(webhookId) {
      const r = need().prepare(`SELECT * FROM webhook_deliveries WHERE webhook_id = ? AND state = 'pending' ${HEAD_ORDER}`).get(webhookId) as Row | undefined;
      return r ? toDelivery(r) : null;
    },
    async delivered(id, status, now) {
      need().prepare(`UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, last_attempt_at = ?, delivered_at = ? WHERE id = ?`)
        .run(status, now, now, id);
    },
    async failed(id, attempts, nextAt, status, error, dead, now) {
      need().prepare('UPDATE webhook_deliveries SET state = ?, attempts = ?, next_at = ?, last_status = ?, last_error = ?, last_attempt_at = ? WHERE id = ?')
        .run(dead ? 'dead' : 'pending', attempts, nextAt, status, error.slice(0, 500), now, id);
    },
    async newestEventAt() {
      return num((need().prepare('SELECT MAX(event_at) AS at FROM webhook_deliveries').get() as Row | undefined)?.at);
    },
    async status() {
      const d = need();
      const last = d.prepare(LAST_ATTEMPT_SQL('webhook_deliveries', '?'));
      return (d.prepare(STATUS_SQL('webhook_deliveries')).all() as Row[]).map((r): WebhookStatusRow => {
        const l = last.get(String(r.webhook_id)) as Row | undefined;
        return {
          webhookId: String(r.webhook_id), pending: Number(r.pending), delivered: Number(r.delivered), dead: Number(r.dead),
          lastStatus: num(l?.last_status), lastError: (l?.last_error as string | null | undefined) ?? null,
          lastAttemptAt: num(r.last_attempt_at), lastDeliveredAt: num(r.last_delivered_at),
        };
      });
    },
  };
}
