/** Building blocks of the Markdown postmortem: tables, lists, list items that hold whole blocks of text. */
import { mdBlock, mdCell } from './mdEscape.ts';
import type { ReportEntry } from './report.ts';

export function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** A prose section body, or an emphasised placeholder when nothing was written. */
export function prose(text: string, empty: string): string {
  return mdBlock(text) || `_${empty}_`;
}

/** A bulleted list of people's lines (each may hold several lines of its own). */
export function list(items: readonly string[], empty: string): string[] {
  const kept = items.map((s) => s.trim()).filter(Boolean);
  if (kept.length === 0) return [`_${empty}_`];
  return kept.map((s) => `- ${mdBlock(s, '  ')}`);
}

/**
 * One list item: a lead-in of our own (already Markdown) then the person's text as a block that
 * continues the item; `details` are nested items (already Markdown, one line each).
 */
export function item(lead: string, text: string, details: readonly string[] = []): string[] {
  const body = mdBlock(text, '  ');
  const out = [`- ${lead}${body ? (lead ? ' ' : '') + body : ''}`];
  if (details.length > 0) out.push('', ...details.map((d) => `  - ${d}`), '');
  return out;
}

/** Blank lines around every list and between items that hold nested lists or paragraphs. */
export function block(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(l);
  }
  while (out[out.length - 1] === '') out.pop();
  return out;
}

export function marks(r: ReportEntry): string {
  const m: string[] = [];
  if (r.entry.pinned) m.push('pinned');
  if (r.edited) m.push('edited');
  if (r.unsynced) m.push('unsynced');
  return m.length ? ` _(${m.join(', ')})_` : '';
}

/** Key moments are a skim list: the first line of a long entry is enough (the timeline has the rest). */
export function firstLine(text: string): string {
  const i = text.search(/\r|\n/);
  return i < 0 ? text : `${text.slice(0, i).trimEnd()} …`;
}

export const cell = mdCell;
