/**
 * What is due, as pure functions of an incident's state and the time: which help requests widen
 * (level 1: everyone with the skill, level 2: everyone) and whether a stakeholder update is overdue.
 * A resolved incident owes nothing.
 */
import type { IncidentState } from '../../shared/model.ts';
import { cadenceMinutes, nextUpdateDueAt } from '../../shared/reducer.ts';

export interface DueEscalation {
  kind: 'escalate';
  helpId: string;
  level: 1 | 2;
  dueAt: number;
}

export interface DueReminder {
  kind: 'reminder';
  /** When the update was due (the text names it). */
  dueAt: number;
  /** 0 for the first reminder, then one more per missed cadence while no update is posted. */
  round: number;
  /** When this round fell due. */
  roundAt: number;
}

export type DueDuty = DueEscalation | DueReminder;

/**
 * Escalations due now. Only open requests widen: an acknowledged one has someone on it. A request
 * with no skills has nothing to widen to at level 1, so it goes straight to everyone; after a long
 * downtime only the highest level due is sent.
 */
export function dueEscalations(state: IncidentState, now: number, afterMin: number): DueEscalation[] {
  if (state.status === 'resolved') return [];
  const step = afterMin * 60_000;
  const out: DueEscalation[] = [];
  for (const h of Object.values(state.help)) {
    if (h.status !== 'open' || h.escalation >= 2) continue;
    const at2 = h.askedAt + 2 * step;
    const at1 = h.askedAt + step;
    if (now >= at2) out.push({ kind: 'escalate', helpId: h.id, level: 2, dueAt: at2 });
    else if (now >= at1 && h.escalation < 1) {
      out.push(h.skills.length === 0 ? { kind: 'escalate', helpId: h.id, level: 2, dueAt: at1 } : { kind: 'escalate', helpId: h.id, level: 1, dueAt: at1 });
    }
  }
  return out;
}

/** The reminder round due now, unless the timeline already has it. */
export function dueReminder(state: IncidentState, now: number): DueReminder | null {
  const dueAt = nextUpdateDueAt(state);
  if (dueAt === null || now < dueAt) return null;
  const cadenceMs = cadenceMinutes(state) * 60_000;
  const round = Math.floor((now - dueAt) / cadenceMs);
  const roundAt = dueAt + round * cadenceMs;
  // The reminder row is logged after its round fell due; one logged since then means it is done.
  const done = state.timeline.some((e) => e.ref === 'reminder:update' && e.loggedAt >= roundAt);
  return done ? null : { kind: 'reminder', dueAt, round, roundAt };
}

export function dueDuties(state: IncidentState, now: number, afterMin: number): DueDuty[] {
  const r = dueReminder(state, now);
  return [...dueEscalations(state, now, afterMin), ...(r ? [r] : [])];
}
