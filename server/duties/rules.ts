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

/**
 * The earliest time at which dueDuties can return something for this state (≤ now when something
 * is due already), or null when it never will (resolved or archived). Lets the duty clock leave a
 * cold incident out of memory until then, as long as its head has not moved.
 */
export function nextDutyAt(state: IncidentState, now: number, afterMin: number): number | null {
  if (state.status === 'resolved' || state.archivedAt !== null) return null;
  const step = afterMin * 60_000;
  let next = Infinity;
  for (const h of Object.values(state.help)) {
    if (h.status !== 'open' || h.escalation >= 2) continue;
    next = Math.min(next, h.askedAt + (h.escalation < 1 ? step : 2 * step));
  }
  const dueAt = nextUpdateDueAt(state);
  if (dueAt !== null) {
    const cadenceMs = cadenceMinutes(state) * 60_000;
    // The first round from now on that the timeline has not done yet (a logged reminder can only
    // cover rounds up to when it was logged, so this ends after a round or two; the cap is a guard).
    let round = now < dueAt ? 0 : Math.floor((now - dueAt) / cadenceMs);
    for (let i = 0; i < 100 && dueReminder(state, dueAt + round * cadenceMs) === null; i++) round++;
    next = Math.min(next, dueAt + round * cadenceMs);
  }
  return next === Infinity ? null : next;
}
