/**
 * The lossless export: the committed op log (plus the snapshot it starts from, if the exporter did
 * not hold the log from seq 1, and any unsynced local ops), with a SHA-256 checksum. Importing it
 * refolds the log with the shared reducer and checks the result against the exported state hash.
 */
import {
  MAX_IMPORT_CHARS, SEVERITIES, STATUSES, apply, canonicalJson, idSchema, parseCommittedOp, parseOp, refuse, replay,
  stateHash, timeSchema, type CommittedOp, type IncidentState, type Op, type Refusal,
} from './deps.ts';
import { z } from 'zod';
import { incidentStateSchema } from './stateSchema.ts';

export const EXPORT_FORMAT_ID = 'warroom-export';
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportBase {
  seq: number;
  state: IncidentState;
}

export interface ExportIncidentSummary {
  id: string;
  title: string;
  severity: IncidentState['severity'];
  status: IncidentState['status'];
  startedAt: number;
  resolvedAt: number | null;
  headSeq: number;
  /** shared/hash.ts stateHash of the committed state (pending ops not applied). */
  stateHash: string;
}

/** The file's shape (version 1). */
export interface ExportDocument {
  format: typeof EXPORT_FORMAT_ID;
  version: typeof EXPORT_FORMAT_VERSION;
  exportedAt: number;
  incident: ExportIncidentSummary;
  base: ExportBase | null;
  ops: CommittedOp[];
  pending: Op[];
  /** "sha256:<hex>" of the canonical JSON of every other field. */
  checksum: string;
}

export interface JsonExportInput {
  /** Committed ops in seq order: from seq 1, or from base.seq + 1. */
  ops: readonly CommittedOp[];
  base?: ExportBase | null;
  /** Local ops not yet acknowledged by the server, in outbox order. */
  pending?: readonly Op[];
  exportedAt: number;
}

export interface ImportedIncident {
  exportedAt: number;
  incident: ExportIncidentSummary;
  base: ExportBase | null;
  ops: CommittedOp[];
  pending: Op[];
  /** The fold of the committed log: exactly the exported incident. */
  committed: IncidentState;
  /** committed with the pending ops applied on top (what the exporter saw on screen). */
  state: IncidentState;
  /** Pending ops the reducer refused on top of the committed log (dropped from `state`). */
  droppedPending: Op[];
  /**
   * False when the refolded incident's hash differs from the one recorded at export: the file is
   * intact (checksum) but another War Room version folds it differently. Show it, with a warning.
   */
  stateMatches: boolean;
}

export type ImportResult = { ok: true; value: ImportedIncident } | Refusal;

async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}

const checksumOf = async (doc: Omit<ExportDocument, 'checksum'>): Promise<string> => `sha256:${await sha256Hex(canonicalJson(doc))}`;

/** Applies outbox ops as the client does: next seqs, server time = client time; refusals are dropped. */
export function applyPending(state: IncidentState, pending: readonly Op[]): { state: IncidentState; dropped: Op[] } {
  let s = state;
  const dropped: Op[] = [];
  for (const op of pending) {
    const r = apply(s, { ...op, seq: s.headSeq + 1, serverTime: op.clientTime } as CommittedOp);
    if (r.ok) s = r.state;
    else dropped.push(op);
  }
  return { state: s, dropped };
}

function fold(ops: readonly CommittedOp[], base: ExportBase | null): { ok: true; state: IncidentState } | Refusal {
  const r = replay(ops, base?.state ?? null);
  if (!r.ok) return refuse('IMPORT_INVALID', `change #${r.seq} does not apply: ${r.message}`);
  if (!r.state) return refuse('IMPORT_INVALID', 'the file holds no incident');
  return { ok: true, state: r.state };
}

const line = (v: unknown) => JSON.stringify(v);
const block = (items: readonly unknown[]) => (items.length === 0 ? '[]' : `[\n${items.map((o) => `    ${line(o)}`).join(',\n')}\n  ]`);

