/**
 * What a local-time column needs around DST: where the zone's offset changes during the incident,
 * and which wall-clock times are ambiguous (the fall-back night repeats an hour, so 00:30Z and
 * 01:30Z both read 02:30 in Paris on 2026-10-25). Pure, on Intl through shared/time.ts.
 */
import { formatOffset, zoneOffsetMin } from './deps.ts';

const HOUR_MS = 3_600_000;
/** Offset changes are searched hour by hour; past this many hours (~6 months) only the entries' own offsets are used. */
const MAX_SCAN_HOURS = 24 * 200;
/** Every DST rule moves the clock by at most a few hours: a wider window sees both sides of a change. */
const CHANGE_WINDOW_MS = 4 * HOUR_MS;

export interface OffsetChange {
  /** First instant with the new offset. */
  at: number;
  from: string;
  to: string;
  /** The offsets in minutes east of UTC. */
  fromMin: number;
  toMin: number;
}

/** The offset label ("UTC+02:00") of the zone at that instant. */
export const offsetLabel = (at: number, zone: string): string => formatOffset(at, zone);

/** Instants in [from, to] where the zone's offset changes, each found to the minute. */
export function offsetChanges(from: number, to: number, zone: string): OffsetChange[] {
  const out: OffsetChange[] = [];
  if (!(to > from)) return out;
  const hours = Math.min(Math.ceil((to - from) / HOUR_MS), MAX_SCAN_HOURS);
  let prevAt = from;
  let prev = zoneOffsetMin(from, zone);
  for (let i = 1; i <= hours; i++) {
    const at = Math.min(from + i * HOUR_MS, to);
    const off = zoneOffsetMin(at, zone);
    if (off !== prev) {
      let lo = prevAt;
      let hi = at;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (mid <= lo) break;
        if (zoneOffsetMin(mid, zone) === prev) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, from: formatOffset(lo, zone), to: formatOffset(hi, zone), fromMin: zoneOffsetMin(lo, zone), toMin: zoneOffsetMin(hi, zone) });
      prev = off;
    }
    prevAt = at;
  }
  return out;
}

/**
 * Whether the instant's local wall-clock time also names another instant (the repeated hour of a
 * fall-back night). Only then does a reader need the offset to know which one is meant.
 */
export function isAmbiguousLocal(at: number, zone: string): boolean {
  const before = zoneOffsetMin(at - CHANGE_WINDOW_MS, zone);
  const after = zoneOffsetMin(at + CHANGE_WINDOW_MS, zone);
  if (before === after) return false;
  const own = zoneOffsetMin(at, zone);
  for (const other of [before, after]) {
    if (other === own) continue;
    const twin = at + (own - other) * 60_000;
    if (twin !== at && zoneOffsetMin(twin, zone) === other) return true;
  }
  return false;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** "UTC+05:30" for 330 minutes. */
export function offsetText(min: number): string {
  const abs = Math.abs(min);
  return `UTC${min < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * A zone's offsets over an incident, found once (an hourly scan), so that formatting thousands of
 * rows is arithmetic instead of an Intl call per row. Outside [from, to] it asks Intl.
 */
export interface ZoneSpan {
  zone: string;
  offsetMin: (at: number) => number;
  label: (at: number) => string;
  ambiguous: (at: number) => boolean;
  changes: readonly OffsetChange[];
}

export function zoneSpan(zone: string, from: number, to: number): ZoneSpan {
  const changes = offsetChanges(from, to, zone);
  const start = zoneOffsetMin(from, zone);
  const offsetMin = (at: number) => {
    if (at < from || at > to) return zoneOffsetMin(at, zone);
    let off = start;
    for (const c of changes) if (at >= c.at) off = c.toMin;
    return off;
  };
  // A fall-back by d minutes at c repeats the local times of the instants [c − d, c + d).
  const ambiguous = (at: number) => {
    if (at < from || at > to) return isAmbiguousLocal(at, zone);
    return changes.some((c) => c.fromMin > c.toMin && at >= c.at - (c.fromMin - c.toMin) * 60_000 && at < c.at + (c.fromMin - c.toMin) * 60_000);
  };
  return { zone, offsetMin, label: (at) => offsetText(offsetMin(at)), ambiguous, changes };
}

/**
 * Per-row offset marks for a column of times in reading order: the offset is printed on the first
 * row, wherever it differs from the row above, and on every ambiguous row.
 */
export function offsetMarker(span: ZoneSpan): (at: number) => string | null {
  let last: string | null = null;
  return (at) => {
    const label = span.label(at);
    const show = label !== last || span.ambiguous(at);
    last = label;
    return show ? label : null;
  };
}

/** The header sentence about the zone: its offset at the start, and every change after it. */
export function zoneSentence(zone: string, from: number, to: number, known?: readonly OffsetChange[]): string {
  const changes = known ?? offsetChanges(from, to, zone);
  const start = `${formatOffset(from, zone)} when the incident started`;
  if (changes.length === 0) return `${start}, unchanged throughout`;
  const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  return `${start}; ${changes.map((c) => `${c.to} from ${iso(c.at)} UTC`).join('; ')}`;
}
