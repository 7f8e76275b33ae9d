/** markdownlint and html-validate on every Markdown and HTML export of both fixtures, with every option. */
import { describe, expect, it } from 'vitest';
import { applyPending, formatHtml, formatMarkdown, type ExportOptions } from '../../shared/export/index.ts';
import type { IncidentState } from '../../shared/model.ts';
import { dstIncident, DST_EXPORTED_AT } from './dstFixture.ts';
import { commit, EXPORTED_AT, fold, smallSteps } from './kit.ts';
import { htmlFindings, markdownFindings } from './lintKit.ts';
import { richIncident, RICH_EXPORTED_AT } from './richFixture.ts';

const rich = richIncident();
const cases: [string, IncidentState, ExportOptions][] = [];
const variants = (at: number): ExportOptions[] => [
  { exportedAt: at },
  { exportedAt: at, timeZone: 'Europe/Paris', includeDeleted: true, includeEditHistory: true },
  { exportedAt: at, timeZone: 'America/Los_Angeles', pinnedOnly: true },
  { exportedAt: at, timeZone: 'Asia/Kolkata', kinds: ['update', 'alert'] },
  { exportedAt: at, excludeKinds: ['system', 'role', 'help'], includeEditHistory: true },
];
for (const o of variants(DST_EXPORTED_AT)) cases.push(['payments (DST, reopen)', fold(dstIncident()), o]);
for (const o of variants(RICH_EXPORTED_AT)) cases.push(['black friday', applyPending(fold(rich.ops), rich.pending).state, { ...o, pendingOps: rich.pending }]);
cases.push(['small', fold(commit(smallSteps())), { exportedAt: EXPORTED_AT, includeDeleted: true }]);

const label = (o: ExportOptions) => JSON.stringify({ ...o, pendingOps: o.pendingOps ? o.pendingOps.length : undefined });

describe('exports pass outside checkers with 0 findings', () => {
  it.each(cases.map(([n, s, o]) => [n, label(o), s, o] as const))('markdownlint: %s %s', (_n, _l, state, options) => {
    expect(markdownFindings(formatMarkdown(state, options))).toEqual([]);
  });

  it.each(cases.map(([n, s, o]) => [n, label(o), s, o] as const))('html-validate: %s %s', async (_n, _l, state, options) => {
    expect(await htmlFindings(formatHtml(state, options))).toEqual([]);
  });

  it('the checkers do report findings (a broken document fails)', async () => {
    expect(markdownFindings('# A\n## B\n* x\n- y\n<br>\n').map((f) => f.rule)).toEqual(expect.arrayContaining(['MD022/blanks-around-headings', 'MD033/no-inline-html']));
    expect((await htmlFindings('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><table><tr><td>x</td></tr></table><p><div></div></p></body></html>')).length).toBeGreaterThan(0);
  });
});
