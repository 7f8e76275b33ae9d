import { describe, expect, it } from 'vitest';
import type { HelpRequest, IncidentState } from '../../shared/model.ts';
import { replay } from '../../shared/reducer.ts';
import { derivedId, derivedUuid } from './ids.ts';
import { dueDuties, dueEscalations, dueReminder, nextDutyAt } from './rules.ts';
import { dutyOp } from './scheduler.ts';

const T0 = Date.UTC(2026, 11, 3, 6, 0);
const MIN = 60_000;

function base(): IncidentState {
  const r = replay([{ opId: '00000000-0000-4000-8000-000000000001', incidentId: 'i', actorId: 'ana', clientTime: T0, seq: 1, serverTime: T0, type: 'incident.create', payload: { title: 'T', severity: 'SEV1' } }]);
  if (!r.ok || !r.state) throw new Error('fixture');
  return r.state;
}

const help = (over: Partial<HelpRequest>): HelpRequest => ({
  id: 'h1', askedBy: 'ana', askedAt: T0, skills: ['db'], memberIds: [], urgency: 'now', text: 't', status: 'open', escalation: 0,
  ackBy: null, ackAt: null, closedBy: null, closedAt: null, ...over,
});
const withHelp = (h: HelpRequest, over: Partial<IncidentState> = {}): IncidentState => ({ ...base(), help: { [h.id]: h }, ...over });

describe('dueEscalations', () => {
  it.each([
    ['too early', help({}), T0 + 4 * MIN, []],
    ['level 1 after the delay', help({}), T0 + 5 * MIN, [{ kind: 'escalate', helpId: 'h1', level: 1, dueAt: T0 + 5 * MIN }]],
    ['level 2 after twice the delay', help({ escalation: 1 }), T0 + 10 * MIN, [{ kind: 'escalate', helpId: 'h1', level: 2, dueAt: T0 + 10 * MIN }]],
    ['already at level 1', help({ escalation: 1 }), T0 + 6 * MIN, []],
    ['after a long downtime only level 2', help({}), T0 + 60 * MIN, [{ kind: 'escalate', helpId: 'h1', level: 2, dueAt: T0 + 10 * MIN }]],
    ['no skills: straight to everyone', help({ skills: [], memberIds: ['bo'] }), T0 + 5 * MIN, [{ kind: 'escalate', helpId: 'h1', level: 2, dueAt: T0 + 5 * MIN }]],
    ['acknowledged: never', help({ status: 'acknowledged' }), T0 + 60 * MIN, []],
    ['cancelled: never', help({ status: 'cancelled' }), T0 + 60 * MIN, []],
  ] as const)('%s', (_name, h, now, expected) => {
    expect(dueEscalations(withHelp(h), now, 5)).toEqual(expected);
  });

  it('a resolved incident owes nothing, and an id like __proto__ is just an id', () => {
    expect(dueEscalations(withHelp(help({}), { status: 'resolved' }), T0 + 60 * MIN, 5)).toEqual([]);
    expect(dueEscalations(withHelp(help({ id: '__proto__' })), T0 + 5 * MIN, 5)).toEqual([{ kind: 'escalate', helpId: '__proto__', level: 1, dueAt: T0 + 5 * MIN }]);
  });

  it('decimal minutes work (tests use seconds)', () => {
    expect(dueEscalations(withHelp(help({})), T0 + 1_200, 0.02)).toHaveLength(1);
  });
});

