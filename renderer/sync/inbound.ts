/** Parses what the server sends before anything else touches it (house rule: zod first). */
import { z } from 'zod';
import type { IncidentState, IncidentSummary } from '../../shared/model.ts';
import { SEVERITIES, STATUSES } from '../../shared/model.ts';
import { parseCommittedOp, type CommittedOp } from '../../shared/ops.ts';
import type { HeadNotice, IncidentNotice, PresenceState } from '../../shared/protocol.ts';
import { ACCESS_ROLES, type AccessRole } from '../../shared/model.ts';
import { looksLikeState } from '../persistence/validate.ts';

const summarySchema = z.object({
  id: z.string().min(1).max(64),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(STATUSES),
  startedAt: z.number(),
  declaredAt: z.number(),
  resolvedAt: z.number().nullable(),
  archivedAt: z.number().nullable(),
  lastUpdateAt: z.number().nullable(),
  headSeq: z.number().int().min(0),
  commanderId: z.string().nullable(),
  commanderName: z.string().nullable(),
  memberCount: z.number().int().min(0),
  online: z.number().int().min(0),
});

const noticeSchema = z.object({
  incidentId: z.string().min(1).max(64),
  kind: z.enum(['update-overdue', 'postmortem-due']),
  memberIds: z.array(z.string().max(64)).max(1_000).nullable(),
  title: z.string().max(500),
  body: z.string().max(2_000),
  seq: z.number().int().min(1),
  late: z.boolean(),
});

/** A duty's notice from the server (incident:notice), or null when it does not parse. */
export function parseNotice(input: unknown): IncidentNotice | null {
  const r = noticeSchema.safeParse(input);
  return r.success ? r.data : null;
}

const presenceSchema = z.object({
  incidentId: z.string(),
  members: z.array(z.object({ clientId: z.string(), connections: z.number().int().min(0), typing: z.boolean() })).max(10_000),
});

const headSchema = z.object({
  incidentId: z.string().min(1).max(64),
  headSeq: z.number().int().min(0),
  storeAvailable: z.boolean(),
});

export function parseHead(input: unknown): HeadNotice | null {
  const r = headSchema.safeParse(input);
  return r.success ? r.data : null;
}

export function parseSummary(input: unknown): IncidentSummary | null {
  const r = summarySchema.safeParse(input);
  return r.success ? r.data : null;
}

export function parseSummaries(input: unknown): IncidentSummary[] {
  return Array.isArray(input) ? input.map(parseSummary).filter((s): s is IncidentSummary => s !== null) : [];
}

export function parsePresence(input: unknown): PresenceState | null {
  const r = presenceSchema.safeParse(input);
  return r.success ? r.data : null;
}

export interface ParsedJoin {
  snapshot: { seq: number; state: IncidentState } | null;
  ops: CommittedOp[];
  headSeq: number;
  access: AccessRole;
}

/** Checks a join answer: valid ops of this incident in seq order, a snapshot that fits. */
export function parseJoinResult(input: unknown, incidentId: string): { ok: true; value: ParsedJoin } | { ok: false; message: string } {
  const bad = (why: string) => ({ ok: false as const, message: `The server's answer to joining was not understood (${why}).` });
  if (typeof input !== 'object' || input === null) return bad('not an object');
  const r = input as Record<string, unknown>;
  if (typeof r.headSeq !== 'number' || !Array.isArray(r.ops)) return bad('missing fields');
  if (!ACCESS_ROLES.includes(r.access as AccessRole)) return bad('unknown access');
  let snapshot: ParsedJoin['snapshot'] = null;
  if (r.snapshot !== undefined && r.snapshot !== null) {
    const s = r.snapshot as Record<string, unknown>;
    if (typeof s.seq !== 'number' || !looksLikeState(s.state, incidentId) || s.state.headSeq !== s.seq) return bad('damaged snapshot');
    snapshot = { seq: s.seq, state: s.state };
  }
  const ops: CommittedOp[] = [];
  for (const raw of r.ops) {
    const p = parseCommittedOp(raw);
    if (!p.ok) return bad(p.message);
    if (p.value.incidentId !== incidentId) return bad('an op of another incident');
    const prev = ops[ops.length - 1];
    if (prev && p.value.seq !== prev.seq + 1) return bad('ops out of order');
    ops.push(p.value);
  }
  return { ok: true, value: { snapshot, ops, headSeq: r.headSeq, access: r.access as AccessRole } };
}
