import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commit, EXPORTED_AT, fold, smallSteps } from '../../test/export/kit.ts';
import { ERROR_MESSAGES } from '../errors.ts';
import { canonicalJson, stateHash } from '../hash.ts';
import type { Op } from '../ops.ts';
import { replay } from '../reducer.ts';
import { formatJson, importJson, type ExportDocument } from './json.ts';

const ops = commit(smallSteps());
const state = fold(ops);
const pendingOp: Op = {
  opId: '00000000-0000-4000-8000-0000000000ff', incidentId: 'inc-1', actorId: 'ken', clientTime: Date.parse('2026-03-02T09:30:00Z'),
  type: 'timeline.add', payload: { entryId: 'e-local', kind: 'note', text: 'typed offline' },
};

/** Re-signs a tampered document with an independent SHA-256 (node:crypto), to reach the checks after the checksum. */
function resign(doc: Record<string, unknown>): string {
  const { checksum: _c, ...body } = doc;
  return JSON.stringify({ ...body, checksum: `sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex')}` });
}

async function refusal(text: string) {
  const r = await importJson(text);
  if (r.ok) throw new Error('expected a refusal');
  return r;
}

describe('formatJson / importJson', () => {
  it('round-trips: importing rebuilds exactly the same state and op log', async () => {
    const text = await formatJson({ ops, exportedAt: EXPORTED_AT });
    const r = await importJson(text);
    if (!r.ok) throw new Error(r.message);
    expect(stateHash(r.value.committed)).toBe(stateHash(state));
    expect(r.value.committed).toEqual(state);
    expect(r.value.stateMatches).toBe(true);
    expect(r.value.ops).toEqual(ops);
    expect(r.value.state).toEqual(state);
    expect(r.value.exportedAt).toBe(EXPORTED_AT);
    expect(r.value.incident).toMatchObject({ id: 'inc-1', title: 'Checkout latency', headSeq: ops.length, stateHash: stateHash(state) });
  });

  it('writes a real SHA-256 of the canonical content', async () => {
    const doc = JSON.parse(await formatJson({ ops, exportedAt: EXPORTED_AT })) as ExportDocument;
    const { checksum, ...body } = doc;
    expect(checksum).toBe(`sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`);
    expect(doc).toMatchObject({ format: 'warroom-export', version: 1, exportedAt: EXPORTED_AT, base: null, pending: [] });
  });

  it('is deterministic and one op per line', async () => {
    const a = await formatJson({ ops, exportedAt: EXPORTED_AT });
    expect(await formatJson({ ops, exportedAt: EXPORTED_AT })).toBe(a);
    expect(a.split('\n').filter((l) => l.startsWith('    {"')).length).toBe(ops.length);
  });

  it('still opens after reformatting (the checksum covers content, not whitespace)', async () => {
    const text = await formatJson({ ops, exportedAt: EXPORTED_AT });
    expect((await importJson(JSON.stringify(JSON.parse(text), null, 4))).ok).toBe(true);
  });

  it('carries unsynced local ops separately and applies them only to the on-screen state', async () => {
    const r = await importJson(await formatJson({ ops, pending: [pendingOp], exportedAt: EXPORTED_AT }));
    if (!r.ok) throw new Error(r.message);
    expect(r.value.pending).toEqual([pendingOp]);
    expect(r.value.committed.timeline.some((e) => e.id === 'e-local')).toBe(false);
    expect(r.value.state.timeline.find((e) => e.id === 'e-local')?.text).toBe('typed offline');
    expect(r.value.droppedPending).toEqual([]);
  });

  it('exports from a snapshot plus the ops after it, and imports to the same state', async () => {
    const head = replay(ops.slice(0, 6));
    if (!head.ok) throw new Error(head.message);
    const text = await formatJson({ base: { seq: 6, state: head.state! }, ops: ops.slice(6), exportedAt: EXPORTED_AT });
    const r = await importJson(text);
    if (!r.ok) throw new Error(r.message);
    expect(stateHash(r.value.committed)).toBe(stateHash(state));
    expect(r.value.base?.seq).toBe(6);
  });

  it('refuses a file changed after export with IMPORT_CHECKSUM', async () => {
    const text = await formatJson({ ops, exportedAt: EXPORTED_AT });
    const r = await refusal(text.replace('p99 at 4.2s', 'p99 at 9.9s'));
    expect(r).toEqual({ ok: false, code: 'IMPORT_CHECKSUM', message: ERROR_MESSAGES.IMPORT_CHECKSUM });
  });

  it('refuses a file whose last change was removed and checksum recomputed (headSeq disagrees with the log)', async () => {
    const doc = JSON.parse(await formatJson({ ops, exportedAt: EXPORTED_AT })) as ExportDocument;
    const r = await refusal(resign({ ...doc, ops: doc.ops.slice(0, -1) }));
    expect(r.code).toBe('IMPORT_HEAD_MISMATCH');
    expect(r.message).toBe(`${ERROR_MESSAGES.IMPORT_HEAD_MISMATCH} (the file says its log ends at change #${ops.length}, but the log it holds ends at change #${ops.length - 1})`);
    // The untouched file still opens.
    expect((await importJson(await formatJson({ ops, exportedAt: EXPORTED_AT }))).ok).toBe(true);
  });

  it.each([
    ['not JSON', () => 'hello', /not valid JSON/],
    ['another JSON file', () => '{"name":"x"}', /not marked as a War Room export/],
    ['a newer format', () => JSON.stringify({ format: 'warroom-export', version: 9 }), /newer War Room \(format version 9\)/],
    ['a missing checksum', (d: Record<string, unknown>) => JSON.stringify({ ...d, checksum: undefined }), /checksum/],
  ])('refuses %s with IMPORT_INVALID and a sentence', async (_name, make, detail) => {
    const doc = JSON.parse(await formatJson({ ops, exportedAt: EXPORTED_AT })) as Record<string, unknown>;
    const r = await refusal(make(doc));
    expect(r.code).toBe('IMPORT_INVALID');
    expect(r.message.startsWith(ERROR_MESSAGES.IMPORT_INVALID)).toBe(true);
    expect(r.message).toMatch(detail);
  });

  it.each([
    ['an op that fails its schema', (d: ExportDocument) => { (d.ops[4]!.payload as { text: string }).text = ''; }, /op 5: Invalid committed op: payload.text/],
    ['a gap in the log', (d: ExportDocument) => { d.ops.splice(3, 1); }, /op 4 has seq 5, expected 4/],
    ['an op of another incident', (d: ExportDocument) => { d.ops[2]!.incidentId = 'other'; }, /op 3 belongs to another incident/],
    ['an op the reducer refuses', (d: ExportDocument) => { Object.assign(d.ops[6]!.payload, { entryId: 'nope' }); }, /change #7 does not apply/],
    ['a malformed unsynced op', (d: ExportDocument) => { d.pending = [{ ...pendingOp, opId: 'x' }]; }, /unsynced change 1/],
    ['a malformed snapshot', (d: ExportDocument) => { d.base = { seq: 1, state: { ...state, severity: 'SEV9' as 'SEV1' } }; }, /base state: severity/],
  ])('refuses %s even with a valid checksum', async (_name, tamper, detail) => {
    const doc = JSON.parse(await formatJson({ ops, exportedAt: EXPORTED_AT })) as ExportDocument;
    tamper(doc);
    const r = await refusal(resign(doc as unknown as Record<string, unknown>));
    expect(r.code).toBe('IMPORT_INVALID');
    expect(r.message).toMatch(detail);
  });

  it('opens a file whose refold differs from the recorded state, but says so', async () => {
    const doc = JSON.parse(await formatJson({ ops, exportedAt: EXPORTED_AT })) as ExportDocument;
    const ok = await importJson(JSON.stringify(doc));
    expect(ok.ok && ok.value.stateMatches).toBe(true);
    doc.incident.stateHash = '0123456789abcdef';
    const r = await importJson(resign(doc as unknown as Record<string, unknown>));
    if (!r.ok) throw new Error(r.message);
    expect(r.value.stateMatches).toBe(false);
    expect(stateHash(r.value.committed)).toBe(stateHash(state));
  });

  it('refuses to write a log that does not fold', async () => {
    await expect(formatJson({ ops: ops.slice(1), exportedAt: EXPORTED_AT })).rejects.toThrow(/does not apply/);
  });
});
