import { describe, expect, it } from 'vitest';
import { commit, EXPORTED_AT, fold, smallSteps, type Step } from '../../test/export/kit.ts';
import { csvField, formatCsv } from './csv.ts';

/** A strict RFC 4180 reader, independent of the writer: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true; i++; continue;
    }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '\r' || c === '\n') throw new Error(`bare line break outside quotes at ${i}`);
    field += c; i++;
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length > 0) throw new Error('last record lacks CRLF');
  return rows;
}

const tricky = 'Rollback, then "restart"\nsecond line\r\nthird, with "quotes"';
const steps: Step[] = [
  ...smallSteps(),
  ['2026-03-02T09:09:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-tricky', kind: 'note', text: tricky } }],
  ['2026-03-02T09:10:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-formula', kind: 'note', text: '=HYPERLINK("http://x","y")' } }],
];
const state = fold(commit(steps));

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\ronly', '"cr\ronly"'],
    ['', ''],
    ['=1+1', "'=1+1"],
    ['+33 1 23', "'+33 1 23"],
    ['-rf', "'-rf"],
    ['@cmd', "'@cmd"],
    ['=A1,"x"', '"\'=A1,""x"""'],
    ['e-mail', 'e-mail'],
  ])('%j → %j', (input, expected) => expect(csvField(input)).toBe(expected));
});

describe('formatCsv', () => {
  const text = formatCsv(state, { exportedAt: EXPORTED_AT });
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows[0]!;
  const col = (name: string) => header.indexOf(name);

  it('starts with a UTF-8 BOM and a header row, and ends every record with CRLF', () => {
    expect(text.startsWith('\uFEFFseq,occurred_at_utc,logged_at_utc,kind,author,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(header).toEqual(['seq', 'occurred_at_utc', 'logged_at_utc', 'kind', 'author', 'author_id', 'text', 'pinned', 'edited', 'edited_at_utc', 'deleted', 'deleted_at_utc', 'unsynced', 'entry_id', 'moment', 'logged_after_min']);
    for (const r of rows) expect(r).toHaveLength(header.length);
  });

  it('round-trips commas, quotes and line breaks through an RFC 4180 reader', () => {
    const row = rows.find((r) => r[col('entry_id')] === 'e-tricky')!;
    expect(row[col('text')]).toBe(tricky);
    expect(row[col('occurred_at_utc')]).toBe('2026-03-02T09:09:00Z');
    expect(row[col('author')]).toBe('Ken Sato');
  });

  it('keeps formula-looking text as text', () => {
    expect(rows.find((r) => r[col('entry_id')] === 'e-formula')![col('text')]).toBe('\'=HYPERLINK("http://x","y")');
  });

  it('has one row per visible entry in reading order, with edit and pin flags', () => {
    const visible = state.timeline.filter((e) => e.deletedAt === null);
    expect(rows.slice(1).map((r) => r[col('entry_id')])).toEqual(visible.map((e) => e.id));
    const note = rows.find((r) => r[col('entry_id')] === 'e-note')!;
    expect([note[col('text')], note[col('edited')], note[col('edited_at_utc')]]).toEqual(['p99 at 4.2s', 'yes', '2026-03-02T09:06:00Z']);
    expect(rows.find((r) => r[col('entry_id')] === 'e-dec')![col('pinned')]).toBe('yes');
  });

  it('gives the local time with its offset, so the repeated hour of a fall-back night is unambiguous, and marks backdated rows', async () => {
    const { dstIncident, DST_EXPORTED_AT } = await import('../../test/export/dstFixture.ts');
    const rows = parseCsv(formatCsv(fold(dstIncident()), { exportedAt: DST_EXPORTED_AT, timeZone: 'Europe/Paris' }).slice(1));
    const h = rows[0]!;
    const at = (iso: string) => rows.find((r) => r[h.indexOf('occurred_at_utc')] === iso)!;
    expect(at('2026-10-25T00:30:00Z')[h.indexOf('occurred_at_local (Europe/Paris)')]).toBe('2026-10-25 02:30+02:00');
    expect(at('2026-10-25T01:30:00Z')[h.indexOf('occurred_at_local (Europe/Paris)')]).toBe('2026-10-25 02:30+01:00');
    expect(at('2026-10-25T00:40:00Z')[h.indexOf('logged_after_min')]).toBe(String(39 * 60 + 48));
    expect(at('2026-10-25T01:30:00Z')[h.indexOf('logged_after_min')]).toBe('');
    expect(at('2026-10-25T09:00:00Z')[h.indexOf('moment')]).toBe('reopened');
  });

  it('includes deleted entries, flagged, only when asked; adds a local-time column for a zone', () => {
    expect(text).not.toContain('wrong channel');
    const all = parseCsv(formatCsv(state, { exportedAt: EXPORTED_AT, includeDeleted: true, timeZone: 'Asia/Tokyo' }).slice(1));
    const h = all[0]!;
    expect(h[2]).toBe('occurred_at_local (Asia/Tokyo)');
    const del = all.find((r) => r[h.indexOf('entry_id')] === 'e-oops')!;
    expect([del[h.indexOf('deleted')], del[h.indexOf('deleted_at_utc')], del[2]]).toEqual(['yes', '2026-03-02T09:07:30Z', '2026-03-02 18:07+09:00']);
    expect(all.slice(1).map((r) => r[h.indexOf('entry_id')])).toEqual(state.timeline.map((e) => e.id));
  });

  it('applies the kind filter and marks unsynced entries', () => {
    const only = parseCsv(formatCsv(state, { exportedAt: EXPORTED_AT, kinds: ['decision'], pendingEntryIds: ['e-dec'] }).slice(1));
    expect(only).toHaveLength(2);
    expect(only[1]![only[0]!.indexOf('unsynced')]).toBe('yes');
  });
});
