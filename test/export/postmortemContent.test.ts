/** What issue 14 asked the postmortem to say, checked on the payments fixture in Markdown and HTML. */
import { describe, expect, it } from 'vitest';
import { formatHtml, formatMarkdown } from '../../shared/export/index.ts';
import { dstIncident, DST_EXPORTED_AT } from './dstFixture.ts';
import { fold } from './kit.ts';

const state = fold(dstIncident());
const md = (o: object = {}) => formatMarkdown(state, { exportedAt: DST_EXPORTED_AT, timeZone: 'Europe/Paris', ...o });

describe('the payments postmortem', () => {
  it('keeps impact start, detection and declaration apart, and shows the reopen', () => {
    const out = md();
    expect(out).toContain('| Impact started | 2026-10-24 22:41 UTC | Sun 00:41 (UTC+02:00) | backdated: entered after the fact |');
    expect(out).toContain('| Declared | 2026-10-24 23:04 UTC | Sun 01:04 | when the incident was opened in War Room (never backdated) |');
    expect(out).toContain('| Reopened | 2026-10-25 09:00 UTC | 10:00 | status moved away from resolved |');
    expect(out).toContain('| Duration | 11h 49m, reopened once: open for 5h 19m of it, resolved in between for 6h 30m | impact started → final resolution |');
  });

  it('tells the two 02:30s of the fall-back night apart, and the header names both offsets', () => {
    const out = md();
    expect(out).toContain('- **00:30 UTC** · 02:30 (UTC+02:00) · Ravi Iyer · Note _(edited)_');
    expect(out).toContain('- **01:30 UTC** · 02:30 (UTC+01:00) · Léa Martin · Decision _(pinned)_');
    expect(out).toContain('(UTC+02:00 when the incident started; UTC+01:00 from 2026-10-25 01:00 UTC)');
  });

  it('marks the entry logged 39.8 hours late, with the delay', () => {
    expect(md()).toContain('· Sam \\*Taylor\\* · Action: For the record: I restarted pool B node 3 by hand at 00:40 UTC, before the decision. Forgot to log it.\n\n  - **Backdated:** logged 39h 48m later, at 2026-10-26 16:28 UTC');
  });

  it('lists who held command before and after the hand-over, and the hand-over as a key moment', () => {
    const out = md();
    expect(out).toContain('| Incident commander | Léa Martin | 2026-10-24 23:08 UTC | 2026-10-25 01:50 UTC | 2h 42m |');
    expect(out).toContain('Hand-over — Command handed over from Léa Martin to Sam \\*Taylor\\*');
    expect(out).toContain('Severity — Severity changed from SEV2 to SEV1: Both pools affected');
  });

  it('reports update gaps over the cadence', () => {
    const out = md();
    expect(out).toContain('Cadence: one update every 30 minutes');
    expect(out).toContain('2 gaps went over it.');
    expect(out).toContain('gap 2h 25m **(over the 30-minute cadence by 1h 55m)**');
  });

  it('carries action items with every field, quantified impact, and task descriptions', () => {
    const out = md();
    expect(out).toContain('- **P1** · detect · Alert on pgbouncer saturation: Page at 80% of max_client_conn.\n\n  Include both pools.\n\n  - **Owner:** Ravi Iyer\n  - **Due:** 2026-11-03\n  - **Status:** Open\n  - **Ticket:** [ticket](https://tracker.example.com/PAY-101)');
    expect(out).toContain('- **Customers affected:** 12,400');
    expect(out).toContain('2\\. watch \\`SHOW POOLS\\`');
    expect(out).not.toContain('Duplicate of the alert item');
    expect(md({ includeDeleted: true })).toContain('### Deleted action items');
  });

  it('keeps what an author retracted out unless asked; with it, a deleted entry\'s earlier versions are in the appendix', () => {
    expect(md({ includeDeleted: true })).not.toContain('was blamed on Sam');
    const audit = md({ includeDeleted: true, includeEditHistory: true });
    expect(audit).toContain('was blamed on Sam');
    expect(audit).toContain('- Entry of 2026-10-25 00:35 UTC by Sam \\*Taylor\\* (deleted):');
    expect(audit).toContain('  - 2026-10-25 00:35 UTC, Sam \\*Taylor\\*: Wrong incident, sorry\n');
  });

  it('HTML folds system rows into <details> and shows the same figures', () => {
    const html = formatHtml(state, { exportedAt: DST_EXPORTED_AT, timeZone: 'Europe/Paris' });
    expect(html).toMatch(/<details class="system">\n<summary>10 system rows on this day/);
    expect(html).toContain('<td class="time local">02:30 (UTC+01:00)</td>');
    expect(html).toContain('backdated: logged 39h 48m later');
    expect(html).toContain('<dt>Requests failed</dt><dd>38,211</dd>');
  });
});
