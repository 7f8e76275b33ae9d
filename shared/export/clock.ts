/**
 * Wall-clock strings for exports, fast enough for 10k-entry timelines: UTC comes straight from
 * Date, and a zone's local time is computed once per (zone, minute) through Intl and then reused
 * (every IANA offset today is a whole number of minutes, so the minute decides the local clock).
 */
import { localParts } from './deps.ts';

export interface Wall {
  /** "2026-11-27" */
  date: string;
  /** "14:02" */
  clock: string;
  /** "Fri" */
  weekday: string;
}

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');
const MAX_CACHED_MINUTES = 100_000;
const caches = new Map<string, Map<number, Wall>>();

export function utcWall(at: number): Wall {
  const d = new Date(at);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    clock: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    weekday: WEEKDAY[d.getUTCDay()]!,
  };
}

export function wall(at: number, zone: string): Wall {
  if (zone === 'UTC') return utcWall(at);
  let cache = caches.get(zone);
  if (!cache) caches.set(zone, (cache = new Map()));
  const minute = Math.floor(at / 60_000);
  let w = cache.get(minute);
  if (!w) {
    const p = localParts(at, zone);
    w = { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, clock: `${pad(p.hour)}:${pad(p.minute)}`, weekday: p.weekday };
    if (cache.size >= MAX_CACHED_MINUTES) cache.clear();
    cache.set(minute, w);
  }
  return w;
}

/** "2026-11-27 14:02" in the zone. */
export const dateTime = (at: number, zone: string): string => {
  const w = wall(at, zone);
  return `${w.date} ${w.clock}`;
};
