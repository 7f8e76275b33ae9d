/**
 * What `warroom token create` needs beyond flags: the address the running server really uses
 * (so a link never points at port 4000 when the server listens elsewhere) and whether the
 * incident an invite names exists (an invite to nothing would fail only when someone clicks it).
 */
import { DatabaseSync } from 'node:sqlite';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dbFileOf } from './dataDir.ts';

export const SERVER_URL_FILE = 'server-url';

/** Written by `serve` once listening: the public address invites should carry. */
export function recordServerUrl(dataDir: string, publicUrl: string): void {
  try {
    writeFileSync(join(dataDir, SERVER_URL_FILE), `${publicUrl}\n`);
  } catch {
    // A read-only data dir only costs `token create` its guess; serving goes on.
  }
}

/** The address recorded by the last `serve` on this data dir, or null. */
export function recordedServerUrl(dataDir: string): string | null {
  try {
    const url = readFileSync(join(dataDir, SERVER_URL_FILE), 'utf8').trim();
    return /^https?:\/\//.test(url) ? url : null;
  } catch {
    return null;
  }
}

/** Whether the store under dataDir (SQLite) or at databaseUrl (PostgreSQL) holds the incident. */
export async function incidentExists(incidentId: string, where: { dataDir: string; databaseUrl?: string | undefined }): Promise<boolean> {
  if (where.databaseUrl) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: where.databaseUrl });
    await client.connect();
    try {
      const r = await client.query('SELECT 1 FROM ops WHERE incident_id = $1 LIMIT 1', [incidentId]);
      return (r.rowCount ?? 0) > 0;
    } finally {
      await client.end();
    }
  }
  const file = dbFileOf(where.dataDir);
  if (!existsSync(file)) return false;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare('SELECT 1 AS one FROM ops WHERE incident_id = ? LIMIT 1').get(incidentId) !== undefined;
  } catch (e) {
    if ((e as Error).message.includes('no such table')) return false;
    throw e;
  } finally {
    db.close();
  }
}
