/** Pure rules about help requests: who they reach and when they widen. */
import type { HelpRequest, IncidentState } from '../../shared/model.ts';

/** True when the request currently reaches this member (named, by skill at level 0/1, or everyone at level 2). */
export function helpTargets(h: HelpRequest, memberId: string, skills: readonly string[]): boolean {
  if (h.askedBy === memberId) return false;
  if (h.escalation >= 2) return true;
  if (h.memberIds.includes(memberId)) return true;
  // Level 1 widens to everyone with the skill; at level 0 a skill already reaches everyone who has it.
  if (h.skills.length === 0) return h.escalation >= 1;
  const mine = new Set(skills.map((s) => s.toLowerCase()));
  return h.skills.some((s) => mine.has(s.toLowerCase()));
}

export interface DueEscalation {
  helpId: string;
  level: 1 | 2;
}

/**
 * Escalations this member's client should send now. Only the asker's client sends them, so one
 * request never causes a storm of identical ops from every viewer. A request with no skills has
 * nothing to widen to at level 1, so it goes straight to everyone.
 */
export function dueEscalations(state: IncidentState, me: string, now: number, afterMin: number): DueEscalation[] {
  const step = afterMin * 60_000;
  const out: DueEscalation[] = [];
  for (const h of Object.values(state.help)) {
    if (h.askedBy !== me || h.status !== 'open' || h.escalation >= 2) continue;
    const waited = now - h.askedAt;
    let target: 0 | 1 | 2 = waited >= 2 * step ? 2 : waited >= step ? 1 : 0;
    if (target === 1 && h.skills.length === 0) target = 2;
    if (target > h.escalation) out.push({ helpId: h.id, level: target as 1 | 2 });
  }
  return out;
}
