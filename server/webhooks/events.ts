/**
 * Which committed ops become outbound webhook events, and their bodies: War Room's JSON, or a
 * Slack-compatible `{ text }` so an incoming-webhook URL works as is. The event id is the op's id
 * (plus its type), so a receiver can drop a redelivery.
 */
import { own, type IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { memberName } from '../../shared/reducer.ts';

export const WEBHOOK_EVENT_TYPES = [
  'incident.declared', 'incident.status_changed', 'incident.severity_changed', 'incident.role_changed',
  'incident.update_posted', 'help.asked', 'help.escalated', 'incident.resolved',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  /** When the op was committed, epoch ms. */
  at: number;
  seq: number;
  actor: { id: string; name: string };
  incident: { id: string; title: string; severity: string; status: string };
  /** What changed; its shape depends on type (docs: README "Webhooks out"). */
  data: Record<string, unknown>;
  /** A one-line description (the Slack text). */
  text: string;
}

function typed(op: CommittedOp, s: IncidentState): { type: WebhookEventType; data: Record<string, unknown>; text: string } | null {
  const name = (id: string | null) => memberName(s, id);
  switch (op.type) {
    case 'incident.create':
      return { type: 'incident.declared', data: { severity: op.payload.severity, summary: op.payload.summary ?? '' }, text: `Incident declared (${op.payload.severity}): ${op.payload.title}` };
    case 'incident.status':
      if (op.payload.status === 'resolved') return { type: 'incident.resolved', data: { note: op.payload.note ?? '' }, text: `Resolved: ${s.title}` };
      return { type: 'incident.status_changed', data: { status: op.payload.status, note: op.payload.note ?? '' }, text: `${s.title}: status is now ${op.payload.status}` };
    case 'incident.severity':
      return { type: 'incident.severity_changed', data: { severity: op.payload.severity, note: op.payload.note ?? '' }, text: `${s.title}: severity is now ${op.payload.severity}` };
    case 'incident.role':
      return {
        type: 'incident.role_changed', data: { role: op.payload.role, memberId: op.payload.memberId, memberName: op.payload.memberId ? name(op.payload.memberId) : null },
        text: op.payload.memberId ? `${s.title}: ${name(op.payload.memberId)} is now ${op.payload.role}` : `${s.title}: nobody is ${op.payload.role}`,
      };
    case 'timeline.add':
      if (op.payload.kind !== 'update') return null;
      return { type: 'incident.update_posted', data: { entryId: op.payload.entryId, text: op.payload.text }, text: `${s.title} — update: ${op.payload.text}` };
    case 'help.ask':
      return {
        type: 'help.asked', data: { helpId: op.payload.helpId, skills: op.payload.skills, urgency: op.payload.urgency, text: op.payload.text },
        text: `${s.title}: ${name(op.actorId)} asks for help (${op.payload.urgency})${op.payload.skills.length ? ` from ${op.payload.skills.map((k) => `#${k}`).join(' ')}` : ''}: ${op.payload.text}`,
      };
    case 'help.escalate': {
      const h = own(s.help, op.payload.helpId);
      return {
        type: 'help.escalated', data: { helpId: op.payload.helpId, level: op.payload.level, late: op.payload.late ?? false, text: h?.text ?? '' },
        text: `${s.title}: help request unanswered, escalated to ${op.payload.level === 1 ? 'everyone with the skill' : 'everyone'}${h ? `: ${h.text}` : ''}`,
      };
    }
    default:
      return null;
  }
}

/** The event for a committed op, given the incident's state after it; null for ops that send none. */
export function eventOf(op: CommittedOp, state: IncidentState | null): WebhookEvent | null {
  if (!state) return null;
  const t = typed(op, state);
  if (!t) return null;
  return {
    id: `${op.opId}:${t.type}`, type: t.type, at: op.serverTime, seq: op.seq,
    actor: { id: op.actorId, name: memberName(state, op.actorId) },
    incident: { id: state.id, title: state.title, severity: state.severity, status: state.status },
    data: t.data, text: t.text,
  };
}

export type WebhookFormat = 'json' | 'slack';

/** The HTTP body for one webhook: the event itself, or Slack's `{ text }`. */
export function bodyFor(format: WebhookFormat, event: WebhookEvent): string {
  return format === 'slack' ? JSON.stringify({ text: `[War Room] ${event.text}` }) : JSON.stringify(event);
}
