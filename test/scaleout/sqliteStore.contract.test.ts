// The embedded SQLite store, in-thread and on its worker thread, runs the same Store contract as
// PostgreSQL, so the three stay interchangeable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { createThreadedSqliteStore } from '../../server/store/sqliteThreaded.ts';
import { storeContract } from './storeContract.ts';

// Both report kind 'sqlite' (the contract checks it): the second block of the same name is the threaded store.
for (const create of [createSqliteStore, createThreadedSqliteStore]) {
  storeContract('sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warroom-contract-'));
    const file = join(dir, 'warroom.db');
    return {
      make: () => create({ file }),
      async insertRawOp(r) {
        const db = new DatabaseSync(file);
        try {
          db.prepare('INSERT INTO ops (incident_id, seq, op_id, json) VALUES (?, ?, ?, ?)').run(r.incidentId, r.seq, r.opId, r.json);
        } finally {
          db.close();
        }
      },
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}
