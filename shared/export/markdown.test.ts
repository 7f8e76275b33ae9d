import { describe, expect, it } from 'vitest';
import { commit, EXPORTED_AT, fold, smallSteps, type Step } from '../../test/export/kit.ts';
import { formatMarkdown, mdText } from './markdown.ts';
import { parseOp } from '../ops.ts';

const ops = commit(smallSteps());
const state = fold(ops);
const md = (o: Partial<Parameters<typeof formatMarkdown>[1]> = {}) => formatMarkdown(state, { exportedAt: EXPORTED_AT, ...o });
const timelineOf = (text: string) => text.slice(text.indexOf('## Timeline'), text.indexOf('## Help requests'));

describe('mdText', () => {
  it.each([
    ['plain words', 'plain words'],
    ['a | b', 'a \\| b'],
    ['<script>x</script>', '\\<script\\>x\\</script\\>'],
    ['*bold* and `code`', '\\*bold\\* and \\`code\\`'],
    ['[link](http://x)', '\\[link\\](http\\://x)'],
    ['--- and 1. x', '\\--- and 1. x'],
    ['12. item', '12\\. item'],
    ['&amp; R&D', '\\&amp; R&D'],
    ['www.e.com a@b.com', 'www\\.e.com a\\@b.com'],
    ['# heading', '\\# heading'],
    ['#storage skill', '#storage skill'],
    ['## two', '\\## two'],
    ['#', '\\#'],
    ['ask #storage', 'ask #storage'],
    ['America/Los_Angeles', 'America/Los_Angeles'],
    ['_emphasis_', '\\_emphasis\\_'],
    ['back\\slash', 'back\\\\slash'],
  ])('%j → %j', (input, expected) => {
    expect(mdText(input)).toBe(expected);
  });
});

