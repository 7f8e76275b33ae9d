/**
 * Notices that follow committed ops: an overdue-update reminder goes to the commander and comms, a
 * resolve asks for the postmortem. They are derived on the node that committed the op (each op is
 * committed by exactly one node), so every notice is sent once per cluster.
 */
import { own, type IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { IncidentNotice } from '../../shared/protocol.ts';

export function noticeFor(op: CommittedOp, state: IncidentState | null): IncidentNotice | null {
  if (!state) return null;
  if (op.type === 'incident.reminder') {
    const ids = [state.roles.commander, state.roles.comms].filter((id): id is string => id !== null);
    return {
      incidentId: op.incidentId, kind: 'update-overdue', memberIds: ids.length > 0 ? [...new Set(ids)] : null,
      title: `Stakeholder update overdue: ${state.title}`,
      body: 'Post an update for stakeholders (timeline entry of kind "update").',
      seq: op.seq, late: op.payload.late ?? false,
    };
  }
  if (op.type === 'incident.status' && op.payload.status === 'resolved') {
    const commander = state.roles.commander;
    return {
      incidentId: op.incidentId, kind: 'postmortem-due',
      memberIds: commander !== null && own(state.members, commander) ? [commander] : null,
      title: `Resolved: ${state.title}`,
      body: 'The incident is resolved. Start the postmortem while it is fresh.',
      seq: op.seq, late: false,
    };
  }
  return null;
}
