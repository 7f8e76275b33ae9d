import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from './model.ts';
import { entryIndex, indexDerived } from './reducerIndex.ts';

const scan = (t: readonly TimelineEntry[], id: string) => {
  for (let i = t.length - 1; i >= 0; i--) if (t[i]!.id === id) return i;
  return -1;
};
const entry = (id: string, occurredAt: number, seq: number) => ({ id, occurredAt, seq }) as TimelineEntry;
/** Where the reducer puts an entry: after every entry whose (occurredAt, seq) is not greater. */
const sortedAt = (t: readonly TimelineEntry[], e: TimelineEntry) => {
  let i = t.length;
  while (i > 0 && (e.occurredAt < t[i - 1]!.occurredAt || (e.occurredAt === t[i - 1]!.occurredAt && e.seq < t[i - 1]!.seq))) i--;
  return i;
};
const IDS = ['a', 'b', 'c', 'd', 'e', 'constructor', '__proto__'];

describe('timeline id index', () => {
  it('answers exactly what a scan answers, across branching versions, inserts, replacements, copies and in-place folds', () => {
    // Each step derives a version from one picked at random, so sibling branches share the index
    // Map and one id recurs with different keys in different branches. Keys collide on purpose
    // (few times and seqs), like the system rows of one op.
    const step = fc.record({
      kind: fc.constantFrom('insert', 'replace', 'copy', 'in-place', 'behind-its-back'),
      from: fc.nat(), id: fc.constantFrom(...IDS), at: fc.integer({ min: 0, max: 3 }), seq: fc.integer({ min: 0, max: 3 }), pick: fc.nat(),
    });
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      const versions: TimelineEntry[][] = [[]];
      for (const s of steps) {
        const prev = versions[s.from % versions.length]!;
        entryIndex(prev, 'x'); // index it, so derivations can share its Map
        const e = entry(s.id, s.at, s.seq);
        let next: TimelineEntry[];
        if (s.kind === 'insert' || s.kind === 'in-place') {
          if (scan(prev, s.id) >= 0) continue; // ids are unique within one timeline
          const i = sortedAt(prev, e);
          const length = prev.length;
          if (s.kind === 'insert') next = [...prev.slice(0, i), e, ...prev.slice(i)];
          else (next = prev).splice(i, 0, e);
          indexDerived(prev, length, next, e);
        } else if (s.kind === 'replace') {
          if (prev.length === 0) continue;
          const i = s.pick % prev.length;
          next = prev.slice();
          next[i] = { ...prev[i]! };
          indexDerived(prev, prev.length, next, next[i]!);
        } else if (s.kind === 'copy') {
          next = prev.slice();
          indexDerived(prev, prev.length, next, null);
        } else {
          // Someone changes an indexed array in place without telling the index: it must notice.
          if (scan(prev, s.id) >= 0) continue;
          const i = sortedAt(prev, e);
          (next = prev).splice(i, 0, e);
        }
        versions.push(next);
        for (const v of versions) for (const id of [...IDS, 'x']) expect(entryIndex(v, id)).toBe(scan(v, id));
      }
    }), { numRuns: 400 });
  });

  it('still answers for a timeline that is not in key order', () => {
    const t = [entry('late', 9, 9), entry('early', 1, 1), entry('mid', 5, 5)];
    expect(['late', 'early', 'mid', 'none'].map((id) => entryIndex(t, id))).toEqual([0, 1, 2, -1]);
  });
});
