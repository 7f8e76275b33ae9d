/**
 * Settings and window state as JSON files in the user data folder. Every read is validated; a
 * file that fails (bad JSON, wrong shape) is kept as `<name>.corrupt` for inspection and the
 * defaults are used, so a damaged file never stops the app from starting (DESIGN lesson 1).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SETTINGS, type Settings } from '../shared/bridge.ts';
import { MAX_NAME_CHARS, MAX_SKILL_CHARS, MAX_SKILLS } from '../shared/constants.ts';
import { isValidTimeZone } from '../shared/time.ts';

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, { message: 'must be an http or https address' });

export const settingsSchema = z.strictObject({
  serverUrl: httpUrl.nullable(),
  token: z.string().regex(/^[A-Za-z0-9_.-]{10,2048}$/, { message: 'is not a valid token' }).nullable(),
  displayName: z.string().trim().min(1).max(MAX_NAME_CHARS).nullable(),
  timeZone: z.string().max(64).refine(isValidTimeZone, { message: 'must be an IANA time zone' }).nullable(),
  skills: z.array(z.string().trim().min(1).max(MAX_SKILL_CHARS)).max(MAX_SKILLS),
  showUtc: z.boolean(),
});

export const settingsPatchSchema = settingsSchema.partial();

export const windowStateSchema = z.strictObject({
  x: z.number().int().min(-100_000).max(100_000).optional(),
  y: z.number().int().min(-100_000).max(100_000).optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };

export interface Loaded<T> {
  value: T;
  /** Set when the file was unreadable: where the damaged copy was kept and why. */
  recovered: { corruptCopy: string; reason: string } | null;
}

/** Reads and validates a JSON file; missing → defaults, damaged → defaults plus a `.corrupt` copy. */
export async function loadJsonFile<T>(file: string, schema: z.ZodType<T>, defaults: T): Promise<Loaded<T>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { value: defaults, recovered: null };
    throw err;
  }
  let reason: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { value: parsed.data, recovered: null };
    reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ');
  } catch (err) {
    reason = `not JSON: ${(err as Error).message}`;
  }
  const corruptCopy = `${file}.corrupt`;
  await fs.copyFile(file, corruptCopy);
  await writeJsonFile(file, defaults);
  return { value: defaults, recovered: { corruptCopy, reason } };
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
  await fs.rename(tmp, file);
}

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Promise<Settings>;
  /** Set when the settings file was damaged at load. */
  readonly recovered: Loaded<Settings>['recovered'];
}

/**
 * True when the configured server's origin changed. The window's CSP names that origin, and a
 * loaded page keeps the CSP it was served with, so the shell reloads the window when this is true.
 */
export function serverOriginChanged(before: Pick<Settings, 'serverUrl'>, after: Pick<Settings, 'serverUrl'>): boolean {
  const origin = (u: string | null) => (u ? new URL(u).origin : null);
  return origin(before.serverUrl) !== origin(after.serverUrl);
}

export const SETTINGS_FILE = 'settings.json';
export const WINDOW_STATE_FILE = 'window-state.json';

export async function openSettingsStore(userDataDir: string): Promise<SettingsStore> {
  const file = path.join(userDataDir, SETTINGS_FILE);
  const loaded = await loadJsonFile<Settings>(file, settingsSchema, DEFAULT_SETTINGS);
  let current = loaded.value;
  let writing: Promise<void> = Promise.resolve();
  return {
    recovered: loaded.recovered,
    get: () => current,
    async update(patch) {
      const next = settingsSchema.parse({ ...current, ...settingsPatchSchema.parse(patch) });
      current = next;
      // Serialized so two quick updates land in order.
      writing = writing.catch(() => undefined).then(() => writeJsonFile(file, next));
      await writing;
      return next;
    },
  };
}
