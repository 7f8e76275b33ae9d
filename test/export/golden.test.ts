/**
 * Golden files: every text format of the rich Black Friday incident, compared byte for byte.
 * After an intended change, rewrite them with `UPDATE_GOLDEN=1 npx vitest run test/export/golden.test.ts`
 * and read the diff before committing it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyPending, formatCsv, formatHtml, formatJson, formatMarkdown, importJson, type ExportOptions } from '../../shared/export/index.ts';
import { stateHash } from '../../shared/hash.ts';
import { formatDate } from '../../shared/time.ts';
import { dstIncident, DST_EXPORTED_AT } from './dstFixture.ts';
import { fold } from './kit.ts';
import { richIncident, RICH_EXPORTED_AT } from './richFixture.ts';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const { ops, pending } = richIncident();
const committed = fold(ops);
const onScreen = applyPending(committed, pending).state;
const clientOptions: ExportOptions = { exportedAt: RICH_EXPORTED_AT, timeZone: 'Europe/Paris', includeDeleted: true, includeEditHistory: true, pendingOps: pending };
const dstOps = dstIncident();
const dst = fold(dstOps);
const dstOptions: ExportOptions = { exportedAt: DST_EXPORTED_AT, timeZone: 'Europe/Paris', includeDeleted: true, includeEditHistory: true };

function golden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`Missing golden file ${name}: run with UPDATE_GOLDEN=1 to create it, then review it.`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('rich fixture', () => {
  it('covers what the golden files are meant to show', () => {
    const days = new Set(committed.timeline.map((e) => formatDate(e.occurredAt, 'UTC')));
    expect(days.size).toBeGreaterThanOrEqual(2);
    expect(new Set(Object.values(committed.members).map((m) => m.timeZone)).size).toBeGreaterThanOrEqual(3);
    expect(committed.timeline.filter((e) => e.history.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(committed.timeline.filter((e) => e.deletedAt !== null).length).toBeGreaterThanOrEqual(2);
    expect(new Set(Object.values(committed.help).map((h) => h.status))).toEqual(new Set(['resolved', 'cancelled']));
    expect(Object.values(committed.tasks).filter((t) => t.followUp && t.deletedAt === null).length).toBeGreaterThanOrEqual(4);
    expect(committed.timeline.some((e) => /\n/.test(e.text) && /"/.test(e.text))).toBe(true);
    expect(onScreen.timeline.length).toBe(committed.timeline.length + 1);
  });
});

describe('payments fixture (issue 14)', () => {
  it('covers what its golden files are meant to show', () => {
    const paris = dst.timeline.map((e) => e.occurredAt).filter((t) => t >= Date.parse('2026-10-25T00:00:00Z') && t < Date.parse('2026-10-25T02:00:00Z'));
    expect(paris.some((t) => t < Date.parse('2026-10-25T01:00:00Z')) && paris.some((t) => t >= Date.parse('2026-10-25T01:00:00Z'))).toBe(true);
    expect(dst.statusHistory.filter((c) => c.status === 'resolved').length).toBe(2);
    expect(dst.timeline.some((e) => e.moment === 'reopened')).toBe(true);
    expect(dst.timeline.some((e) => e.moment === 'handover')).toBe(true);
    expect(dst.timeline.filter((e) => e.kind === 'alert').length).toBeGreaterThanOrEqual(2);
    expect(dst.timeline.some((e) => e.loggedAt - e.occurredAt > 39 * 3_600_000)).toBe(true);
    expect(dst.startedAt).toBeLessThan(dst.declaredAt);
    expect(dst.timeline.some((e) => e.deletedAt !== null && e.history.length > 0)).toBe(true);
    expect(dst.postmortem.actionItems.some((a) => a.deletedAt !== null)).toBe(true);
    expect(dst.impact).toMatch(/\n---\n/);
  });

  it('Markdown postmortem', () => golden('postmortem-dst.md', formatMarkdown(dst, dstOptions)));
  it('Markdown postmortem without the edit history (the default)', () => golden('postmortem-dst-default.md', formatMarkdown(dst, { exportedAt: DST_EXPORTED_AT, timeZone: 'Europe/London' })));
  it('HTML postmortem', () => golden('postmortem-dst.html', formatHtml(dst, dstOptions)));
  it('CSV timeline', () => golden('timeline-dst.csv', formatCsv(dst, dstOptions)));
  it('JSON op log, which imports back to the same incident', async () => {
    const json = await formatJson({ ops: dstOps, exportedAt: DST_EXPORTED_AT });
    golden('incident-dst.json', json);
    const r = await importJson(json);
    if (!r.ok) throw new Error(r.message);
    expect(stateHash(r.value.state)).toBe(stateHash(dst));
    expect(r.value.stateMatches).toBe(true);
  });
});

describe('golden exports', () => {
  it('Markdown postmortem', () => golden('postmortem.md', formatMarkdown(onScreen, clientOptions)));
  it('HTML postmortem', () => golden('postmortem.html', formatHtml(onScreen, clientOptions)));
  it('CSV timeline', () => golden('timeline.csv', formatCsv(onScreen, { ...clientOptions, timeZone: 'America/Los_Angeles' })));
  it('JSON op log', async () => golden('incident.json', await formatJson({ ops, pending, exportedAt: RICH_EXPORTED_AT })));

  it('the golden JSON imports back to the same incident', async () => {
    const r = await importJson(readFileSync(join(GOLDEN_DIR, 'incident.json'), 'utf8'));
    if (!r.ok) throw new Error(r.message);
    expect(stateHash(r.value.committed)).toBe(stateHash(committed));
    expect(stateHash(r.value.state)).toBe(stateHash(onScreen));
    expect(r.value.stateMatches).toBe(true);
  });
});
