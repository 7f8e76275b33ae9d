/**
 * Markdown escaping for people's text: whatever they typed (a pasted e-mail ending in "---", a
 * "1." at the start of a line, "&amp;", a bare link, a pipe) renders as exactly that text, in
 * CommonMark and GitHub-flavoured Markdown alike. Checked by a property test through markdown-it.
 */

/** Escapes inline markup on one line; the line's own start is handled by mdLine. */
export function mdInline(text: string): string {
  let t = text.replace(/[\\`*[\]<>|~]/g, '\\$&');
  // Only "&name;" / "&#123;" would turn into another character; a plain "R&D" stays readable.
  if (t.includes('&')) t = t.replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
  // An underscore inside a word never starts emphasis, so "America/Los_Angeles" stays readable.
  if (t.includes('_')) t = t.replace(/_/g, (m, i: number, s: string) => (/[\p{L}\p{N}]/u.test(s[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(s[i + 1] ?? '') ? m : '\\_'));
  // Bare links and e-mail addresses would become links (GFM autolinks, linkify): keep them text.
  // (The checks first: these patterns are costly on long lines, and most lines hold no link.)
  if (t.includes('://')) t = t.replace(/([A-Za-z][A-Za-z0-9+.-]*):(?=\/\/)/g, '$1\\:');
  if (/www\./i.test(t)) t = t.replace(/\b(www)\./gi, '$1\\.');
  if (t.includes('@')) t = t.replace(/([\p{L}\p{N}._+-])@(?=[\p{L}\p{N}])/gu, '$1\\@');
  return t;
}

/** One line of text, already trimmed: inline markup escaped, and what would start a block at a line start. */
export function mdLine(line: string): string {
  const t = mdInline(line);
  const c = t.charCodeAt(0);
  // Headings ("# "), block quotes are escaped inline (">"); list starters, setext underlines and
  // thematic breaks ("- ", "+ ", "===", "---") start with one of these.
  if (c === 35 /* # */) return t.replace(/^#(?=#{0,5}(?:\s|$))/, '\\#');
  if (c === 45 || c === 43 || c === 61 /* - + = */) return `\\${t}`;
  // Ordered list starters: "1." or "1)".
  if (c >= 48 && c <= 57) return t.replace(/^(\d{1,9})([.)])/, '$1\\$2');
  return t;
}

/** A table cell: one line (line breaks become spaces: a cell cannot hold a block), escaped. */
export function mdCell(text: string): string {
  return mdLine(text.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ').trim());
}

/**
 * A block of text: paragraphs (blank lines) kept, lines inside a paragraph kept as hard breaks
 * (a trailing backslash, not inline HTML). `indent` prefixes every line after the first, so the
 * block can continue a list item. Returns '' for blank text.
 */
export function mdBlock(text: string, indent = ''): string {
  if (!/[\r\n]/.test(text)) return mdLine(text.trim());
  const paragraphs = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).filter(Boolean).map(mdLine))
    .filter((lines) => lines.length > 0);
  return paragraphs.map((lines) => lines.join(`\\\n${indent}`)).join(`\n\n${indent}`);
}

/** A link destination: only http(s) links reach here (the op schema refuses others); brackets and spaces are percent-encoded. */
export function mdUrl(url: string): string {
  return url.replace(/[<>()\s\\]/g, (c) => encodeURIComponent(c));
}
