// The PostgreSQL store against the real server: the shared Store contract, then what only the
// scale-out store promises (two nodes racing on one incident, gap refusal, pg_dump for backups).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { SeqConflictError, type Store } from '../../server/store/store.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { DATABASE_URL, dropSchema, postgresAvailable, sql, uniqueName } from './services.ts';
import { makeOps, storeContract, type StoreHarness } from './storeContract.ts';

const available = await postgresAvailable();

async function pgHarness(): Promise<StoreHarness> {
  const schema = uniqueName('wr_test');
  return {
    make: () => createPostgresStore({ connectionString: DATABASE_URL, schema }),
    async insertRawOp(r) {
      await sql(`INSERT INTO "${schema}".ops (incident_id, seq, op_id, json, server_time) VALUES ($1, $2, $3, $4::jsonb, 0)`, [r.incidentId, r.seq, r.opId, r.json]);
    },
    dispose: () => dropSchema(schema),
  };
}

describe.skipIf(!available)('PostgreSQL store', () => {
  storeContract('postgres', pgHarness);

  describe('as one of several nodes', () => {
    const schema = uniqueName('wr_nodes');
    const stores: Store[] = [];
    const node = async () => {
      const s = createPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 4 });
      stores.push(s);
      await s.open();
      return s;
    };
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    });
    afterAll(() => dropSchema(schema));

    it('opens the same schema from two nodes at once', async () => {
      const [a, b] = await Promise.all([node(), node()]);
      expect(await a!.ping()).toBe(true);
      expect(await b!.ping()).toBe(true);
    });

    it('keeps one incident gapless with every op exactly once when two nodes race to append', async () => {
      const incidentId = uniqueName('race');
      const [a, b] = await Promise.all([node(), node()]);
      await a!.append(makeOps(incidentId, 1, 1));
      const PER_NODE = 40;
      const stored = new Map<string, CommittedOp>();
      let conflicts = 0;
      // Each node behaves like the server: seq = head it knows + 1; on conflict catch up and retry.
      // Both start from head 1, so their first appends collide for certain.
      const submitAll = async (s: Store, actor: string) => {
        let head = 1;
        for (let i = 0; i < PER_NODE; i++) {
          const op = makeOps(incidentId, head + 1, 1, actor)[0]!;
          for (let attempt = 0; ; attempt++) {
            expect(attempt).toBeLessThan(PER_NODE * 2 + 5); // bounded: a live-lock fails the test
            try {
              await s.append([op]);
              stored.set(op.opId, op);
              head = op.seq;
              break;
            } catch (e) {
              if (!(e instanceof SeqConflictError)) throw e;
              conflicts++;
              const missed = await s.readOps(incidentId, head);
              head = missed.at(-1)?.seq ?? head;
              op.seq = head + 1;
            }
          }
        }
      };
      await Promise.all([submitAll(a!, 'alice'), submitAll(b!, 'bob')]);
      const log = await a!.readOps(incidentId, 0);
      expect(log.map((o) => o.seq)).toEqual(Array.from({ length: 1 + 2 * PER_NODE }, (_, i) => i + 1));
      expect(new Set(log.map((o) => o.opId)).size).toBe(log.length);
      for (const op of stored.values()) expect(log[op.seq - 1]).toEqual(op);
      expect(await b!.readOps(incidentId, 0)).toEqual(log);
      // Not a measurement: only proof that the race really happened, so the test means something.
      expect(conflicts).toBeGreaterThan(0);
    });

    it('quarantines a bad row once when two nodes open at the same time', async () => {
      const incidentId = uniqueName('bad');
      await (await node()).append(makeOps(incidentId, 1, 2));
      await sql(`INSERT INTO "${schema}".ops (incident_id, seq, op_id, json, server_time) VALUES ($1, 3, $2, '{"nope":1}', 0)`, [incidentId, incidentId]);
      const [a, b] = [createPostgresStore({ connectionString: DATABASE_URL, schema }), createPostgresStore({ connectionString: DATABASE_URL, schema })];
      stores.push(a, b);
      const reports = await Promise.all([a.open(), b.open()]);
      const moved = reports.flatMap((r) => r.quarantined).filter((q) => q.incidentId === incidentId);
      expect(moved.map((q) => q.seq)).toEqual([3]);
      expect((await a.quarantined()).filter((q) => q.incidentId === incidentId)).toHaveLength(1);
      expect(await b.readOps(incidentId, 0)).toHaveLength(2);
    });

    it('refuses an append that would leave a gap, and names it', async () => {
      const s = await node();
      const incidentId = uniqueName('gap');
      await s.append(makeOps(incidentId, 1, 2));
      await expect(s.append(makeOps(incidentId, 4, 1))).rejects.toThrow(/would leave a gap after seq 2/);
      await expect(s.append([...makeOps(incidentId, 3, 1), ...makeOps(incidentId, 5, 1)])).rejects.toThrow(/gap/);
      expect(await s.headSeq(incidentId)).toBe(2);
    });

    it('says to use pg_dump when asked for a backup', async () => {
      const s = await node();
      await expect(s.backup('/tmp/never-written.db')).rejects.toThrow(/pg_dump/);
    });
  });

  describe('schema option', () => {
    const schemas = [uniqueName('wr_iso'), uniqueName('wr_iso')];
    beforeAll(async () => {
      for (const schema of schemas) {
        const s = createPostgresStore({ connectionString: DATABASE_URL, schema });
        await s.open();
        await s.append(makeOps(`only-in-${schema}`, 1, 1));
        await s.close();
      }
    });
    afterAll(() => Promise.all(schemas.map(dropSchema)));

    it('keeps each schema apart', async () => {
      for (const schema of schemas) {
        const s = createPostgresStore({ connectionString: DATABASE_URL, schema });
        await s.open();
        expect(await s.listIncidentIds()).toEqual([`only-in-${schema}`]);
        await s.close();
      }
    });

    it('refuses a schema name that is not a plain identifier', () => {
      expect(() => createPostgresStore({ connectionString: DATABASE_URL, schema: 'x"; DROP TABLE ops; --' })).toThrow(/schema name/);
    });
  });
});
