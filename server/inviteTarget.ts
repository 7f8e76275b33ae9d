/**
 * What `warroom token create` needs beyond its flags: the address the running server really uses
 * (so a link never points at port 4000 when the server listens elsewhere) and whether the
 * incident an invite names exists (an invite to nothing would fail only when someone clicks it).
 */
import { DatabaseSync } from 'node:sqlite';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
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

/**
 * The data dir and, for `token create`, the incident named, read leniently from the arguments
 * before the token command parses them strictly (and reports any mistake itself).
 */
export function tokenPreflight(args: string[], env: Record<string, string | undefined>): { dataDir: string; incident: string | null } {
  let values: { 'data-dir'?: string | boolean; incident?: string | boolean } = {};
  let sub: string | undefined;
  try {
    const r = parseArgs({ args, strict: false, allowPositionals: true, options: { 'data-dir': { type: 'string' }, incident: { type: 'string' } } });
    values = r.values;
    sub = r.positionals[0];
  } catch {
    // Left to the strict parser.
  }
  const dir = typeof values['data-dir'] === 'string' ? values['data-dir'] : env.WARROOM_DATA_DIR ?? './.warroom';
  const incident = sub === 'create' && typeof values.incident === 'string' ? values.incident : null;
  return { dataDir: resolve(dir), incident };
}
