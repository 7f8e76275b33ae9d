// The webhook queue contract on both backends: dedupe by (webhook, event), commit order not insert
// order, one lease holder at a time with takeover after expiry, status rows.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookQueue } from '../../server/webhooks/queue.ts';
import { createPostgresWebhookQueue } from '../../server/webhooks/queuePostgres.ts';
import { createSqliteWebhookQueue } from '../../server/webhooks/queueSqlite.ts';
import { removeDir, tempDir } from '../server/helpers.ts';
import { DATABASE_URL, dropSchema, postgresAvailable, uniqueName } from '../scaleout/services.ts';

const pgUp = await postgresAvailable();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const backends: { name: string; up: boolean; make: () => WebhookQueue }[] = [
  {
    name: 'SQLite', up: true, make: () => {
      const dir = tempDir('warroom-queue-');
      cleanup.push(() => removeDir(dir));
      return createSqliteWebhookQueue(join(dir, 'warroom.db'));
    },
  },
  {
    name: 'PostgreSQL', up: pgUp, make: () => {
      const schema = uniqueName('wr_queue');
      cleanup.push(() => dropSchema(schema));
      return createPostgresWebhookQueue({ connectionString: DATABASE_URL, schema });
    },
  },
];

for (const b of backends) {
  describe.skipIf(!b.up)(`webhook queue on ${b.name}`, () => {
    async function open(): Promise<WebhookQueue> {
      const q = b.make();
      await q.open();
      cleanup.push(() => q.close());
      return q;
    }

    it('keeps one delivery per (webhook, event) and hands them out in commit order, not insert order', async () => {
      const q = await open();
      await q.enqueue(['w1', 'w2'], 'e2', '{"n":2}', { at: 1_000, seq: 2 }, 10);
      await q.enqueue(['w1', 'w2'], 'e1', '{"n":1}', { at: 1_000, seq: 1 }, 11);
      await q.enqueue(['w1'], 'e1', '{"n":"again"}', { at: 1_000, seq: 1 }, 12);
      const head = await q.head('w1');
      expect(head).toMatchObject({ eventId: 'e1', event: '{"n":1}', attempts: 0, createdAt: 11 });
      await q.delivered(head!.id, 204, 20);
      expect(await q.head('w1')).toMatchObject({ eventId: 'e2' });
      expect(await q.head('w2')).toMatchObject({ eventId: 'e1' });
    });

    it('re-enqueueing (the reconcile pass) adds only missing rows and never resets a delivered one', async () => {
      const q = await open();
      expect(await q.newestEventAt()).toBeNull();
      expect(await q.enqueue(['w1', 'w2'], 'e1', '{"n":1}', { at: 1_000, seq: 1 }, 10)).toBe(2);
      const head = (await q.head('w1'))!;
      await q.delivered(head.id, 204, 20);
      expect(await q.enqueue(['w1', 'w2', 'w3'], 'e1', '{"n":"again"}', { at: 1_000, seq: 1 }, 30)).toBe(1);
      expect(await q.enqueue(['w1', 'w2', 'w3'], 'e1', '{"n":"again"}', { at: 1_000, seq: 1 }, 31)).toBe(0);
      expect(await q.head('w1')).toBeNull();
      expect(await q.head('w2')).toMatchObject({ eventId: 'e1', event: '{"n":1}', createdAt: 10 });
      expect((await q.status()).find((r) => r.webhookId === 'w1')).toMatchObject({ delivered: 1, pending: 0 });
      await q.enqueue(['w1'], 'e2', '{}', { at: 2_500, seq: 2 }, 40);
      expect(await q.newestEventAt()).toBe(2_500);
    });

    it('a failed attempt stays at the head until delivered or given up', async () => {
      const q = await open();
      await q.enqueue(['w1'], 'e1', '{}', { at: 1, seq: 1 }, 1);
      await q.enqueue(['w1'], 'e2', '{}', { at: 2, seq: 1 }, 1);
      const h = (await q.head('w1'))!;
      await q.failed(h.id, 1, 500, 503, 'HTTP 503', false, 5);
      expect(await q.head('w1')).toMatchObject({ eventId: 'e1', attempts: 1, nextAt: 500 });
      await q.failed(h.id, 2, 900, null, 'connect ECONNREFUSED', true, 6);
      expect(await q.head('w1')).toMatchObject({ eventId: 'e2' });
      expect(await q.status()).toEqual([{ webhookId: 'w1', pending: 1, delivered: 0, dead: 1, lastStatus: null, lastError: 'connect ECONNREFUSED', lastAttemptAt: 6, lastDeliveredAt: null }]);
    });

    it('one lease holder at a time; another takes over after expiry or release', async () => {
      const q = await open();
      expect(await q.lease('w1', 'node-a', 1_000, 100)).toBe(true);
      expect(await q.lease('w1', 'node-b', 1_050, 100)).toBe(false);
      expect(await q.lease('w1', 'node-a', 1_050, 100)).toBe(true);
      // node-a stops renewing (killed): its lease ran to 1 150.
      expect(await q.lease('w1', 'node-b', 1_149, 100)).toBe(false);
      expect(await q.lease('w1', 'node-b', 1_151, 100)).toBe(true);
      await q.release('w1', 'node-b');
      expect(await q.lease('w1', 'node-a', 1_160, 100)).toBe(true);
    });
  });
}