/** Writes the export (one op per line, so the file diffs and greps well). Throws if the log does not fold. */
export async function formatJson(input: JsonExportInput): Promise<string> {
  const base = input.base ?? null;
  const folded = fold(input.ops, base);
  if (!folded.ok) throw new Error(folded.message);
  const s = folded.state;
  const body: Omit<ExportDocument, 'checksum'> = {
    format: EXPORT_FORMAT_ID, version: EXPORT_FORMAT_VERSION, exportedAt: input.exportedAt,
    incident: {
      id: s.id, title: s.title, severity: s.severity, status: s.status, startedAt: s.startedAt,
      resolvedAt: s.resolvedAt, headSeq: s.headSeq, stateHash: stateHash(s),
    },
    base, ops: [...input.ops], pending: [...(input.pending ?? [])],
  };
  const checksum = await checksumOf(body);
  return [
    '{',
    `  "format": ${line(body.format)},`,
    `  "version": ${line(body.version)},`,
    `  "exportedAt": ${line(body.exportedAt)},`,
    `  "incident": ${line(body.incident)},`,
    `  "base": ${line(body.base)},`,
    `  "ops": ${block(body.ops)},`,
    `  "pending": ${block(body.pending)},`,
    `  "checksum": ${line(checksum)}`,
    '}',
    '',
  ].join('\n');
}

const envelopeSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT_ID),
  version: z.number().int(),
  exportedAt: timeSchema,
  incident: z.strictObject({
    id: idSchema, title: z.string(), severity: z.enum(SEVERITIES), status: z.enum(STATUSES),
    startedAt: timeSchema, resolvedAt: timeSchema.nullable(), headSeq: z.number().int().min(0), stateHash: z.string().regex(/^[0-9a-f]{16}$/),
  }),
  base: z.strictObject({ seq: z.number().int().min(1), state: z.unknown() }).nullable(),
  ops: z.array(z.unknown()),
  pending: z.array(z.unknown()),
  checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

const invalid = (why: string) => refuse('IMPORT_INVALID', why);

/** Reads an export made by formatJson; refuses with IMPORT_INVALID / IMPORT_CHECKSUM and a sentence. Never throws. */
export async function importJson(text: string): Promise<ImportResult> {
  if (text.length > MAX_IMPORT_CHARS) return invalid(`the file is larger than ${MAX_IMPORT_CHARS} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalid('it is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== EXPORT_FORMAT_ID) {
    return invalid('it is not marked as a War Room export');
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && version > EXPORT_FORMAT_VERSION) {
    return invalid(`it was written by a newer War Room (format version ${version}); update the app to open it`);
  }
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) {
    const i = env.error.issues[0];
    return invalid(`${i?.path.join('.') || 'file'}: ${i?.message ?? 'unexpected shape'}`);
  }
  const { checksum, ...body } = env.data;
  if ((await checksumOf(body as Omit<ExportDocument, 'checksum'>)) !== checksum) return refuse('IMPORT_CHECKSUM');

  let base: ExportBase | null = null;
  if (env.data.base) {
    const st = incidentStateSchema.safeParse(env.data.base.state);
    if (!st.success) return invalid(`base state: ${st.error.issues[0]?.path.join('.')}: ${st.error.issues[0]?.message}`);
    base = { seq: env.data.base.seq, state: st.data };
  }
  const ops: CommittedOp[] = [];
  let expected = (base?.seq ?? 0) + 1;
  for (const [i, o] of env.data.ops.entries()) {
    const r = parseCommittedOp(o);
    if (!r.ok) return invalid(`op ${i + 1}: ${r.message}`);
    if (r.value.seq !== expected) return invalid(`op ${i + 1} has seq ${r.value.seq}, expected ${expected}: the log has a gap`);
    if (r.value.incidentId !== env.data.incident.id) return invalid(`op ${i + 1} belongs to another incident`);
    ops.push(r.value);
    expected++;
  }
  const pending: Op[] = [];
  for (const [i, o] of env.data.pending.entries()) {
    const r = parseOp(o);
    if (!r.ok) return invalid(`unsynced change ${i + 1}: ${r.message}`);
    pending.push(r.value);
  }
  // The checksum only proves the file is as someone wrote it: one who removed the last change and
  // recomputed it would pass. The header's own head seq and hash must also agree with the log.
  const lastSeq = expected - 1;
  if (lastSeq !== env.data.incident.headSeq) {
    return refuse('IMPORT_HEAD_MISMATCH', `the file says its log ends at change #${env.data.incident.headSeq}, but the log it holds ends at change #${lastSeq}`);
  }
  const folded = fold(ops, base);
  if (!folded.ok) return folded;
  const withPending = applyPending(folded.state, pending);
  return {
    ok: true,
    value: {
      exportedAt: env.data.exportedAt, incident: env.data.incident, base, ops, pending,
      committed: folded.state, state: withPending.state, droppedPending: withPending.dropped,
      stateMatches: stateHash(folded.state) === env.data.incident.stateHash,
    },
  };
}
