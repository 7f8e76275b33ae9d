// Concurrent writers on three nodes sharing one PostgreSQL schema, each burst touching several
// incidents in a different order (so one store transaction holds ops of several incidents): the
// store takes its locks in one order and retries deadlocks and serialization failures itself, so
// clients never see INTERNAL; a batch that loses every seq race is SEQ_CONFLICT, transient, and
// goes through when sent again. Every op is stored once, every log gapless.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransient, type ErrorCode } from '../../shared/errors.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { attachFanout } from '../../server/fanout.ts';
import pg from 'pg';
import { withTxRetry, type TxRetryCounts } from '../../server/store/pgRetry.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, type Client } from '../server/helpers.ts';
import { DATABASE_URL, dropSchema, postgresAvailable, uniqueName } from '../scaleout/services.ts';
import type { Op } from '../../shared/ops.ts';

const up = await postgresAvailable();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

type Ack = { ok: true; seq: number } | { ok: false; code: ErrorCode; message: string };

describe.skipIf(!up)('deadlock retry', () => {
  it('a real deadlock (40P01) is rolled back by PostgreSQL and run again inside the store', async () => {
    const schema = uniqueName('wr_dl');
    cleanup.push(() => dropSchema(schema));
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    cleanup.push(() => admin.end());
    await admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO "${schema}".t VALUES (1, 0), (2, 0)`);
    const counts: TxRetryCounts = { deadlock: 0, serialization: 0 };
    let firstDone = 0;
    let bothFirst: () => void = () => undefined;
    const barrier = new Promise<void>((r) => (bothFirst = r));
    // Two transactions taking the same two rows in opposite orders: one of them must deadlock.
    const tx = async (a: number, b: number) => {
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      try {
        let attempt = 0;
        await withTxRetry(async () => {
          attempt++;
          await c.query('BEGIN');
          try {
            await c.query(`UPDATE "${schema}".t SET v = v + 1 WHERE id = $1`, [a]);
            if (attempt === 1 && ++firstDone === 2) bothFirst();
            if (attempt === 1) await barrier;
            await c.query(`UPDATE "${schema}".t SET v = v + 1 WHERE id = $1`, [b]);
            await c.query('COMMIT');
          } catch (e) {
            await c.query('ROLLBACK');
            throw e;
          }
        }, counts);
      } finally {
        await c.end();
      }
    };
    await Promise.all([tx(1, 2), tx(2, 1)]);
    expect(counts.deadlock).toBe(1);
    const rows = (await admin.query<{ id: number; v: number }>(`SELECT id, v FROM "${schema}".t ORDER BY id`)).rows;
    expect(rows).toEqual([{ id: 1, v: 2 }, { id: 2, v: 2 }]);
  });
});

describe.skipIf(!up)('concurrent writers on three nodes', () => {
  it('never see a deadlock or an internal refusal; every op stored once', async () => {
    const schema = uniqueName('wr_cont');
    cleanup.push(() => dropSchema(schema));
    const secret = randomBytes(32).toString('hex');
    const nodes: WarRoomServer[] = [];
    for (let i = 0; i < 3; i++) {
      const dir = tempDir('warroom-cont-');
      const node = await startServer(dir, { secret, limits: { rateLimitPerSec: 10_000, rateLimitBurst: 10_000 } }, {
        store: createPostgresStore({ connectionString: DATABASE_URL, schema }),
        access: createPostgresAccess({ connectionString: DATABASE_URL, schema }),
        fanout: (io) => attachFanout(io, { databaseUrl: DATABASE_URL, channel: uniqueName('wr') }),
      });
      cleanup.push(async () => {
        await node.close();
        removeDir(dir);
      });
      nodes.push(node);
    }
    const incidents = ['inc-a', 'inc-b', 'inc-c', 'inc-d'];
    const clients: { socket: Client; id: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `w${i}`;
      const socket = await connect(nodes[i % 3]!.url, { token: nodes[0]!.createToken('lead'), clientId: id });
      cleanup.push(() => void socket.close());
      clients.push({ socket, id });
    }
    for (const inc of incidents) expect(await call(clients[0]!.socket, 'incident:create', op('incident.create', inc, 'w0', { title: inc, severity: 'SEV2' }))).toMatchObject({ ok: true });
    for (const c of clients) {
      for (const inc of incidents) {
        expect(await call(c.socket, 'incident:join', { incidentId: inc, sinceSeq: 0 })).toMatchObject({ ok: true });
        expect(await call(c.socket, 'op:submit', op('member.join', inc, c.id, member(c.id)))).toMatchObject({ ok: true });
      }
    }

    const refusals: string[] = [];
    const stored = new Set<string>();
    const send = async (socket: Client, o: Op) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const r = await call<Ack>(socket, 'op:submit', o);
        if (r.ok) {
          stored.add(o.opId);
          return;
        }
        refusals.push(r.code);
        if (!isTransient(r.code) || r.code === 'INTERNAL') throw new Error(`refused ${r.code}: ${r.message}`);
        await new Promise((res) => setTimeout(res, 20));
      }
      throw new Error('op never acked');
    };
    const ROUNDS = 15;
    const PER_INCIDENT = 3;
    await Promise.all(clients.map(async (c, ci) => {
      for (let round = 0; round < ROUNDS; round++) {
        // Each writer walks the incidents in its own rotation: batches in different orders on different nodes.
        const order = incidents.map((_, k) => incidents[(k + ci + round) % incidents.length]!);
        const burst: Promise<void>[] = [];
        for (const inc of order) {
          for (let k = 0; k < PER_INCIDENT; k++) {
            burst.push(send(c.socket, op('timeline.add', inc, c.id, { entryId: `${c.id}-${round}-${k}`, kind: 'note', text: `r${round} k${k}` })));
          }
        }
        await Promise.all(burst);
      }
    }));
    const total = clients.length * ROUNDS * incidents.length * PER_INCIDENT;
    expect(stored.size).toBe(total);
    expect(refusals.filter((c) => c !== 'SEQ_CONFLICT'), 'refusals other than SEQ_CONFLICT').toEqual([]);

    const reader = createPostgresStore({ connectionString: DATABASE_URL, schema });
    await reader.open();
    cleanup.push(() => reader.close());
    let inLogs = 0;
    for (const inc of incidents) {
      const log = await reader.readOps(inc, 0);
      expect(log.map((o) => o.seq)).toEqual(log.map((_, i) => i + 1));
      inLogs += log.filter((o) => stored.has(o.opId)).length;
      expect(new Set(log.map((o) => o.opId)).size).toBe(log.length);
    }
    expect(inLogs).toBe(total);
    const text = (await Promise.all(nodes.map(async (n) => (await fetch(`${n.url}/metrics`)).text()))).join('\n');
    const sum = (name: string) => text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
    console.log(`[figures] contention: ${total} ops on 3 nodes x 4 incidents; seq conflicts retried ${sum('warroom_seq_conflicts_total')}, `
      + `exhausted ${sum('warroom_seq_conflicts_exhausted_total')}, deadlocks retried ${sum('warroom_store_retries_total{reason="deadlock"}')}, client-visible refusals ${refusals.length} (${[...new Set(refusals)].join(',') || 'none'})`);
  }, 180_000);
});
