import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatCsv, formatHtml, formatMarkdown, importJson } from '../shared/export/index.ts';
import { stateHash } from '../shared/hash.ts';
import { fold } from '../test/export/kit.ts';
import { richIncident, RICH_EXPORTED_AT } from '../test/export/richFixture.ts';
import { dbFileOf } from './dataDir.ts';
import { runExportCommand } from './exportCommand.ts';
import { createSqliteStore } from './store/sqlite.ts';

const { ops } = richIncident();
const state = fold(ops);
const AT = '2026-11-30T16:30:00Z';
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warroom-export-'));
  const store = createSqliteStore({ file: dbFileOf(dir) });
  await store.open();
  await store.append(ops);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs the command in-process and captures what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  const code = await runExportCommand(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

const base = () => ['--incident', 'black-friday', '--data-dir', dir, '--exported-at', AT];

describe('warroom export against a real SQLite store', () => {
  it('writes the Markdown postmortem the shared formatter makes from the stored log', async () => {
    const file = join(dir, 'out', 'pm.md');
    const r = await run(...base(), '--format', 'md', '--tz', 'Europe/Paris', '--include-deleted', '--out', file);
    expect(r).toMatchObject({ code: 0, out: '' });
    const live = state.timeline.filter((e) => e.deletedAt === null).length;
    const gone = state.timeline.length - live;
    expect(r.err).toBe(`Exported "Search indexing crashes cluster-wide after Black Friday deploy" (md, ${live} timeline entries, ${gone} deleted entries, up to change #${ops.length}) to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(formatMarkdown(state, { exportedAt: Date.parse(AT), timeZone: 'Europe/Paris', includeDeleted: true }));
  });

  it('counts the rows actually exported in the success line (--pinned-only, --kinds, json)', async () => {
    const live = state.timeline.filter((e) => e.deletedAt === null);
    const pinned = live.filter((e) => e.pinned).length;
    const kinds = live.filter((e) => e.kind === 'update' || e.kind === 'decision').length;
    expect(pinned).toBeGreaterThan(0);
    expect(pinned).toBeLessThan(live.length);
    const p = await run(...base(), '--format', 'md', '--pinned-only', '--out', join(dir, 'out', 'pinned.md'));
    expect(p.err).toContain(`(md, ${pinned} timeline entries of ${live.length}, up to change #${ops.length})`);
    const k = await run(...base(), '--format', 'csv', '--kinds', 'update,decision', '--out', join(dir, 'out', 'k.csv'));
    expect(k.err).toContain(`(csv, ${kinds} timeline entries of ${live.length}, up to change #${ops.length})`);
    expect(readFileSync(join(dir, 'out', 'k.csv'), 'utf8').split('\r\n').length - 2).toBe(kinds);
    const j = await run(...base(), '--format', 'json', '--out', join(dir, 'out', 'all.json'));
    expect(j.err).toContain(`(json, ${ops.length} changes, up to change #${ops.length})`);
  });

  it('adds the edit history only with --include-edit-history', async () => {
    const off = await run(...base(), '--format', 'md');
    expect(off.out).not.toContain('Appendix: earlier versions of edited entries');
    const on = await run(...base(), '--format', 'md', '--include-edit-history');
    expect(on.out).toBe(formatMarkdown(state, { exportedAt: Date.parse(AT), includeEditHistory: true }));
    expect(on.out).toContain('## Appendix: earlier versions of edited entries');
  });

  it('prints HTML and CSV to standard output, honouring the filters', async () => {
    const html = await run(...base(), '--format', 'html', '--pinned-only');
    expect(html.code).toBe(0);
    expect(html.out).toBe(formatHtml(state, { exportedAt: Date.parse(AT), pinnedOnly: true }));
    const csv = await run(...base(), '--format', 'csv', '--kinds', 'update,decision', '--tz', 'America/Los_Angeles');
    expect(csv.code).toBe(0);
    expect(csv.out).toBe(formatCsv(state, { exportedAt: Date.parse(AT), kinds: ['update', 'decision'], timeZone: 'America/Los_Angeles' }));
    expect(csv.out.split('\r\n').length - 2).toBe(state.timeline.filter((e) => (e.kind === 'update' || e.kind === 'decision') && e.deletedAt === null).length);
  });

  it('writes a JSON export that imports back to the stored incident', async () => {
    const r = await run(...base(), '--format', 'json');
    expect(r.code).toBe(0);
    const back = await importJson(r.out);
    if (!back.ok) throw new Error(back.message);
    expect(stateHash(back.value.committed)).toBe(stateHash(state));
    expect(back.value.ops).toHaveLength(ops.length);
    expect(back.value.exportedAt).toBe(Date.parse(AT));
  });

  it.each([
    [['--incident', 'nope', '--format', 'md'], 1, /No incident "nope" in .*warroom\.db\. Incidents there: black-friday\./],
    [['--incident', 'black-friday', '--format', 'pdf'], 2, /Unknown format "pdf"\. Use one of: md, html, json, csv \(for PDF, export html and print it\)\./],
    [['--incident', 'black-friday', '--format', 'md', '--tz', 'Mars/Base'], 2, /Unknown time zone "Mars\/Base"/],
    [['--incident', 'black-friday', '--format', 'md', '--kinds', 'note,gossip'], 2, /--kinds: unknown kind "gossip"/],
    [['--format', 'md'], 2, /--incident is required\./],
    [['--incident', 'black-friday', '--format', 'md', '--bogus'], 2, /Unknown option '--bogus'/],
  ])('refuses %j with exit %i and a clear sentence', async (args, code, message) => {
    const r = await run(...args, '--data-dir', dir);
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  it('says where it looked when there is no database', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'warroom-empty-'));
    try {
      const r = await run('--incident', 'x', '--format', 'md', '--data-dir', empty);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`No War Room database at ${dbFileOf(empty)}. Pass --data-dir`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('runs through the warroom CLI as a real process', () => {
    const r = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'cli.ts'), 'export', ...base(), '--format', 'md'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(formatMarkdown(state, { exportedAt: Date.parse(AT) }));
    expect(RICH_EXPORTED_AT).toBe(Date.parse(AT));
  });
});
