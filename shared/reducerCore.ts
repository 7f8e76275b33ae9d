/**
 * Building blocks of the reducer: the fold context (copy or fold in place, passed as a parameter so
 * two callers never share a mode), system entries and keyed-collection updates.
 */
import { MAX_TEXT_CHARS } from './constants.ts';
import { refuse, type Refusal } from './errors.ts';
import {
  SERVER_ACTOR_ID, own, type EntryKind, type IncidentState, type KeyMoment, type TimelineEntry,
} from './model.ts';
import type { CommittedOp } from './ops.ts';
import { entryIndex, indexDerived } from './reducerIndex.ts';

export type ApplyResult = { ok: true; state: IncidentState } | Refusal;

export const ok = (state: IncidentState): ApplyResult => ({ ok: true, state });

/**
 * How a fold may treat the timeline array. apply() never changes it (callers keep their states);
 * replay() copies it once, then folds in place with a set of the ids it holds, so replaying a log
 * is linear instead of quadratic in its length.
 */
export interface Fold {
  owned: boolean;
  ids: Set<string> | null;
}

export const COPYING: Fold = Object.freeze({ owned: false, ids: null }) as Fold;

/** When the op happened, never later than the server saw it (clamps clients whose clock runs ahead). */
export const opTime = (op: CommittedOp): number => Math.min(op.clientTime, op.serverTime);

const entryKeyLess = (a: TimelineEntry, b: TimelineEntry) =>
  a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.seq < b.seq);

/** Position of the entry with this id, or -1: O(log n) through the index beside the array (reducerIndex.ts). */
export const findEntryIndex = (timeline: readonly TimelineEntry[], id: string): number => entryIndex(timeline, id);

export function hasEntry(f: Fold, timeline: readonly TimelineEntry[], id: string): boolean {
  return f.ids ? f.ids.has(id) : entryIndex(timeline, id) >= 0;
}

/**
 * Inserts keeping (occurredAt, seq) order; usually an append. A copying fold makes ONE copy of the
 * right size (concat): slice() then push() copied the array twice, because the push outgrows it.
 */
function insertEntry(f: Fold, timeline: TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  let i = timeline.length;
  while (i > 0 && entryKeyLess(entry, timeline[i - 1]!)) i--;
  f.ids?.add(entry.id);
  const length = timeline.length;
  let next = timeline;
  if (!f.owned) next = i === length ? timeline.concat([entry]) : [...timeline.slice(0, i), entry, ...timeline.slice(i)];
  else if (i === length) timeline.push(entry);
  else timeline.splice(i, 0, entry);
  indexDerived(timeline, length, next, entry);
  return next;
}

/** The timeline with the entry at `i` replaced (same id, same key); copies unless the fold owns the array. */
export function replacedEntry(f: Fold, timeline: TimelineEntry[], i: number, entry: TimelineEntry): TimelineEntry[] {
  const next = f.owned ? timeline : timeline.slice();
  next[i] = entry;
  indexDerived(timeline, timeline.length, next, entry);
  return next;
}

export const withEntry = (f: Fold, s: IncidentState, e: TimelineEntry): IncidentState => ({ ...s, timeline: insertEntry(f, s.timeline, e) });

export function withEntries(f: Fold, s: IncidentState, entries: readonly TimelineEntry[]): IncidentState {
  let next = s;
  for (const e of entries) next = withEntry(f, next, e);
  return next;
}

/** Text of a system row, kept within the bound every timeline entry has. */
export function clip(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  let end = MAX_TEXT_CHARS - 1;
  // Never cut between the halves of a surrogate pair: a lone surrogate is invalid text.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

export function systemEntry(
  op: CommittedOp, kind: EntryKind, text: string,
  opts: { ref?: string | null; n?: number; moment?: KeyMoment | null; occurredAt?: number } = {},
): TimelineEntry {
  const at = opTime(op);
  return {
    id: `sys-${op.opId}-${opts.n ?? 0}`, seq: op.seq, kind, text: clip(text), authorId: op.actorId,
    occurredAt: opts.occurredAt ?? at, loggedAt: at, pinned: false, history: [], editedAt: null, editedBy: null,
    deletedAt: null, deletedBy: null, ref: opts.ref ?? null, moment: opts.moment ?? null, alert: null,
  };
}

export function memberName(state: IncidentState, id: string | null): string {
  if (!id) return 'nobody';
  if (id === SERVER_ACTOR_ID) return 'War Room';
  return own(state.members, id)?.name ?? id;
}

export const missingMember = (s: IncidentState, id: string | null | undefined): Refusal | null =>
  id && !own(s.members, id) ? refuse('MEMBER_NOT_FOUND', id) : null;

/** A time as people read it in a system row: UTC, to the minute, deterministic. */
export const utcMinute = (t: number): string => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Copies the defined fields of `patch` onto `target` (a fresh object the caller owns). */
export function assignDefined<T extends object>(target: T, patch: object): T {
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  return target;
}
