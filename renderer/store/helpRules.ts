/** Pure rules about help requests: who they reach. When they widen is the server's (server/duties/rules.ts). */
import type { HelpRequest } from '../../shared/model.ts';

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
