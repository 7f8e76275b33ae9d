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
import { fold } from './kit.ts';
import { richIncident, RICH_EXPORTED_AT } from './richFixture.ts';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const { ops, pending } = richIncident();
const committed = fold(ops);
const onScreen = applyPending(committed, pending).state;
const clientOptions: ExportOptions = { exportedAt: RICH_EXPORTED_AT, timeZone: 'Europe/Paris', includeDeleted: true, pendingOps: pending };

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
