/**
 * A zod schema for a folded IncidentState. Only JSON exports that start from a snapshot carry a
 * state; the importer validates it so a damaged or crafted file cannot crash the review screen.
 */
import {
  ACTION_PRIORITIES, ACTION_STATUSES, ACTION_TYPES, ALERT_STATUSES, KEY_MOMENTS, AVAILABILITIES, ENTRY_KINDS, HELP_STATUSES, MAX_TEXT_CHARS, ROLES, SEVERITIES, STATUSES, TASK_COLUMNS, URGENCIES,
  idSchema, timeSchema, type IncidentState,
} from './deps.ts';
import { z } from 'zod';

const text = z.string().max(MAX_TEXT_CHARS);

/**
 * A keyed collection whose keys may be any id, `__proto__` included: zod's own z.record assigns
 * keys and silently drops that one, which would lose a record on import.
 */
function keyed<T extends z.ZodType>(value: T) {
  return z.custom<Record<string, z.infer<T>>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'must be an object' })
    .transform((v, ctx) => {
      const out: Record<string, z.infer<T>> = {};
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        const r = value.safeParse(item);
        if (!r.success) {
          ctx.addIssue({ code: 'custom', path: [key], message: r.error.issues[0]?.message ?? 'invalid' });
          return z.NEVER;
        }
        if ((r.data as { id?: unknown }).id !== key) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'is stored under another id' });
          return z.NEVER;
        }
        Object.defineProperty(out, key, { value: r.data, enumerable: true, writable: true, configurable: true });
      }
      return out;
    });
}
const time = timeSchema;
const maybeTime = timeSchema.nullable();
const maybeId = idSchema.nullable();
const seq = z.number().int().min(0);

const entry = z.object({
  id: z.string().min(1).max(128), seq, kind: z.enum(ENTRY_KINDS), text, authorId: idSchema,
  occurredAt: time, loggedAt: time, pinned: z.boolean(),
  history: z.array(z.object({ text, at: time, by: idSchema })),
  editedAt: maybeTime, editedBy: maybeId, deletedAt: maybeTime, deletedBy: maybeId, ref: z.string().max(128).nullable(),
  moment: z.enum(KEY_MOMENTS).nullable(),
  alert: z.object({
    source: z.enum(['alertmanager', 'grafana']), status: z.enum(ALERT_STATUSES), name: text, fingerprint: z.string().max(128),
    labels: z.array(z.object({ name: text, value: text })), summary: text, description: text, startsAt: time, endsAt: maybeTime,
    generatorUrl: text,
  }).nullable(),
});

const task = z.object({
  id: idSchema, title: text, description: text, column: z.enum(TASK_COLUMNS), assigneeId: maybeId, rank: z.number().finite(),
  followUp: z.boolean(), dueAt: maybeTime, createdAt: time, createdBy: idSchema, updatedAt: time, doneAt: maybeTime, deletedAt: maybeTime,
});

const member = z.object({
  id: idSchema, name: text, timeZone: z.string().max(64), skills: z.array(z.string().max(100)),
  workingHours: z.object({ start: z.string().max(5), end: z.string().max(5) }),
  availability: z.enum(AVAILABILITIES), joinedAt: time,
});

const help = z.object({
  id: idSchema, askedBy: idSchema, askedAt: time, skills: z.array(z.string().max(100)), memberIds: z.array(idSchema),
  urgency: z.enum(URGENCIES), text, status: z.enum(HELP_STATUSES), escalation: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  ackBy: maybeId, ackAt: maybeTime, closedBy: maybeId, closedAt: maybeTime,
});

const lines = z.array(text);
const count = z.number().int().min(0).nullable();
const action = z.object({
  id: idSchema, title: text, description: text, ownerId: maybeId, priority: z.enum(ACTION_PRIORITIES), type: z.enum(ACTION_TYPES),
  dueAt: maybeTime, ticketUrl: text, status: z.enum(ACTION_STATUSES), createdAt: time, createdBy: idSchema, updatedAt: time,
  deletedAt: maybeTime,
});

const roles = z.object(Object.fromEntries(ROLES.map((r) => [r, maybeId])) as Record<(typeof ROLES)[number], typeof maybeId>);

export const incidentStateSchema = z.object({
  id: idSchema, title: text, severity: z.enum(SEVERITIES), status: z.enum(STATUSES), summary: text, impact: text,
  customerImpact: text, services: lines, links: z.array(z.object({ label: text, url: text })),
  createdBy: idSchema, startedAt: time, detectedAt: maybeTime, declaredAt: time, acknowledgedAt: maybeTime, mitigatedAt: maybeTime,
  impactEndedAt: maybeTime, firstResolvedAt: maybeTime, resolvedAt: maybeTime,
  statusHistory: z.array(z.object({ status: z.enum(STATUSES), at: time, by: idSchema, seq })),
  roles, roleHistory: z.array(z.object({ role: z.enum(ROLES), memberId: idSchema, from: time, to: maybeTime })), archivedAt: maybeTime,
  cadenceMin: z.number().int().min(1).nullable(), lastUpdateAt: maybeTime,
  timeline: z.array(entry), tasks: keyed(task), members: keyed(member), help: keyed(help),
  postmortem: z.object({
    summary: text, trigger: text, rootCause: text, contributingFactors: lines, detection: text, whatWentWell: lines,
    whatWentWrong: lines, whereWeGotLucky: lines, lessons: lines, customersAffected: count, requestsFailed: count, ordersLost: count,
    actionItems: z.array(action),
  }),
  headSeq: seq, updatedAt: time,
}) satisfies z.ZodType<IncidentState>;