describe('dueReminder', () => {
  it('is due a cadence after the declaration, once per missed cadence, and never when resolved', () => {
    const s = base();
    expect(dueReminder(s, T0 + 14 * MIN)).toBeNull();
    expect(dueReminder(s, T0 + 15 * MIN)).toEqual({ kind: 'reminder', dueAt: T0 + 15 * MIN, round: 0, roundAt: T0 + 15 * MIN });
    expect(dueReminder(s, T0 + 31 * MIN)).toMatchObject({ round: 1, roundAt: T0 + 30 * MIN });
    expect(dueReminder({ ...s, status: 'resolved' }, T0 + 31 * MIN)).toBeNull();
  });

  it('is done once the timeline has a reminder logged since the round fell due', () => {
    const s = base();
    const op = { ...dutyOp('i', { kind: 'reminder', dueAt: T0 + 15 * MIN, round: 0, roundAt: T0 + 15 * MIN }, false, T0 + 15 * MIN), seq: 2, serverTime: T0 + 15 * MIN + 5 };
    const r = replay([op as never], s);
    if (!r.ok || !r.state) throw new Error('reminder refused');
    expect(dueReminder(r.state, T0 + 16 * MIN)).toBeNull();
    expect(dueReminder(r.state, T0 + 30 * MIN)).toMatchObject({ round: 1 });
  });
});

describe('nextDutyAt', () => {
  const reminded = (() => {
    const op = { ...dutyOp('i', { kind: 'reminder', dueAt: T0 + 15 * MIN, round: 0, roundAt: T0 + 15 * MIN }, false, T0 + 15 * MIN), seq: 2, serverTime: T0 + 15 * MIN + 5 };
    const r = replay([op as never], base());
    if (!r.ok || !r.state) throw new Error('reminder refused');
    return r.state;
  })();
  it.each([
    ['first reminder', base(), T0, T0 + 15 * MIN],
    ['a help request widens before the reminder', withHelp(help({ askedAt: T0 + 2 * MIN })), T0, T0 + 7 * MIN],
    ['level 2 after level 1', withHelp(help({ escalation: 1 })), T0 + 6 * MIN, T0 + 10 * MIN],
    ['a reminder round already done: the next round', reminded, T0 + 16 * MIN, T0 + 30 * MIN],
    ['due now: a time already passed', base(), T0 + 20 * MIN, T0 + 15 * MIN],
    ['answered help and done reminder: the next round', withHelp(help({ status: 'acknowledged' }), reminded), T0 + 16 * MIN, T0 + 30 * MIN],
    ['resolved: never', withHelp(help({}), { status: 'resolved' }), T0, null],
    ['archived: never', { ...base(), archivedAt: T0 }, T0, null],
  ] as const)('%s', (_name, state, now, expected) => {
    expect(nextDutyAt(state as IncidentState, now, 5)).toBe(expected);
  });

  it('nothing is due before it and something is due at it (probed every minute for two hours)', () => {
    const states = [base(), reminded, withHelp(help({ askedAt: T0 + 3 * MIN })), withHelp(help({ escalation: 1, skills: [] }), reminded)];
    for (const s of states) {
      for (let from = T0; from < T0 + 120 * MIN; from += 7 * MIN) {
        const at = nextDutyAt(s, from, 5);
        if (at === null) throw new Error('an active incident always has a next reminder');
        if (at <= from) {
          expect(dueDuties(s, from, 5).length).toBeGreaterThan(0);
          continue;
        }
        for (let t = from; t < at; t += MIN) expect(dueDuties(s, t, 5)).toEqual([]);
        expect(dueDuties(s, at, 5).length).toBeGreaterThan(0);
      }
    }
  });
});

describe('derived ids', () => {
  it('are stable UUIDs per key, different per part, and ignore late', () => {
    const id = derivedUuid('help.escalate', 'i', 'h1', 1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid('help.escalate', 'i', 'h1', 1)).toBe(id);
    expect(derivedUuid('help.escalate', 'i', 'h1', 2)).not.toBe(id);
    expect(derivedUuid('a:b', 'c')).not.toBe(derivedUuid('a', 'b:c'));
    const d = { kind: 'escalate', helpId: 'h1', level: 1, dueAt: T0 } as const;
    expect(dutyOp('i', d, true, T0).opId).toBe(dutyOp('i', d, false, T0 + 9).opId);
    expect(derivedId('alert-', 'x')).toMatch(/^alert-[0-9a-f]{24}$/);
  });
});
