/**
 * `warroom export`: reads an incident's op log straight from the store (SQLite file or PostgreSQL),
 * folds it with the shared reducer and writes one of the shared export formats. Works with or
 * without a running server: it only reads (SQLite in WAL mode allows that alongside a server).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  EXPORT_FORMATS, exportedEntryCount, formatCsv, formatHtml, formatJson, formatMarkdown, type ExportBase, type ExportFormat, type ExportOptions,
} from '../shared/export/index.ts';
import { ENTRY_KINDS, type EntryKind, type IncidentState } from '../shared/model.ts';
import type { CommittedOp } from '../shared/ops.ts';
import { replay } from '../shared/reducer.ts';
import { isValidTimeZone } from '../shared/time.ts';
import { dbFileOf } from './dataDir.ts';
import type { Store } from './store/store.ts';

export const EXPORT_USAGE = `Usage: warroom export --incident <id> --format md|html|json|csv [options]

  --incident ID          Incident to export (required)
  --format F             md (postmortem), html (printable postmortem), json (full op log, re-importable), csv (timeline)
  --out FILE             Write to FILE instead of standard output
  --data-dir D           Data folder of the server (SQLite)   [WARROOM_DATA_DIR, default ./.warroom]
  --database-url URL     Read from PostgreSQL instead           [DATABASE_URL]
  --tz ZONE              Add a local-time column in this IANA zone, e.g. Europe/Paris (times are always UTC too)
  --include-deleted      List deleted timeline entries (an appendix; in CSV, rows marked deleted)
  --include-edit-history Add earlier versions of edited entries to the appendix (off: a blameless
                         postmortem need not republish what an author retracted; edits stay marked)
  --pinned-only          Only pinned timeline entries
  --kinds K,K            Only these entry kinds (${ENTRY_KINDS.join(', ')})
  --exclude-kinds K,K    Leave these entry kinds out
  --exported-at ISO      Export time to record (default: now), for reproducible files`;

/** Paging through the log keeps memory flat for long incidents. */
const READ_PAGE_OPS = 5_000;

class ExportUsageError extends Error {}

function kindsOf(value: string | undefined, flag: string): EntryKind[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value.split(',').map((k) => k.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !(ENTRY_KINDS as readonly string[]).includes(k));
  if (bad.length > 0) throw new ExportUsageError(`${flag}: unknown kind "${bad[0]}". Known kinds: ${ENTRY_KINDS.join(', ')}.`);
  return kinds as EntryKind[];
}

interface Parsed {
  incidentId: string;
  format: ExportFormat;
  out: string | null;
  dataDir: string;
  databaseUrl: string | null;
  options: ExportOptions;
}

function parse(argv: string[]): Parsed | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        incident: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, tz: { type: 'string' },
        'data-dir': { type: 'string', default: process.env.WARROOM_DATA_DIR ?? './.warroom' },
        'database-url': { type: 'string', default: process.env.DATABASE_URL },
        'include-deleted': { type: 'boolean', default: false }, 'include-edit-history': { type: 'boolean', default: false }, 'pinned-only': { type: 'boolean', default: false },
        kinds: { type: 'string' }, 'exclude-kinds': { type: 'string' }, 'exported-at': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new ExportUsageError((e as Error).message);
  }
  if (values.help) return 'help';
  if (!values.incident) throw new ExportUsageError('--incident is required.');
  if (!values.format) throw new ExportUsageError('--format is required.');
  if (!(EXPORT_FORMATS as readonly string[]).includes(values.format)) {
    throw new ExportUsageError(`Unknown format "${values.format}". Use one of: ${EXPORT_FORMATS.join(', ')} (for PDF, export html and print it).`);
  }
  if (values.tz !== undefined && !isValidTimeZone(values.tz)) {
    throw new ExportUsageError(`Unknown time zone "${values.tz}". Use an IANA name such as Europe/Paris or America/New_York.`);
  }
  let exportedAt = Date.now();
  if (values['exported-at'] !== undefined) {
    exportedAt = Date.parse(values['exported-at']);
    if (!Number.isFinite(exportedAt)) throw new ExportUsageError(`--exported-at: "${values['exported-at']}" is not a date such as 2026-11-30T16:30:00Z.`);
  }
  return {
    incidentId: values.incident, format: values.format as ExportFormat, out: values.out ?? null,
    dataDir: resolve(values['data-dir']), databaseUrl: values['database-url'] || null,
    options: {
      exportedAt, timeZone: values.tz ?? null, includeDeleted: values['include-deleted'], includeEditHistory: values['include-edit-history'], pinnedOnly: values['pinned-only'],
      kinds: kindsOf(values.kinds, '--kinds'), excludeKinds: kindsOf(values['exclude-kinds'], '--exclude-kinds'),
    },
  };
}

