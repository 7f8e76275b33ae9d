// Damage to the SQLite data dir, case by case (test/integrity/cases.ts): a real server starts on
// each damaged copy and a real socket.io client reads everything back. Each case must end in an
// allowed outcome with 0 ops served wrong and 0 lost without a report. The table printed at the
// end is the figure in docs/RELIABILITY.md ("Stored data: integrity and corruption").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../server/helpers.ts';
import { CASES } from './cases.ts';
import { buildPristine, copyDataDir, judge, type Truth, type Verdict } from './harness.ts';

let pristine: { dir: string; truth: Truth };
const results: { name: string; verdict: Verdict }[] = [];

beforeAll(async () => {
  pristine = await buildPristine();
}, 60_000);

afterAll(() => {
  removeDir(pristine.dir);
  const tally = new Map<string, number>();
  for (const r of results) tally.set(r.verdict.outcome, (tally.get(r.verdict.outcome) ?? 0) + 1);
  const wrong = results.reduce((n, r) => n + r.verdict.wrong, 0);
  const silent = results.reduce((n, r) => n + r.verdict.silentLoss, 0);
  const rows = results.map((r) => `${r.verdict.outcome.padEnd(13)} lost ${String(r.verdict.lost).padStart(2)} wrong ${r.verdict.wrong} silent ${r.verdict.silentLoss}  ${r.name}`);
  console.log(`SQLite corruption cases: ${results.length}; ${[...tally].map(([k, v]) => `${k} ${v}`).join(', ')}; silently wrong ${wrong}; silent loss ${silent}\n${rows.join('\n')}`);
});

describe('SQLite: every kind of damage is refused or quarantined, never served wrong or lost silently', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = copyDataDir(pristine.dir);
    try {
      c.damage(dir);
      const verdict = await judge(dir, pristine.truth);
      results.push({ name: c.name, verdict });
      expect(verdict.wrong, `served wrong data: ${verdict.message}`).toBe(0);
      expect(verdict.silentLoss, 'lost ops without a report').toBe(0);
      expect(c.allowed, `outcome ${verdict.outcome}: ${verdict.message}`).toContain(verdict.outcome);
      if (c.says) expect(verdict.message).toMatch(c.says);
      if (verdict.lost > 0 || verdict.quarantined > 0) expect(verdict.verifyExit).toBe(1);
    } finally {
      removeDir(dir);
    }
  }, 30_000);
});
