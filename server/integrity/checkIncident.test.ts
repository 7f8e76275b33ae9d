// The chain rules as a table: rows in, findings out (server/integrity/checkIncident.ts).
import { describe, expect, it } from 'vitest';
import { makeOps } from '../../test/scaleout/storeContract.ts';
import { appendRows, groupByIncident } from './appendRows.ts';
import { canonicalJson } from './canonical.ts';
import { headHash } from './chain.ts';
import { createIncidentCheck, type StoredHead } from './checkIncident.ts';
import type { StoredOpRow } from './checkOp.ts';

const ID = 'inc-t';

function stored(count: number): { rows: StoredOpRow[]; head: StoredHead } {
  const { rows, heads } = appendRows(groupByIncident(makeOps(ID, 1, count)), () => null);
  return { rows: rows.map((r) => ({ incidentId: ID, seq: r.seq, opId: r.opId, text: r.text, hash: r.hash, chain: r.chain })), head: heads[0]! };
}

function check(rows: StoredOpRow[], head: StoredHead | null, earlier = new Map<number, string | null>()) {
  const c = createIncidentCheck(ID, { head, earlier, chainWanted: new Set([5]) });
  for (const r of rows) c.row(r);
  return c.finish();
}

const edit = (r: StoredOpRow, text: string): StoredOpRow => ({ ...r, text: r.text!.replace('note', text) });

describe('createIncidentCheck', () => {
  const { rows, head } = stored(8);

  it.each([
    ['an intact log', rows, head, { quarantine: [], missing: [], holdAll: null, headRepair: null, verifiedOps: 8 }],
    ['an edited row (its chain still proven)', rows.map((r) => (r.seq === 4 ? edit(r, 'NOTE') : r)), head, { quarantine: [{ seq: 4, chain: rows[3]!.chain }], missing: [], holdAll: null }],
    ['a deleted middle row', rows.filter((r) => r.seq !== 4), head, { quarantine: [], missing: [{ from: 4, to: 4 }], holdAll: null, verifiedOps: 7 }],
    ['deleted last rows', rows.slice(0, 5), head, { missing: [{ from: 6, to: 8 }], head: { seq: 8 } }],
    ['a row above the head', [...rows, { ...rows[7]!, seq: 9 }], head, { quarantine: [{ seq: 9, chain: null }], missing: [] }],
    ['one damaged chain cell', rows.map((r) => (r.seq === 6 ? { ...r, chain: '0'.repeat(64) } : r)), head, { chainRepairs: [{ seq: 6, chain: rows[5]!.chain }], holdAll: null }],
    ['a damaged chain cell on the head row', rows.map((r) => (r.seq === 8 ? { ...r, chain: 'f'.repeat(64) } : r)), head, { chainRepairs: [{ seq: 8, chain: rows[7]!.chain }], holdAll: null }],
    ['no head record', rows, null, { headRepair: expect.stringMatching(/no head record; rebuilt from the log at seq 8/), head: { seq: 8, chain: rows[7]!.chain } }],
    ['a damaged head record', rows, { ...head, hash: headHash(ID, 7, head.chain as string) }, { headRepair: expect.stringMatching(/head record is damaged/) }],
    ['no create op', rows.slice(1), head, { noCreate: true, missing: [{ from: 1, to: 1 }] }],
  ] as const)('%s', (_name, input, h, want) => {
    expect(check([...input], h)).toMatchObject(want);
  });

  it('holds the incident back when a row was rewritten with its hash and chain recomputed', () => {
    const forged = { ...rows[2]!, text: rows[2]!.text!.replace('note', 'FORGED') };
    const again = appendRows(groupByIncident([JSON.parse(forged.text!)]), () => ({ seq: 2, chain: rows[1]!.chain, hash: headHash(ID, 2, rows[1]!.chain as string) })).rows[0]!;
    const f = check(rows.map((r) => (r.seq === 3 ? { ...r, text: again.text, hash: again.hash, chain: again.chain } : r)), head);
    expect(f.holdAll).toMatch(/changed and their hashes recomputed/);
  });

  it('continues the proof through a seq quarantined earlier with its chain kept', () => {
    const f = check(rows.filter((r) => r.seq !== 4), head, new Map([[4, rows[3]!.chain as string]]));
    expect(f).toMatchObject({ missing: [], earlierQuarantined: 1, holdAll: null });
    expect(f.chainAt.get(5)).toBe(rows[4]!.chain);
  });

  it('stays bounded when a row claims an absurd seq and there is no head record', () => {
    const f = check([...rows, { ...rows[7]!, seq: 1e12 }], null);
    expect(f.missing).toEqual([{ from: 9, to: 1e12 - 1 }]);
    expect(f.quarantine.map((q) => q.seq)).toEqual([1e12]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps keys named like Object.prototype members', () => {
    const a = JSON.parse('{"b":1,"__proto__":{"z":1,"a":[{"y":2,"x":1}]},"constructor":"c"}') as unknown;
    expect(canonicalJson(a)).toBe('{"__proto__":{"a":[{"x":1,"y":2}],"z":1},"b":1,"constructor":"c"}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"a":1}}'))).not.toBe(canonicalJson(JSON.parse('{"__proto__":{"a":2}}')));
  });
});
