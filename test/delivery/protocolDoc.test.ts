/** PROTOCOL.md's refusal-class table is the one in shared/errors.ts, and the doc client uses it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES } from '../../shared/errors.ts';
import { DOC_TRANSIENT } from './tools.ts';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'PROTOCOL.md'), 'utf8');

function classRow(cls: 'transient' | 'permanent'): string[] {
  const section = doc.slice(doc.indexOf('### Refusal classes'));
  const row = section.split('\n').find((l) => l.startsWith(`| ${cls} |`));
  if (!row) throw new Error(`no ${cls} row in PROTOCOL.md's refusal classes`);
  return [...row.split('|')[2]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!).sort();
}

describe('PROTOCOL.md refusal classes', () => {
  it('list every code in the class shared/errors.ts gives it', () => {
    const of = (cls: string) => Object.entries(ERROR_CLASSES).filter(([, c]) => c === cls).map(([code]) => code).sort();
    // A new code in shared/errors.ts goes into the "Refusal classes" table of docs/PROTOCOL.md too.
    expect(classRow('transient'), 'transient row of PROTOCOL.md §3 Refusal classes').toEqual(of('transient'));
    expect(classRow('permanent'), 'permanent row of PROTOCOL.md §3 Refusal classes').toEqual(of('permanent'));
    expect([...DOC_TRANSIENT].sort()).toEqual(of('transient'));
  });

  it('document the head heartbeat event', () => {
    expect(doc).toContain('### `incident:head`');
    expect(doc).toContain('"storeAvailable": true');
  });
});
