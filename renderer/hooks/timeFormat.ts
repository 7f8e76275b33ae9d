import { createContext, useContext } from 'react';
import { formatClock, formatDate, zoneOffsetMin } from '../../shared/time.ts';

/** How the viewer wants times shown: their zone, or UTC one keystroke away. */
export interface TimeFormat {
  zone: string;
  utc: boolean;
}

export const systemZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const TimeFormatContext = createContext<TimeFormat>({ zone: 'UTC', utc: false });

export const useTimeFormat = (): TimeFormat => useContext(TimeFormatContext);

export const displayZone = (f: TimeFormat): string => (f.utc ? 'UTC' : f.zone);

/** "14:05" in the display zone, with "Z" appended in UTC mode so nobody mistakes it for local. */
export function clockLabel(at: number, f: TimeFormat): string {
  return f.utc ? `${formatClock(at, 'UTC')}Z` : formatClock(at, f.zone);
}

export function dateLabel(at: number, f: TimeFormat): string {
  return formatDate(at, displayZone(f));
}

/** Converts a wall-clock "YYYY-MM-DDTHH:MM" in `zone` to UTC milliseconds (DST-safe to the minute). */
export function wallTimeToUtc(wall: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let guess = asUtc - zoneOffsetMin(asUtc, zone) * 60_000;
  guess = asUtc - zoneOffsetMin(guess, zone) * 60_000;
  return guess;
}

/** The instant as "YYYY-MM-DDTHH:MM" wall time in `zone`, for datetime-local inputs. */
export function utcToWallTime(at: number, zone: string): string {
  return `${formatDate(at, zone)}T${formatClock(at, zone)}`;
}