async function openStore(p: Parsed): Promise<{ store: Store; where: string }> {
  if (p.databaseUrl) {
    const { createPostgresStore } = await import('./store/postgres.ts');
    const store = createPostgresStore({ connectionString: p.databaseUrl });
    await store.open();
    return { store, where: 'the PostgreSQL database' };
  }
  const file = dbFileOf(p.dataDir);
  if (!existsSync(file)) {
    throw new Error(`No War Room database at ${file}. Pass --data-dir (or WARROOM_DATA_DIR) with the server's data folder, or --database-url for PostgreSQL.`);
  }
  const { createSqliteStore } = await import('./store/sqlite.ts');
  const store = createSqliteStore({ file });
  await store.open();
  return { store, where: file };
}

async function readAll(store: Store, incidentId: string, afterSeq: number): Promise<CommittedOp[]> {
  const ops: CommittedOp[] = [];
  for (let after = afterSeq; ;) {
    const page = await store.readOps(incidentId, after, READ_PAGE_OPS);
    ops.push(...page);
    if (page.length < READ_PAGE_OPS) return ops;
    after = page[page.length - 1]!.seq;
  }
}

const contiguous = (ops: readonly CommittedOp[], from: number) => ops.every((op, i) => op.seq === from + i);

/**
 * The whole log when it is intact; when early ops were quarantined, the newest snapshot plus the
 * ops after it (the postmortem is still right; the JSON then starts from that snapshot).
 */
async function loadIncident(store: Store, incidentId: string, warn: (m: string) => void): Promise<{ state: IncidentState; ops: CommittedOp[]; base: ExportBase | null }> {
  const ops = await readAll(store, incidentId, 0);
  if (ops.length > 0 && contiguous(ops, 1)) {
    const r = replay(ops);
    if (r.ok && r.state) return { state: r.state, ops, base: null };
  }
  const snap = await store.latestSnapshot(incidentId);
  if (snap) {
    const after = await readAll(store, incidentId, snap.seq);
    const r = replay(after, snap.state);
    if (contiguous(after, snap.seq + 1) && r.ok && r.state) {
      warn(`The log of ${incidentId} before change #${snap.seq + 1} is incomplete; exporting from the snapshot at #${snap.seq}.`);
      return { state: r.state, ops: after, base: { seq: snap.seq, state: snap.state } };
    }
  }
  throw new Error(`The stored log of incident "${incidentId}" does not fold into an incident (gaps or invalid changes). Run the server once to quarantine bad records, then export again.`);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the file holds, counted the way the formatter filtered it (not the incident's whole timeline). */
export function whatWasExported(p: Pick<Parsed, 'format' | 'options'>, state: IncidentState, opCount: number): string {
  if (p.format === 'json') return plural(opCount, 'change', 'changes');
  const { shown, deleted } = exportedEntryCount(state, p.options);
  const filtered = p.options.pinnedOnly || p.options.kinds || p.options.excludeKinds?.length ? ` of ${state.timeline.filter((e) => e.deletedAt === null).length}` : '';
  return `${plural(shown, 'timeline entry', 'timeline entries')}${filtered}${p.options.includeDeleted ? `, ${plural(deleted, 'deleted entry', 'deleted entries')}` : ''}`;
}

/** Runs the export command; resolves to the process exit code (0 ok, 1 failure, 2 usage). */
export async function runExportCommand(argv: string[]): Promise<number> {
  let p: Parsed | 'help';
  try {
    p = parse(argv);
  } catch (e) {
    process.stderr.write(`warroom export: ${(e as Error).message}\n\n${EXPORT_USAGE}\n`);
    return 2;
  }
  if (p === 'help') {
    process.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }
  let store: Store | null = null;
  try {
    const opened = await openStore(p);
    store = opened.store;
    const ids = await store.listIncidentIds();
    if (!ids.includes(p.incidentId)) {
      const known = ids.length === 0 ? 'It holds no incidents.' : `Incidents there: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}.`;
      throw new Error(`No incident "${p.incidentId}" in ${opened.where}. ${known}`);
    }
    const { state, ops, base } = await loadIncident(store, p.incidentId, (m) => process.stderr.write(`warroom export: ${m}\n`));
    const text = p.format === 'json' ? await formatJson({ ops, base, exportedAt: p.options.exportedAt })
      : p.format === 'md' ? formatMarkdown(state, p.options)
        : p.format === 'html' ? formatHtml(state, p.options)
          : formatCsv(state, p.options);
    if (p.out) {
      const file = resolve(p.out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      process.stderr.write(`Exported "${state.title}" (${p.format}, ${whatWasExported(p, state, ops.length)}, up to change #${state.headSeq}) to ${file}\n`);
    } else {
      process.stdout.write(text);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`warroom export: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await store?.close().catch(() => undefined);
  }
}
