/** Who this install is and how it likes to see things; kept in local storage. */
import { z } from 'zod';
import { HELP_ESCALATE_AFTER_MIN, MAX_NAME_CHARS } from '../../shared/constants.ts';
import { AVAILABILITIES, own } from '../../shared/model.ts';
import { isValidTimeZone } from '../../shared/time.ts';
import type { StateCreator } from 'zustand/vanilla';
import type { StoreCtx } from './context.ts';
import type { LastSeen, Preferences, PreferencesSlice, WarRoomState } from './types.ts';

export type { PreferencesSlice } from './types.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const storedPrefsSchema = z.object({
  serverUrl: z.string().nullable().catch(null),
  token: z.string().nullable().catch(null),
  clientId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  name: z.string().max(MAX_NAME_CHARS).catch(''),
  timeZone: z.string().refine(isValidTimeZone).catch(systemTimeZone),
  skills: z.array(z.string()).catch([]),
  workingHours: z.object({ start: hhmm, end: hhmm }).catch({ start: '09:00', end: '17:00' }),
  availability: z.enum(AVAILABILITIES).catch('available'),
  showUtc: z.boolean().catch(false),
  helpEscalateAfterMin: z.number().int().min(1).max(24 * 60).catch(HELP_ESCALATE_AFTER_MIN),
  notifications: z.boolean().catch(true),
  lastIncidentId: z.string().nullable().catch(null),
  lastSeen: z.record(z.string(), z.object({ seq: z.number().int().min(0), at: z.number(), myTaskIds: z.array(z.string()).max(1_000).optional() })).catch({}),
});

export function systemTimeZone(): string {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && isValidTimeZone(zone) ? zone : 'UTC';
  } catch {
    return 'UTC';
  }
}

export function defaultPreferences(clientId: string): Preferences {
  return {
    serverUrl: null, token: null, clientId, name: '', timeZone: systemTimeZone(), skills: [],
    workingHours: { start: '09:00', end: '17:00' }, availability: 'available', showUtc: false,
    helpEscalateAfterMin: HELP_ESCALATE_AFTER_MIN, notifications: true, lastIncidentId: null, lastSeen: {},
  };
}

/** Reads stored preferences; anything damaged falls back to defaults field by field. */
export function loadPreferences(raw: unknown, makeId: () => string): { prefs: Preferences; fresh: boolean } {
  const r = storedPrefsSchema.safeParse(raw);
  if (r.success) return { prefs: r.data, fresh: false };
  return { prefs: defaultPreferences(makeId()), fresh: true };
}

const MEMBER_FIELDS = ['name', 'timeZone', 'skills', 'workingHours', 'availability'] as const;

export const createPreferencesSlice = (ctx: StoreCtx): StateCreator<WarRoomState, [], [], PreferencesSlice> => (set, get) => {
  const { prefs, fresh } = loadPreferences(ctx.persistence.loadPreferences(), ctx.uuid);
  if (fresh) ctx.persistence.savePreferences(prefs);
  const save = (next: Preferences) => {
    set({ prefs: next });
    ctx.persistence.savePreferences(next);
  };
  return {
    prefs,
    setPreferences(patch) {
      const before = get().prefs;
      const next = { ...before, ...patch };
      save(next);
      void ctx.platform?.setSettings({
        serverUrl: next.serverUrl, token: next.token, displayName: next.name || null, timeZone: next.timeZone,
        skills: next.skills, showUtc: next.showUtc,
      }).catch(() => undefined);
      // Keep my roster row in step with what I just changed about myself.
      const me = own(get().view?.members ?? {}, next.clientId);
      if (me && get().access !== 'viewer') {
        const diff: Record<string, unknown> = {};
        for (const k of MEMBER_FIELDS) {
          if (k in patch && JSON.stringify(next[k]) !== JSON.stringify(me[k])) diff[k] = next[k];
        }
        if (Object.keys(diff).length > 0) get().updateMember(diff);
      }
    },
    adoptSessionToken(token, clientId) {
      const before = get().prefs;
      if (before.token === token && before.clientId === clientId) return;
      // The server names the holder; it is the clientId we proposed unless we were given another member's session.
      get().setPreferences({ token });
      if (get().prefs.clientId !== clientId && /^[A-Za-z0-9_.:-]{1,64}$/.test(clientId)) save({ ...get().prefs, clientId });
    },
    toggleUtc() {
      save({ ...get().prefs, showUtc: !get().prefs.showUtc });
    },
  };
};

/** Records that this member has seen the incident up to `seen` (for "since you were away"). */
export function markSeen(get: () => WarRoomState, set: (p: Partial<WarRoomState>) => void, ctx: StoreCtx, key: string, seen: LastSeen): void {
  const prefs = get().prefs;
  const prev = prefs.lastSeen[key];
  if (prev && prev.seq >= seen.seq) return;
  const next = { ...prefs, lastSeen: { ...prefs.lastSeen, [key]: seen } };
  set({ prefs: next });
  ctx.persistence.savePreferences(next);
}
