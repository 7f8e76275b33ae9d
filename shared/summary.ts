/** The incident list's row, computed the same way by the server, the client's own copy and test fakes. */
import { own, type IncidentState, type IncidentSummary } from './model.ts';

export function summarize(s: IncidentState, online = 0, headSeq = s.headSeq): IncidentSummary {
  const commanderId = s.roles.commander;
  return {
    id: s.id, title: s.title, severity: s.severity, status: s.status, startedAt: s.startedAt, declaredAt: s.declaredAt,
    resolvedAt: s.resolvedAt, archivedAt: s.archivedAt, lastUpdateAt: s.lastUpdateAt, headSeq, commanderId,
    commanderName: own(s.members, commanderId)?.name ?? null, memberCount: Object.keys(s.members).length, online,
  };
}
