/**
 * Property: whatever people type, the Markdown export renders it as exactly that text. Random text
 * built from the characters and sequences Markdown reads as structure goes through the escaping
 * and a real parser (markdown-it, with raw HTML and GFM-style autolinks on); the rendered text
 * content must equal the input (whitespace collapsed, as any renderer does).
 */
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { formatMarkdown } from '../../shared/export/index.ts';
import { mdBlock, mdCell, mdLine } from '../../shared/export/mdEscape.ts';
import { item, table } from '../../shared/export/markdownParts.ts';
import { HOSTILE_IMPACT } from './dstFixture.ts';
import { commit, EXPORTED_AT, fold, smallSteps, type Step } from './kit.ts';

const md = new MarkdownIt({ html: true, linkify: true });
// GitHub autolinks www., http(s):// and e-mail addresses, not bare domains.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };
/** The text a reader sees: tags dropped (block and break tags as spaces), markdown-it's four escapes decoded. */
function textContent(html: string): string {
  return html.replace(/<(?:br|\/p|\/li|\/td|\/th|\/h\d)\s*\/?>/g, ' ').replace(/<[^>]*>/g, '').replace(/&(?:amp|lt|gt|quot);/g, (e) => ENTITIES[e]!);
}
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

const TOKENS = [
  'a', 'Z', 'é', '7', ' ', ' ', '\n', '\n\n', '\t', '    ', '#', '# ', '## ', '-', '- ', '--- ', '\n---\n', '===', '\n===\n', '+ ', '* ', '***', '_', '__',
  '1. ', '2) ', '>', '> ', '<', '<div>', '</div>', '<!-- c -->', '<br>', '&', '&amp;', '&#35;', '&copy;', '\\', '\\\n', '`', '```', '~~~', '~~x~~', '|', '| a | b |',
  '[', ']', '[x](http://e.com)', '![i](x.png)', '[r]: http://e.com', '(', ')', '!', ':', 'http://e.com/x', 'https://e.com', 'www.e.com', 'a@b.com', 'mailto:a@b.com',
  '<http://e.com>', '[^1]', '- [ ] ', '.', '=', '^', '$', '{', '}', '"', "'",
];
const hostile = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join(''));
const RUNS = { numRuns: 400, seed: 14 };

describe('Markdown escaping renders exactly what was written', () => {
  it('a block of text (paragraphs and lines)', () => {
    fc.assert(fc.property(hostile, (text) => {
      expect(norm(textContent(md.render(mdBlock(text))))).toBe(norm(text));
    }), RUNS);
  });

  it('a block that continues a list item after our own lead-in', () => {
    fc.assert(fc.property(hostile, hostile, (a, b) => {
      const doc = [...item('**Lead**', a), ...item('**Next**', b)].join('\n');
      const html = md.render(doc);
      expect((html.match(/<li>/g) ?? []).length).toBe(2);
      expect(norm(textContent(html))).toBe(norm(`Lead ${norm(a)} Next ${norm(b)}`));
    }), RUNS);
  });

  it('a table cell (line breaks become spaces) keeps the table shape', () => {
    fc.assert(fc.property(hostile, (text) => {
      const html = md.render(table(['H', 'I'], [[mdCell(text) || '—', 'x']]).join('\n'));
      expect((html.match(/<td>/g) ?? []).length).toBe(2);
      const cell = /<td>([\s\S]*?)<\/td>/.exec(html)![1]!;
      expect(norm(textContent(cell))).toBe(norm(text) || '—');
    }), RUNS);
  });

  it('one line escaped by mdLine alone', () => {
    fc.assert(fc.property(hostile.map((t) => t.replace(/\s+/g, ' ').trim()), (line) => {
      expect(norm(textContent(md.render(mdLine(line))))).toBe(line);
    }), RUNS);
  });

  it('the pasted e-mail of the issue stays one paragraph: no heading, list, quote, rule or live HTML', () => {
    const html = md.render(mdBlock(HOSTILE_IMPACT));
    expect(html).not.toMatch(/<h\d|<ul|<ol|<blockquote|<hr|<script|<a /);
    expect(norm(textContent(html))).toBe(norm(HOSTILE_IMPACT));
  });

  it('people\'s text anywhere in the postmortem does not change the document\'s structure', () => {
    fc.assert(fc.property(hostile, hostile, (impact, note) => {
      const steps: Step[] = [
        ...smallSteps(),
        ['2026-03-02T09:30:00Z', 'ana', { type: 'incident.update', payload: { impact } }],
        ...(note.trim() ? [['2026-03-02T09:31:00Z', 'ken', { type: 'timeline.add', payload: { entryId: 'e-x', kind: 'note', text: note } }] as Step] : []),
      ];
      const html = md.render(formatMarkdown(fold(commit(steps)), { exportedAt: EXPORTED_AT }));
      const headings = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
      expect(headings).toContain('Impact');
      expect(headings).toContain('Timeline');
      expect(html).not.toMatch(/<script|<div>|<hr>[\s\S]*<hr>/);
      const impactHtml = html.slice(html.indexOf('<h2>Impact</h2>'), html.indexOf('<ul>', html.indexOf('<h2>Impact</h2>')));
      expect(norm(textContent(impactHtml))).toBe(norm(`Impact ${impact.trim() ? impact : 'Impact not described.'}`));
      if (note.trim()) expect(norm(textContent(html))).toContain(norm(note));
    }), { numRuns: 100, seed: 14 });
  });
});
