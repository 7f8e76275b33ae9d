/**
 * Outside checkers for the exports: markdownlint (CommonMark style rules) and html-validate. The
 * allow-lists are short and each entry says why; anything else they report fails the test.
 */
import { lint } from 'markdownlint/sync';
import { HtmlValidate } from 'html-validate';

/**
 * MD013 (line length): a paragraph of what people wrote is one source line; hard-wrapping it would
 * not change the rendered page and would make diffs of the export noisy. Everything else is on.
 */
export const MARKDOWNLINT_CONFIG = { default: true, MD013: false } as const;

export interface Finding {
  line: number;
  rule: string;
  detail: string;
}

export function markdownFindings(text: string): Finding[] {
  const r = lint({ strings: { doc: text }, config: MARKDOWNLINT_CONFIG });
  return (r.doc ?? []).map((e) => ({ line: e.lineNumber, rule: e.ruleNames.join('/'), detail: `${e.ruleDescription}${e.errorDetail ? `: ${e.errorDetail}` : ''} [${e.errorContext ?? ''}]` }));
}

/** The recommended preset, nothing turned off. */
const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });

export async function htmlFindings(text: string): Promise<Finding[]> {
  const r = await validator.validateString(text);
  return r.results.flatMap((res) => res.messages.map((m) => ({ line: m.line, rule: m.ruleId, detail: m.message })));
}
