/** The op log's vocabulary: one zod schema per op type, with bounds on every string and list. */
import { z } from 'zod';
import {
  MAX_ID_CHARS, MAX_LIST_ITEMS, MAX_NAME_CHARS, MAX_SHORT_TEXT_CHARS, MAX_SKILL_CHARS, MAX_SKILLS,
  MAX_TARGET_MEMBERS, MAX_TEXT_CHARS, MAX_TITLE_CHARS,
} from './constants.ts';
import {
  ACTION_PRIORITIES, ACTION_STATUSES, ACTION_TYPES, ALERT_STATUSES, AVAILABILITIES, ROLES, SEVERITIES, STATUSES, TASK_COLUMNS,
  URGENCIES, USER_ENTRY_KINDS,
} from './model.ts';
import { isValidTimeZone } from './time.ts';

const text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` });
const nonEmpty = (max: number) => z.string().trim().min(1, { message: 'must not be empty' }).max(max, { message: `must be at most ${max} characters` });
export const idSchema = z.string().regex(/^[A-Za-z0-9_.:-]+$/, { message: 'may use only letters, digits and _ . : -' }).min(1).max(MAX_ID_CHARS);
/** Epoch milliseconds between 2000 and 2200. */
export const timeSchema = z.number().int().min(946_684_800_000).max(7_258_118_400_000);
const skills = z.array(nonEmpty(MAX_SKILL_CHARS)).max(MAX_SKILLS);
const lines = z.array(text(MAX_SHORT_TEXT_CHARS * 4)).max(MAX_LIST_ITEMS);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' });
const timeZone = z.string().max(64).refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' });
const cadence = z.number().int().min(1).max(24 * 60);
/** An http(s) URL a person can open; other schemes (javascript:, data:) are refused. */
const url = z.string().max(MAX_SHORT_TEXT_CHARS * 4).refine((v) => /^https?:\/\/[^\s]+$/i.test(v), { message: 'must be an http:// or https:// link' });
const services = z.array(nonEmpty(MAX_NAME_CHARS)).max(MAX_LIST_ITEMS);
const links = z.array(p0({ label: text(MAX_NAME_CHARS), url })).max(MAX_LIST_ITEMS);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable();
const keyTimes = {
  startedAt: timeSchema.optional(),
  detectedAt: timeSchema.nullable().optional(),
  acknowledgedAt: timeSchema.nullable().optional(),
  mitigatedAt: timeSchema.nullable().optional(),
  impactEndedAt: timeSchema.nullable().optional(),
};
const actionFields = {
  title: nonEmpty(MAX_TITLE_CHARS),
  description: text(MAX_TEXT_CHARS).optional(),
  ownerId: idSchema.nullable().optional(),
  priority: z.enum(ACTION_PRIORITIES),
  type: z.enum(ACTION_TYPES),
  dueAt: timeSchema.nullable().optional(),
  ticketUrl: z.union([z.literal(''), url]).optional(),
};
const alertLabel = p0({ name: nonEmpty(MAX_NAME_CHARS), value: text(MAX_SHORT_TEXT_CHARS) });

const p = z.strictObject;
function p0<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape);
}

export const payloadSchemas = {
  'incident.create': p({
    title: nonEmpty(MAX_TITLE_CHARS),
    severity: z.enum(SEVERITIES),
    summary: text(MAX_TEXT_CHARS).optional(),
    impact: text(MAX_TEXT_CHARS).optional(),
    /** When the impact started (backdating); defaults to the declaration. */
    startedAt: timeSchema.optional(),
    detectedAt: timeSchema.optional(),
    services: services.optional(),
  }),
  'incident.update': p({
    title: nonEmpty(MAX_TITLE_CHARS).optional(),
    summary: text(MAX_TEXT_CHARS).optional(),
    impact: text(MAX_TEXT_CHARS).optional(),
    customerImpact: text(MAX_TEXT_CHARS).optional(),
    services: services.optional(),
    links: links.optional(),
    cadenceMin: cadence.nullable().optional(),
  }),
  /** Sets key times by hand (backdating a detection, correcting mitigation…); each change is a timeline row. */
  'incident.times': p(keyTimes).refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'set at least one time' }),
  /** Lead only (checked by the server): soft and undoable. */
  'incident.archive': p({ archived: z.boolean() }),
  /** Written by the server when a stakeholder update is overdue. */
  'incident.reminder': p({ kind: z.literal('update-overdue'), dueAt: timeSchema, late: z.boolean().optional() }),
  'incident.status': p({ status: z.enum(STATUSES), note: text(MAX_SHORT_TEXT_CHARS).optional() }),
  'incident.severity': p({ severity: z.enum(SEVERITIES), note: text(MAX_SHORT_TEXT_CHARS).optional() }),
  'incident.role': p({ role: z.enum(ROLES), memberId: idSchema.nullable() }),
  'timeline.add': p({
    entryId: idSchema,
    kind: z.enum(USER_ENTRY_KINDS),
    text: nonEmpty(MAX_TEXT_CHARS),
    occurredAt: timeSchema.optional(),
  }),
  'timeline.edit': p({ entryId: idSchema, text: nonEmpty(MAX_TEXT_CHARS) }),
  'timeline.delete': p({ entryId: idSchema }),
  'timeline.restore': p({ entryId: idSchema }),
  'timeline.pin': p({ entryId: idSchema, pinned: z.boolean() }),
  'task.add': p({
    taskId: idSchema,
    title: nonEmpty(MAX_TITLE_CHARS),
    description: text(MAX_TEXT_CHARS).optional(),
    column: z.enum(TASK_COLUMNS).optional(),
    assigneeId: idSchema.nullable().optional(),
    rank: z.number().finite().optional(),
    followUp: z.boolean().optional(),
    dueAt: timeSchema.nullable().optional(),
  }),
  'task.update': p({
    taskId: idSchema,
    title: nonEmpty(MAX_TITLE_CHARS).optional(),
    description: text(MAX_TEXT_CHARS).optional(),
    assigneeId: idSchema.nullable().optional(),
    followUp: z.boolean().optional(),
    dueAt: timeSchema.nullable().optional(),
  }),
  'task.move': p({ taskId: idSchema, column: z.enum(TASK_COLUMNS), rank: z.number().finite() }),
  'task.delete': p({ taskId: idSchema }),
  'task.restore': p({ taskId: idSchema }),
  'member.join': p({
    name: nonEmpty(MAX_NAME_CHARS),
    timeZone,
    skills: skills.optional(),
    workingHours: p({ start: hhmm, end: hhmm }).optional(),
    availability: z.enum(AVAILABILITIES).optional(),
  }),
  'member.update': p({
    name: nonEmpty(MAX_NAME_CHARS).optional(),
    timeZone: timeZone.optional(),
    skills: skills.optional(),
    workingHours: p({ start: hhmm, end: hhmm }).optional(),
    availability: z.enum(AVAILABILITIES).optional(),
  }),
  'help.ask': p({
    helpId: idSchema,
    skills: skills,
    memberIds: z.array(idSchema).max(MAX_TARGET_MEMBERS),
    urgency: z.enum(URGENCIES),
    text: nonEmpty(MAX_TEXT_CHARS),
  }).refine((v) => v.skills.length > 0 || v.memberIds.length > 0, { message: 'name at least one skill or person to ask' }),
  'help.ack': p({ helpId: idSchema, text: text(MAX_SHORT_TEXT_CHARS).optional() }),
  'help.resolve': p({ helpId: idSchema, text: text(MAX_SHORT_TEXT_CHARS).optional() }),
  'help.cancel': p({ helpId: idSchema }),
  /** `late`: the server was down when it was due and fired it on start. */
  'help.escalate': p({ helpId: idSchema, level: z.union([z.literal(1), z.literal(2)]), late: z.boolean().optional() }),
  'postmortem.update': p({
    summary: text(MAX_TEXT_CHARS).optional(),
    trigger: text(MAX_TEXT_CHARS).optional(),
    rootCause: text(MAX_TEXT_CHARS).optional(),
    contributingFactors: lines.optional(),
    detection: text(MAX_TEXT_CHARS).optional(),
    whatWentWell: lines.optional(),
    whatWentWrong: lines.optional(),
    whereWeGotLucky: lines.optional(),
    lessons: lines.optional(),
    customersAffected: count.optional(),
    requestsFailed: count.optional(),
    ordersLost: count.optional(),
  }),
  'postmortem.action.add': p({ actionId: idSchema, ...actionFields }),
  'postmortem.action.update': p({
    actionId: idSchema,
    title: actionFields.title.optional(),
    description: actionFields.description,
    ownerId: actionFields.ownerId,
    priority: actionFields.priority.optional(),
    type: actionFields.type.optional(),
    dueAt: actionFields.dueAt,
    ticketUrl: actionFields.ticketUrl,
    status: z.enum(ACTION_STATUSES).optional(),
  }),
  'postmortem.action.delete': p({ actionId: idSchema }),
  'postmortem.action.restore': p({ actionId: idSchema }),
  /** Written by the server from a monitoring webhook; entryId is derived from fingerprint + status + startsAt. */
  'alert.record': p({
    entryId: idSchema,
    source: z.enum(['alertmanager', 'grafana']),
    status: z.enum(ALERT_STATUSES),
    name: nonEmpty(MAX_TITLE_CHARS),
    fingerprint: nonEmpty(MAX_ID_CHARS * 2),
    labels: z.array(alertLabel).max(MAX_LIST_ITEMS),
    summary: text(MAX_TEXT_CHARS),
    description: text(MAX_TEXT_CHARS),
    startsAt: timeSchema,
    endsAt: timeSchema.nullable(),
    generatorUrl: z.union([z.literal(''), url]),
  }),
} as const;

export type OpType = keyof typeof payloadSchemas;
export const OP_TYPES = Object.keys(payloadSchemas) as OpType[];
export type PayloadOf<T extends OpType> = z.infer<(typeof payloadSchemas)[T]>;

const envelope = {
  opId: z.uuid({ message: 'opId must be a UUID' }),
  incidentId: idSchema,
  actorId: idSchema,
  clientTime: timeSchema,
};

function unionOf<E extends z.ZodRawShape>(extra: E) {
  const variants = OP_TYPES.map((type) => p({ ...envelope, ...extra, type: z.literal(type), payload: payloadSchemas[type] }));
  return z.discriminatedUnion('type', variants as unknown as [typeof variants[number], ...typeof variants[number][]]);
}

/** A client's op as sent on the wire. */
export const opSchema = unionOf({});

export type Op = { [T in OpType]: { opId: string; incidentId: string; actorId: string; clientTime: number; type: T; payload: PayloadOf<T> } }[OpType];
export type OpOf<T extends OpType> = Extract<Op, { type: T }>;

/** An op after the server ordered and stored it. */
export type CommittedOp = Op & { seq: number; serverTime: number };

export const committedOpSchema = unionOf({ seq: z.number().int().min(1), serverTime: timeSchema });

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: 'INVALID_OP' | 'UNKNOWN_OP_TYPE'; message: string };

function describe(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'op'}: ${i.message}`).join('; ');
}

