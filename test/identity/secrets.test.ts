/** WARROOM_SECRET rules: too short is refused; a database-backed node without one is refused. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { removeDir, startServer, tempDir } from '../server/helpers.ts';

const CLI = resolve(import.meta.dirname, '../../server/cli.ts');
// Never contacted: the refusals come before any connection.
const NOWHERE = 'postgres://nobody@127.0.0.1:1/none';

function cli(args: string[], env: Record<string, string>) {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.WARROOM_SECRET;
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...base, ...env } });
}

describe('the secret', () => {
  it('a WARROOM_SECRET shorter than 32 characters is refused with a sentence (server factory and CLI)', async () => {
    const dir = tempDir();
    try {
      await expect(startServer(dir, { secret: 'abc' })).rejects.toThrow('WARROOM_SECRET is 3 characters long; War Room needs at least 32');
      const r = cli(['serve', '--port', '0', '--data-dir', dir], { WARROOM_SECRET: 'abc' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('WARROOM_SECRET is 3 characters long; War Room needs at least 32 (for example: openssl rand -hex 32)');
      const t = cli(['token', 'create', '--role', 'lead', '--data-dir', dir], { WARROOM_SECRET: 'x'.repeat(31) });
      expect(t.status).toBe(1);
      expect(t.stderr).toContain('is 31 characters long');
      expect(cli(['token', 'create', '--role', 'lead', '--data-dir', dir], { WARROOM_SECRET: 'x'.repeat(32) }).status).toBe(0);
    } finally {
      removeDir(dir);
    }
  });

  it('a PostgreSQL-backed node without WARROOM_SECRET is refused: a cluster needs one shared secret', async () => {
    const dir = tempDir();
    try {
      const store = createPostgresStore({ connectionString: NOWHERE });
      const access = createPostgresAccess({ connectionString: NOWHERE });
      await expect(startServer(dir, {}, { store, access })).rejects.toThrow('A database-backed node needs WARROOM_SECRET');
      const r = cli(['serve', '--port', '0', '--data-dir', dir], { DATABASE_URL: NOWHERE });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('A database-backed node needs WARROOM_SECRET: every node of a cluster must sign with the same secret');
      const t = cli(['token', 'create', '--role', 'lead', '--data-dir', dir], { DATABASE_URL: NOWHERE });
      expect(t.status).toBe(1);
      expect(t.stderr).toContain('DATABASE_URL is set but WARROOM_SECRET is not');
      // Nothing was made up in the data dir for it.
      expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout).not.toContain('secret');
    } finally {
      removeDir(dir);
    }
  });

  it('a PostgreSQL store with the per-node SQLite registry is refused (bindings must reach every node)', async () => {
    const dir = tempDir();
    try {
      await expect(startServer(dir, { secret: 's'.repeat(40) }, { store: createPostgresStore({ connectionString: NOWHERE }) }))
        .rejects.toThrow('needs the PostgreSQL access registry');
    } finally {
      removeDir(dir);
    }
  });
});
