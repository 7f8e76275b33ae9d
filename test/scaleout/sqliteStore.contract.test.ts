// The embedded SQLite store runs the same Store contract as PostgreSQL, so the two stay interchangeable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { storeContract } from './storeContract.ts';

storeContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-contract-'));
  const file = join(dir, 'warroom.db');
  return {
    make: () => createSqliteStore({ file }),
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