/** Parses untrusted input into an op; never throws. */
// A UTF-16 surrogate without its pair: not text in any encoding (PostgreSQL's JSONB refuses it).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where the first string holding a lone surrogate is (`payload.text`), or null. */
export function loneSurrogateAt(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path || '(root)' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = loneSurrogateAt(v, path ? `${path}.${k}` : k);
    if (at) return at;
  }
  return null;
}

/**
 * Parses an op a client sent. Strings with a lone surrogate are refused (never repaired: the
 * server must not store text the person did not write). Stored ops are parsed by parseCommittedOp,
 * which does not add this rule, so nothing stored before it becomes unreadable.
 */
export function parseOp(input: unknown): ParseResult<Op> {
  if (typeof input === 'object' && input !== null && 'type' in input) {
    const type = (input as { type: unknown }).type;
    if (typeof type === 'string' && !(type in payloadSchemas)) {
      return { ok: false, code: 'UNKNOWN_OP_TYPE', message: `Unknown op type "${type.slice(0, 40)}".` };
    }
  }
  const r = opSchema.safeParse(input);
  if (!r.success) return { ok: false, code: 'INVALID_OP', message: `Invalid op: ${describe(r.error)}` };
  const lone = loneSurrogateAt(r.data);
  if (lone) return { ok: false, code: 'INVALID_OP', message: `Invalid op: ${lone}: contains an unpaired UTF-16 surrogate (not valid text)` };
  return { ok: true, value: r.data as Op };
}

/** Parses a stored or received committed op; never throws. */
export function parseCommittedOp(input: unknown): ParseResult<CommittedOp> {
  const r = committedOpSchema.safeParse(input);
  if (!r.success) return { ok: false, code: 'INVALID_OP', message: `Invalid committed op: ${describe(r.error)}` };
  return { ok: true, value: r.data as CommittedOp };
}
