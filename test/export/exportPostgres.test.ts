/** `warroom export --database-url`: the same export, read from a real PostgreSQL store (its own database). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatMarkdown, importJson } from '../../shared/export/index.ts';
import { stateHash } from '../../shared/hash.ts';
import { runExportCommand } from '../../server/exportCommand.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { DATABASE_URL, postgresAvailable, sql, uniqueName } from '../scaleout/services.ts';
import { fold } from './kit.ts';
import { richIncident } from './richFixture.ts';

const available = await postgresAvailable();
const { ops } = richIncident();
const AT = '2026-11-30T16:30:00Z';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    return { code: await runExportCommand(argv), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

describe.skipIf(!available)('warroom export from PostgreSQL', () => {
  const db = uniqueName('wr_export');
  const url = new URL(DATABASE_URL);
  url.pathname = `/${db}`;

  beforeAll(async () => {
    await sql(`CREATE DATABASE ${db}`);
    const store = createPostgresStore({ connectionString: url.toString() });
    await store.open();
    await store.append(ops);
    await store.close();
  });
  afterAll(async () => {
    await sql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  });

  it('writes the same postmortem and a JSON that imports back', async () => {
    const md = await run(['--database-url', url.toString(), '--incident', 'black-friday', '--format', 'md', '--exported-at', AT]);
    expect(md).toMatchObject({ code: 0, err: '' });
    expect(md.out).toBe(formatMarkdown(fold(ops), { exportedAt: Date.parse(AT) }));
    const json = await run(['--database-url', url.toString(), '--incident', 'black-friday', '--format', 'json', '--exported-at', AT]);
    const back = await importJson(json.out);
    if (!back.ok) throw new Error(back.message);
    expect(stateHash(back.value.committed)).toBe(stateHash(fold(ops)));
  });

  it('names the database when the incident is not there', async () => {
    const r = await run(['--database-url', url.toString(), '--incident', 'nope', '--format', 'csv']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('No incident "nope" in the PostgreSQL database. Incidents there: black-friday.');
  });
});
