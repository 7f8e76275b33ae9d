// The SQLite store on its worker thread runs the same Store contract as the in-thread one and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createThreadedSqliteStore } from '../../server/store/sqliteThreaded.ts';
import { storeContract } from '../scaleout/storeContract.ts';

storeContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-contract-threaded-'));
  const file = join(dir, 'warroom.db');
  return {
    make: () => createThreadedSqliteStore({ file }),
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
