/**
 * Notifications for live changes that concern me: help that reaches me (asked, or widened by the
 * server's escalation), a role given to me, and the server's duty notices addressed to me.
 */
import { helpTargets } from '../store/helpRules.ts';
import type { StoreCtx } from '../store/context.ts';
import type { WarRoomState } from '../store/types.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { IncidentNotice } from '../../shared/protocol.ts';
import { memberName } from '../../shared/reducer.ts';
import { own } from '../../shared/model.ts';

export function notifyForOps(s: WarRoomState, ctx: StoreCtx, ops: readonly CommittedOp[]): void {
  const platform = ctx.platform;
  const state = s.committed;
  const me = s.prefs.clientId;
  if (!platform || !state || !s.prefs.notifications) return;
  const skills = own(state.members, me)?.skills ?? s.prefs.skills;
  for (const op of ops) {
    if (op.actorId === me) continue;
    let title: string | null = null;
    let body = '';
    switch (op.type) {
      case 'help.ask':
      case 'help.escalate': {
        const h = own(state.help, op.payload.helpId);
        if (!h || h.status !== 'open' || !helpTargets(h, me, skills)) break;
        title = `${h.urgency === 'now' ? 'Help needed now' : 'Help requested'}: ${state.title}`;
        body = `${memberName(state, h.askedBy)}: ${h.text}`;
        break;
      }
      case 'incident.role':
        if (op.payload.memberId === me) {
          title = `You are now ${op.payload.role}`;
          body = `${memberName(state, op.actorId)} gave you the ${op.payload.role} role in ${state.title}.`;
        }
        break;
      case 'task.add':
      case 'task.update':
        if (op.payload.assigneeId === me) {
          title = 'A task was assigned to you';
          body = own(state.tasks, op.payload.taskId)?.title ?? '';
        }
        break;
      default:
        break;
    }
    if (title) void platform.notify({ title, body, incidentId: state.id }).catch(() => undefined);
  }
}

/** A duty notice (update overdue, postmortem due) becomes a notification when it names me, or everyone. */
export function notifyForNotice(s: WarRoomState, ctx: StoreCtx, notice: IncidentNotice): void {
  const me = s.prefs.clientId;
  if (!ctx.platform || !s.prefs.notifications) return;
  if (notice.memberIds !== null && !notice.memberIds.includes(me)) return;
  void ctx.platform.notify({ title: notice.title, body: notice.body, incidentId: notice.incidentId }).catch(() => undefined);
}