describe('formatMarkdown', () => {
  it('has the blameless template sections in order', () => {
    const headings = md({ includeEditHistory: true }).split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    expect(headings).toEqual([
      'Summary', 'Key timestamps', 'Response metrics', 'Impact', 'Trigger', 'Root cause', 'Contributing factors', 'Detection',
      'What went well', 'What went wrong', 'Where we got lucky', 'Lessons', 'Action items', 'Roles and participants',
      'Stakeholder updates', 'Timeline', 'Timeline: system rows', 'Help requests', 'Appendix: earlier versions of edited entries',
    ]);
    expect(md()).toMatch(/^# Postmortem: Checkout latency\n/);
  });

  it('states severity, status, key times and duration', () => {
    const out = md();
    expect(out).toContain('- **Severity:** SEV2');
    expect(out).toContain('- **Status:** Resolved');
    expect(out).toContain('| Declared | 2026-03-02 09:00 UTC | when the incident was opened in War Room (never backdated) |');
    expect(out).toContain('| Resolved | 2026-03-02 09:20 UTC | the incident was closed |');
    expect(out).toContain('| Duration | 20m | impact started → resolved |');
    expect(out).toContain('- **Incident commander:** Ana Silva');
  });

  it('lists participants with their time zones', () => {
    expect(md()).toMatch(/\| Ken Sato \| — \| Asia\/Tokyo \(UTC\+09:00\) \|/);
    expect(md()).toMatch(/\| Ana Silva \| Incident commander \| America\/Sao_Paulo \(UTC-03:00\) \|/);
  });

  it('leaves deleted entries out by default and lists them in an appendix when asked', () => {
    expect(md()).not.toContain('wrong channel');
    expect(md()).not.toContain('Appendix: deleted entries');
    const withDeleted = md({ includeDeleted: true });
    expect(timelineOf(withDeleted)).not.toContain('wrong channel');
    const appendix = withDeleted.slice(withDeleted.indexOf('## Appendix: deleted entries'));
    expect(appendix).toContain('- **2026-03-02 09:07 UTC** · Ken Sato · Note · deleted 2026-03-02 09:07 UTC by Ken Sato: wrong channel');
  });

  it('shows the final text of an edited entry, marked; earlier texts only with includeEditHistory', () => {
    const out = md();
    expect(timelineOf(out)).toContain('Ken Sato · Note _(edited)_: p99 at 4.2s');
    expect(out).not.toContain('p99 at 4s');
    const withHistory = md({ includeEditHistory: true });
    expect(withHistory).toContain('  - 2026-03-02 09:03 UTC, Ken Sato: p99 at 4s');
    expect(withHistory).toContain('  - 2026-03-02 09:06 UTC, Ken Sato (current): p99 at 4.2s');
  });

  it('marks pinned entries and lists them with key moments first', () => {
    const out = md();
    expect(out).toContain('· Ana Silva · Decision _(pinned)_: Scale the pool');
    const key = out.slice(out.indexOf('### Key moments'), out.indexOf('### Monday'));
    expect(key).toContain('- **2026-03-02 09:04 UTC** · Ana Silva: Scale the pool _(pinned)_');
    expect(key).toContain('Resolved — Status changed from investigating to resolved');
    expect(key).toContain('Declared — Incident declared (SEV2): Checkout latency');
    expect(key).toContain('Acknowledged — Ana Silva is now commander');
    expect(key).not.toContain('p99');
  });

  it('adds the local time for the chosen zone, with its offset where it first appears, and says so', () => {
    const out = md({ timeZone: 'Asia/Tokyo' });
    expect(out).toContain('- **09:00 UTC** · 18:00 (UTC+09:00) · Ana Silva · Status (declared)');
    expect(out).toContain('- **09:03 UTC** · 18:03 · Ken Sato · Note _(edited)_: p99 at 4.2s');
    expect(out).toContain('- **09:04 UTC** · 18:04 · Ana Silva · Decision _(pinned)_: Scale the pool');
    expect(out).toContain('Times are UTC, with local time in Asia/Tokyo alongside (UTC+09:00 when the incident started, unchanged throughout).');
    expect(md()).toContain('All times are UTC.');
    expect(md()).toContain('- **09:04 UTC** · Ana Silva · Decision _(pinned)_: Scale the pool');
  });

  it('prefixes the weekday when the local date differs from the UTC date', () => {
    const late = commit([...smallSteps(), ['2026-03-02T20:00:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-late', kind: 'note', text: 'late' } }]]);
    const out = formatMarkdown(fold(late), { exportedAt: EXPORTED_AT, timeZone: 'Asia/Tokyo' });
    expect(out).toContain('- **20:00 UTC** · Tue 05:00 · Ken Sato · Note: late');
  });

  it('filters by kind and by pin, and says the timeline is filtered', () => {
    const only = timelineOf(md({ kinds: ['decision', 'update'] }));
    expect(only).toContain('Scale the pool');
    expect(only).toContain('We are scaling the pool.');
    expect(only).not.toContain('p99');
    expect(only).toContain('_Filtered timeline: only decision, update entries._');
    const without = timelineOf(md({ excludeKinds: ['system', 'role'] }));
    expect(without).not.toContain('joined');
    expect(without).not.toContain('is now commander');
    expect(without).toContain('p99 at 4.2s');
    const pinned = timelineOf(md({ pinnedOnly: true }));
    const day = pinned.slice(pinned.indexOf('### Monday'));
    expect(day.match(/^- \*\*\d\d:\d\d UTC\*\*/gm)).toHaveLength(1);
    expect(pinned).toContain('Scale the pool');
  });

  it('marks entries from unsynced local ops and says how many there are', () => {
    const p = parseOp({ opId: '00000000-0000-4000-8000-0000000000ff', incidentId: 'inc-1', actorId: 'ken', clientTime: Date.parse('2026-03-02T09:30:00Z'), type: 'timeline.add', payload: { entryId: 'e-local', kind: 'note', text: 'typed offline' } });
    if (!p.ok) throw new Error(p.message);
    const local = commit([...smallSteps(), ['2026-03-02T09:30:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-local', kind: 'note', text: 'typed offline' } }]]);
    const out = formatMarkdown(fold(local), { exportedAt: EXPORTED_AT, pendingOps: [p.value] });
    expect(out).toContain('Ken Sato · Note _(unsynced)_: typed offline');
    expect(out).toContain('**Includes 1 local change not yet confirmed by the server**');
    expect(out.match(/_\(unsynced\)_/g)).toHaveLength(2);
    const byId = formatMarkdown(fold(local), { exportedAt: EXPORTED_AT, pendingEntryIds: ['e-dec'] });
    expect(byId).toContain('Decision _(pinned, unsynced)_: Scale the pool');
  });

  it('lists follow-up tasks from the board with owner, status, due date and overdue flag', () => {
    expect(md()).toContain('- Alert on pool saturation · Ken Sato · To do · due 2026-03-01 **(overdue)**');
    expect(formatMarkdown(state, { exportedAt: Date.parse('2026-02-28T00:00:00Z') })).toContain('- Alert on pool saturation · Ken Sato · To do · due 2026-03-01\n');
  });

  it('reports help requests with time to acknowledge', () => {
    const steps: Step[] = [
      ...smallSteps(),
      ['2026-03-02T09:10:00Z', 'ana', { type: 'help.ask', payload: { helpId: 'h-1', skills: ['db'], memberIds: ['ken'], urgency: 'now', text: 'Pool sizing?' } }],
      ['2026-03-02T09:17:00Z', 'ken', { type: 'help.ack', payload: { helpId: 'h-1' } }],
    ];
    const out = formatMarkdown(fold(commit(steps)), { exportedAt: EXPORTED_AT });
    expect(out).toContain('- **2026-03-02 09:10 UTC** · Ana Silva asked #db, Ken Sato (now): Pool sizing?\n\n  - **Acknowledged:** Ken Sato, after 7m\n  - **Outcome:** Acknowledged, still open');
    expect(md()).toContain('_No one was asked for help._');
  });

  it('keeps line breaks as hard breaks inside a list item and escapes markup', () => {
    const steps: Step[] = [...smallSteps(), ['2026-03-02T09:09:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-x', kind: 'note', text: 'a | b\nsecond <b>line</b>' } }]];
    const out = formatMarkdown(fold(commit(steps)), { exportedAt: EXPORTED_AT });
    expect(out).toContain('- **09:09 UTC** · Ken Sato · Note: a \\| b\\\n  second \\<b\\>line\\</b\\>\n');
    expect(out).not.toContain('<br>');
  });

  it('is deterministic: the export time is an input', () => {
    expect(md()).toBe(md());
    const other = formatMarkdown(state, { exportedAt: EXPORTED_AT + 60_000 });
    expect(other).not.toBe(md());
    expect(other).toContain('Exported from War Room on 2026-03-03 10:01 UTC');
  });

  it('refuses an unknown time zone rather than printing wrong times', () => {
    expect(() => md({ timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
  });
});

describe('formatMarkdown structure', () => {
  it('every table row has as many cells as its header, whatever the text holds', () => {
    const steps: Step[] = [
      ...smallSteps(),
      ['2026-03-02T09:09:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-x', kind: 'note', text: 'a | b || c\\|d\nline two | three' } }],
      ['2026-03-02T09:10:00Z', 'ken', { type: 'help.ask', payload: { helpId: 'h-x', skills: ['a|b'], memberIds: [], urgency: 'fyi', text: '| leading pipe' } }],
    ];
    const out = formatMarkdown(fold(commit(steps)), { exportedAt: EXPORTED_AT, timeZone: 'Asia/Tokyo', includeDeleted: true });
    const cells = (line: string) => line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length;
    let header = 0;
    let tables = 0;
    for (const line of out.split('\n')) {
      if (!line.startsWith('|')) { header = 0; continue; }
      if (header === 0) { header = cells(line); tables++; continue; }
      expect(cells(line), line).toBe(header);
    }
    expect(tables).toBeGreaterThanOrEqual(4);
  });
});
