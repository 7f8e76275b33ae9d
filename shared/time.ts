/** Time-zone helpers on Intl: pure, no Node or DOM APIs. */
const zoneCache = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  const known = zoneCache.get(zone);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    ok = zone.length > 0;
  } catch {
    ok = false;
  }
  if (zoneCache.size < 1000) zoneCache.set(zone, ok);
  return ok;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = partsCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
    });
    partsCache.set(zone, f);
  }
  return f;
}

export interface LocalParts {
  year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: string;
}

export function localParts(at: number, zone: string): LocalParts {
  const get = (parts: Intl.DateTimeFormatPart[], type: string) => parts.find((x) => x.type === type)?.value ?? '0';
  const parts = formatter(zone).formatToParts(new Date(at));
  return {
    year: Number(get(parts, 'year')), month: Number(get(parts, 'month')), day: Number(get(parts, 'day')),
    hour: Number(get(parts, 'hour')) % 24, minute: Number(get(parts, 'minute')), second: Number(get(parts, 'second')),
    weekday: get(parts, 'weekday'),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:05" in the zone. */
export function formatClock(at: number, zone: string, withSeconds = false): string {
  const p = localParts(at, zone);
  return withSeconds ? `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` : `${pad(p.hour)}:${pad(p.minute)}`;
}

/** "2026-11-27" in the zone. */
export function formatDate(at: number, zone: string): string {
  const p = localParts(at, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** "2026-11-27 14:05" in the zone. */
export function formatDateTime(at: number, zone: string): string {
  return `${formatDate(at, zone)} ${formatClock(at, zone)}`;
}

/** "2026-11-27 14:05 UTC". */
export function formatUtc(at: number): string {
  return `${formatDateTime(at, 'UTC')} UTC`;
}

/** Offset of the zone from UTC at that instant, in minutes (Paris in winter: 60). */
export function zoneOffsetMin(at: number, zone: string): number {
  const p = localParts(at, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

/** "UTC+01:00" for the zone at that instant. */
export function formatOffset(at: number, zone: string): string {
  const off = zoneOffsetMin(at, zone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether the instant falls inside "HH:MM"–"HH:MM" local working hours (overnight ranges allowed). */
export function isWithinWorkingHours(at: number, zone: string, hours: { start: string; end: string }): boolean {
  const p = localParts(at, zone);
  const now = p.hour * 60 + p.minute;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** "1h 05m" / "3d 2h" for a duration in ms. */
export function formatDuration(ms: number): string {
  const totalMin = Math.max(0, Math.floor(ms / 60_000));
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  return `${m}m`;
}

const dayKey = (p: LocalParts) => p.year * 10_000 + p.month * 100 + p.day;

/**
 * The first instant after `at` that falls on a later local date in the zone: usually the next local
 * midnight; where a DST change skips midnight, the instant the next day actually starts. Lets a
 * caller walking sorted times compare numbers and format only at day boundaries.
 */
export function nextLocalMidnight(at: number, zone: string): number {
  const p = localParts(at, zone);
  const today = dayKey(p);
  const isToday = (t: number) => dayKey(localParts(t, zone)) === today;
  const naive = Date.UTC(p.year, p.month - 1, p.day + 1);
  // The offset at `at`, then at the first guess, cover an offset change during the day.
  let guess = naive - zoneOffsetMin(at, zone) * 60_000;
  for (let i = 0; i < 2; i++) {
    if (guess > at && isToday(guess - 1) && !isToday(guess)) return guess;
    guess = naive - zoneOffsetMin(guess, zone) * 60_000;
  }
  // Odd zones (midnight skipped or repeated): search the next 50 hours to the millisecond.
  let lo = at;
  let hi = at + 50 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (isToday(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}
