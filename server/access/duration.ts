/** `--expires` values: `90s`, `30m`, `12h`, `7d`, `2w`, or `never`. */
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
/** Longer than this is a typo, not a plan (ms): 5 years. */
const MAX_TTL_MS = 5 * 365 * 86_400_000;

/** Milliseconds, null for `never`, or an Error with the sentence to print. */
export function parseDuration(text: string, what = '--expires'): number | null | Error {
  const t = text.trim().toLowerCase();
  if (t === 'never') return null;
  const m = /^(\d{1,6})([smhdw])$/.exec(t);
  const unit = m ? UNIT_MS[m[2]!] : undefined;
  if (!m || unit === undefined) return new Error(`${what} must be a number followed by s, m, h, d or w (e.g. 12h, 7d), or "never" (got "${text}").`);
  const ms = Number(m[1]) * unit;
  if (ms <= 0) return new Error(`${what} must be longer than 0 (got "${text}").`);
  if (ms > MAX_TTL_MS) return new Error(`${what} is longer than 5 years (got "${text}"); use "never" if you mean it.`);
  return ms;
}
