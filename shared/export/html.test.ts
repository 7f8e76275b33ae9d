import { describe, expect, it } from 'vitest';
import { dstIncident, DST_EXPORTED_AT } from '../../test/export/dstFixture.ts';
import { commit, EXPORTED_AT, fold, smallSteps, type Step } from '../../test/export/kit.ts';
import { escapeHtml, formatHtml } from './html.ts';
import { formatMarkdown } from './markdown.ts';

const state = fold(commit(smallSteps()));
const html = (o: Partial<Parameters<typeof formatHtml>[1]> = {}) => formatHtml(state, { exportedAt: EXPORTED_AT, ...o });

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
const hostileSteps: Step[] = [
  ['2026-03-02T09:00:00Z', 'ana', { type: 'incident.create', payload: { title: `Title ${HOSTILE}`, severity: 'SEV1', summary: `Summary ${HOSTILE}`, impact: '<iframe src="https://evil.example/">' } }],
  ['2026-03-02T09:00:00Z', 'ana', { type: 'member.join', payload: { name: '"><svg onload=alert(3)>', timeZone: 'Europe/Paris', skills: ['<b>x</b>'] } }],
  ['2026-03-02T09:01:00Z', 'ana', { type: 'timeline.add', payload: { entryId: 'e1', kind: 'note', text: `Entry ${HOSTILE}\n<a href="http://evil.example">link</a>` } }],
  ['2026-03-02T09:02:00Z', 'ana', { type: 'task.add', payload: { taskId: 't1', title: '<style>body{background:url(https://evil.example/x.png)}</style>', followUp: true } }],
  ['2026-03-02T09:03:00Z', 'ana', { type: 'help.ask', payload: { helpId: 'h1', skills: ['</td><td>'], memberIds: [], urgency: 'now', text: '<object data="https://evil.example">' } }],
  ['2026-03-02T09:04:00Z', 'ana', { type: 'postmortem.update', payload: { rootCause: '<base href="https://evil.example/">', whatWentWell: ['<link rel=stylesheet href=https://evil.example/a.css>'], whatWentWrong: ['@import url(https://evil.example/b.css);'], lessons: ['<meta http-equiv="refresh" content="0;url=https://evil.example">'] } }],
];

const ALLOWED_TAGS = new Set([
  '!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'footer', 'section', 'h1', 'h2', 'h3',
  'p', 'br', 'dl', 'dt', 'dd', 'span', 'strong', 'code', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'a',
]);

describe('escapeHtml', () => {
  it.each([
    ['a & b', 'a &amp; b'],
    ['<b>', '&lt;b&gt;'],
    ['"quoted" \'single\'', '&quot;quoted&quot; &#39;single&#39;'],
    ['plain', 'plain'],
  ])('%j → %j', (input, expected) => expect(escapeHtml(input)).toBe(expected));
});

describe('formatHtml', () => {
  it('escapes every recorded text: only the exporter\'s own tags appear', () => {
    const out = formatHtml(fold(commit(hostileSteps)), { exportedAt: EXPORTED_AT, includeDeleted: true });
    const tags = new Set([...out.matchAll(/<\/?([!a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    for (const t of tags) expect(ALLOWED_TAGS, `unexpected <${t}>`).toContain(t);
    expect(out.match(/<style>/g)).toHaveLength(1);
    expect(out.match(/<meta /g)).toHaveLength(3);
    expect(out).toContain('Entry &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    expect(out).toContain('&quot;&gt;&lt;svg onload=alert(3)&gt;');
    expect(out).toContain('<title>Postmortem: Title &lt;script&gt;');
  });

  it('makes no external requests: no src in any tag, no url()/@import in the stylesheet, a CSP that forbids them', () => {
    const payments = formatHtml(fold(dstIncident()), { exportedAt: DST_EXPORTED_AT, includeDeleted: true, includeEditHistory: true });
    // An action item's ticket is a link a reader clicks (navigation, not a request the page makes).
    expect(payments).toContain('<a href="https://tracker.example.com/PAY-101" rel="noreferrer noopener">https://tracker.example.com/PAY-101</a>');
    for (const out of [html({ timeZone: 'Asia/Tokyo', includeDeleted: true }), formatHtml(fold(commit(hostileSteps)), { exportedAt: EXPORTED_AT }), payments]) {
      // Recorded text is escaped, so every "<" left in the page starts one of our own tags.
      const tags = out.match(/<[^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThan(50);
      for (const tag of tags) {
        if (tag.startsWith('<a ')) expect(tag).toMatch(/^<a href="https?:\/\/[^"\s]+" rel="noreferrer noopener">$/);
        else expect(tag).not.toMatch(/\s(?:src|srcset|href|action|data|poster|background)\s*=/i);
      }
      const css = out.slice(out.indexOf('<style>'), out.indexOf('</style>'));
      expect(css).not.toMatch(/url\(|@import|https?:/i);
      expect(out).not.toMatch(/<(?:script|link|img|iframe|object|embed|base)\b/i);
      expect(out).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    }
  });

  it('has the same sections as the Markdown postmortem', () => {
    const o = { exportedAt: EXPORTED_AT, includeDeleted: true };
    const mdHeadings = formatMarkdown(state, o).split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    const htmlHeadings = [...formatHtml(state, o).matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    // Markdown has no collapsible rows, so its system rows get a section of their own; HTML folds them into <details> per day.
    expect(htmlHeadings).toEqual(mdHeadings.filter((h) => h !== 'Timeline: system rows'));
    expect(formatHtml(state, o)).toMatch(/<details class="system">\n<summary>\d+ system rows? on this day/);
  });

  it('is printable: print rules, page size, table headers repeat', () => {
    const out = html();
    expect(out).toContain('@media print');
    expect(out).toContain('@page');
    expect(out).toContain('thead { display: table-header-group; }');
  });

  it('marks pinned, edited and system rows and keeps line breaks of multi-line text', () => {
    const steps: Step[] = [...smallSteps(), ['2026-03-02T09:09:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-x', kind: 'note', text: 'one\ntwo' } }]];
    const out = formatHtml(fold(commit(steps)), { exportedAt: EXPORTED_AT, timeZone: 'Asia/Tokyo' });
    expect(out).toMatch(/<tr class="pinned"><td class="time">09:04<\/td><td class="time local">18:04<\/td><td class="who">Ana Silva<\/td><td class="kind">Decision<\/td><td class="entry"><span class="badge pinned">Pinned<\/span> <span class="text">Scale the pool<\/span><\/td><\/tr>/);
    expect(out).toContain('<span class="text">p99 at 4.2s</span> <span class="badge edited">edited</span>');
    expect(out).toMatch(/<tr class="sys">[^\n]*Ken Sato joined/);
    expect(out).toContain('<span class="text">one\ntwo</span>');
    expect(out).toContain('.text { white-space: pre-wrap;');
  });

  it('lists deleted entries only when asked', () => {
    expect(html()).not.toContain('wrong channel');
    expect(html({ includeDeleted: true })).toMatch(/<section id="deleted" class="appendix">[\s\S]*wrong channel[\s\S]*<\/section>/);
  });
});
