import { describe, expect, it } from 'vitest';
import { OP_TYPES, parseOp } from './ops.ts';
import { fixedUuid } from './scenario.ts';

const env = { opId: fixedUuid(1), incidentId: 'inc-1', actorId: 'alice', clientTime: Date.UTC(2026, 10, 27) };
const good = { ...env, type: 'timeline.add', payload: { entryId: 'e1', kind: 'note', text: 'hello' } };

describe('op schemas', () => {
  it('accepts a well-formed op', () => {
    expect(parseOp(good)).toMatchObject({ ok: true });
  });

  it.each([
    ['a non-object', 'hello', 'INVALID_OP'],
    ['null', null, 'INVALID_OP'],
    ['an array', [good], 'INVALID_OP'],
    ['an unknown type', { ...good, type: 'incident.explode' }, 'UNKNOWN_OP_TYPE'],
    ['a missing payload', { ...env, type: 'timeline.add' }, 'INVALID_OP'],
    ['a wrong field type', { ...good, payload: { ...good.payload, text: 42 } }, 'INVALID_OP'],
    ['an extra field (a newer client during a rolling deploy)', { ...good, payload: { ...good.payload, color: 'red' } }, 'INVALID_OP'],
    ['a bad opId', { ...good, opId: 'not-a-uuid' }, 'INVALID_OP'],
    ['a 10 MB title', { ...env, type: 'incident.create', payload: { title: 'x'.repeat(10_000_000), severity: 'SEV1' } }, 'INVALID_OP'],
    ['an empty text', { ...good, payload: { ...good.payload, text: '   ' } }, 'INVALID_OP'],
    ['a bad id', { ...good, payload: { ...good.payload, entryId: '../../etc/passwd' } }, 'INVALID_OP'],
    ['a bad severity', { ...env, type: 'incident.create', payload: { title: 't', severity: 'SEV0' } }, 'INVALID_OP'],
    ['a bad time zone', { ...env, type: 'member.join', payload: { name: 'A', timeZone: 'Mars/Olympus' } }, 'INVALID_OP'],
    ['bad working hours', { ...env, type: 'member.join', payload: { name: 'A', timeZone: 'UTC', workingHours: { start: '25:00', end: '18:00' } } }, 'INVALID_OP'],
    ['a help request with nobody to ask', { ...env, type: 'help.ask', payload: { helpId: 'h', skills: [], memberIds: [], urgency: 'now', text: 'x' } }, 'INVALID_OP'],
    ['too many skills', { ...env, type: 'member.join', payload: { name: 'A', timeZone: 'UTC', skills: Array(31).fill('s') } }, 'INVALID_OP'],
    ['a time in year 3000', { ...good, clientTime: Date.UTC(3000, 0, 1) }, 'INVALID_OP'],
    ['NaN rank', { ...env, type: 'task.move', payload: { taskId: 't', column: 'done', rank: Number.NaN } }, 'INVALID_OP'],
  ])('refuses %s with a sentence', (_what, input, code) => {
    const r = parseOp(input);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message).toMatch(/\w{3,}/);
  });

  it('names the field that failed', () => {
    const r = parseOp({ ...env, type: 'incident.create', payload: { title: 'x'.repeat(201), severity: 'SEV1' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('payload.title: must be at most 200 characters');
  });

  it('has a schema for every op type the reducer handles', () => {
    expect(OP_TYPES.length).toBe(31);
  });
});
