/**
 * Settings and window state as JSON files in the user data folder. Every read is validated; a
 * file that fails (bad JSON, wrong shape) is kept as `<name>.corrupt` for inspection and the
 * defaults are used, so a damaged file never stops the app from starting (DESIGN lesson 1).
 * Main owns the server setting: the renderer reads it through the bridge. Tokens are kept apart,
 * in secrets.json (see secrets.ts); every file here is written with mode 0600.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SETTINGS, type SavedServer, type Settings } from '../shared/bridge.ts';
import { MAX_NAME_CHARS, MAX_SAVED_SERVERS, MAX_SKILL_CHARS, MAX_SKILLS } from '../shared/constants.ts';
import { isValidTimeZone } from '../shared/time.ts';
import { EMPTY_SECRETS, openSecrets, sealSecrets, SECRETS_FILE, secretsFileSchema, type SecretBox } from './secrets.ts';

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

/** Opaque to the shell: invite or session token, whatever the server issued (printable ASCII). */
export const tokenSchema = z.string().regex(/^[\x21-\x7e]{10,4096}$/, { message: 'is not a valid token' });

const savedServerSchema = z.strictObject({ serverUrl: httpUrl, local: z.boolean() });

const baseFields = {
  serverUrl: httpUrl.nullable(),
  displayName: z.string().trim().min(1).max(MAX_NAME_CHARS).nullable(),
  timeZone: z.string().max(64).refine(isValidTimeZone, { message: 'must be an IANA time zone' }).nullable(),
  skills: z.array(z.string().trim().min(1).max(MAX_SKILL_CHARS)).max(MAX_SKILLS),
  showUtc: z.boolean(),
};

/** settings.json. `token` is only read, from files written before tokens moved to secrets.json. */
export const settingsFileSchema = z.strictObject({
  ...baseFields,
  token: tokenSchema.nullable().optional(),
  servers: z.array(savedServerSchema).max(MAX_SAVED_SERVERS).default([]),
  /** Main's own: automatic updates (off unless turned on in the Help menu). */
  autoUpdate: z.boolean().default(false),
  /** Main's own: whether the war room on this computer is shared on the LAN. */
  localShareOnLan: z.boolean().default(false),
});
type SettingsFile = z.infer<typeof settingsFileSchema>;

/** What the renderer may change (servers are derived from what it joins). */
export const settingsPatchSchema = z.strictObject({ ...baseFields, token: tokenSchema.nullable() }).partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

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

/** Only the account that runs the app may read these files: they name servers and hold tokens. */
export const PRIVATE_FILE_MODE = 0o600;

/** Reads and validates a JSON file; missing → defaults, damaged → defaults plus a `.corrupt` copy. */
export async function loadJsonFile<T>(file: string, schema: z.ZodType<T, unknown>, defaults: T): Promise<Loaded<T>> {
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
  // The damaged copy may hold a token: it gets the same protection as the file it came from.
  await fs.chmod(corruptCopy, PRIVATE_FILE_MODE);
  await writeJsonFile(file, defaults);
  return { value: defaults, recovered: { corruptCopy, reason } };
}

let tmpCounter = 0;

/** Writes through a private temporary file and a rename, so a crash never leaves half a file. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${(tmpCounter += 1)}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { encoding: 'utf8', mode: PRIVATE_FILE_MODE });
  // `mode` applies only when the file is created (and through the umask): make sure.
  await fs.chmod(tmp, PRIVATE_FILE_MODE);
  await fs.rename(tmp, file);
}

export interface SettingsStore {
  get(): Settings;
  update(patch: SettingsPatch, extra?: { local?: boolean }): Promise<Settings>;
  autoUpdate(): boolean;
  setAutoUpdate(on: boolean): Promise<void>;
  localShareOnLan(): boolean;
  setLocalShareOnLan(on: boolean): Promise<void>;
  /** Forgets a saved server and its token. */
  forget(serverUrl: string): Promise<Settings>;
  /** Set when the settings file was damaged at load. */
  readonly recovered: Loaded<Settings>['recovered'];
  /** True when tokens are kept sealed by the OS (safeStorage), false when only by file mode. */
  readonly secretsEncrypted: boolean;
  /** Resolves when every write so far is on disk. */
  flush(): Promise<void>;
}

/**
 * True when the configured server's origin changed. The window's CSP names that origin, and a
 * loaded page keeps the CSP it was served with, so the shell reloads the window when this is true.
 */
export function serverOriginChanged(before: Pick<Settings, 'serverUrl'>, after: Pick<Settings, 'serverUrl'>): boolean {
  return originOrNull(before.serverUrl) !== originOrNull(after.serverUrl);
}

const originOrNull = (u: string | null): string | null => (u ? new URL(u).origin : null);

export const SETTINGS_FILE = 'settings.json';
export const WINDOW_STATE_FILE = 'window-state.json';

function rememberServer(servers: readonly SavedServer[], serverUrl: string, local: boolean): SavedServer[] {
  const origin = new URL(serverUrl).origin;
  const rest = servers.filter((s) => new URL(s.serverUrl).origin !== origin);
  return [{ serverUrl: origin, local }, ...rest].slice(0, MAX_SAVED_SERVERS);
}

export async function openSettingsStore(userDataDir: string, box: SecretBox): Promise<SettingsStore> {
  const file = path.join(userDataDir, SETTINGS_FILE);
  const secretsPath = path.join(userDataDir, SECRETS_FILE);
  const defaults: SettingsFile = { ...DEFAULT_SETTINGS, servers: [], autoUpdate: false, localShareOnLan: false };
  const loaded = await loadJsonFile<SettingsFile>(file, settingsFileSchema, defaults);
  const secretsLoaded = await loadJsonFile(secretsPath, secretsFileSchema, EMPTY_SECRETS);
  const { tokens } = openSecrets(secretsLoaded.value, box);
  const { token: legacyToken, ...rest } = loaded.value;
  let current: Omit<SettingsFile, 'token'> = rest;
  let writing: Promise<void> = Promise.resolve();
  const view = (): Settings => ({
    serverUrl: current.serverUrl, displayName: current.displayName, timeZone: current.timeZone,
    skills: current.skills, showUtc: current.showUtc, servers: current.servers,
    token: current.serverUrl ? (tokens.get(new URL(current.serverUrl).origin) ?? null) : null,
  });
  const persist = (): Promise<void> => {
    const settingsSnapshot = current;
    const secretsSnapshot = sealSecrets(tokens, box);
    // Serialized so two quick updates land in order.
    writing = writing.catch(() => undefined).then(async () => {
      await writeJsonFile(secretsPath, secretsSnapshot);
      await writeJsonFile(file, settingsSnapshot);
    });
    return writing;
  };
  // Files from before tokens moved out, or from before the servers list: migrate them once.
  if (legacyToken && current.serverUrl) {
    tokens.set(new URL(current.serverUrl).origin, legacyToken);
    current = { ...current, servers: rememberServer(current.servers, current.serverUrl, false) };
    await persist();
  } else if (legacyToken !== undefined) {
    await persist();
  }
  return {
    recovered: loaded.recovered ?? secretsLoaded.recovered,
    secretsEncrypted: box.encrypted,
    get: view,
    flush: () => writing.catch(() => undefined),
    async update(patch, extra = {}) {
      const p = settingsPatchSchema.parse(patch);
      const { token, ...fields } = p;
      const next = { ...current, ...fields };
      if (next.serverUrl) {
        next.serverUrl = new URL(next.serverUrl).origin;
        const origin = next.serverUrl;
        const known = current.servers.find((s) => s.serverUrl === origin);
        next.servers = rememberServer(current.servers, origin, extra.local ?? known?.local ?? false);
        if (token) tokens.set(origin, token);
        else if (token === null) tokens.delete(origin);
      }
      current = settingsFileSchema.omit({ token: true }).parse(next);
      await persist();
      return view();
    },
    autoUpdate: () => current.autoUpdate,
    async setAutoUpdate(on) {
      current = { ...current, autoUpdate: on };
      await persist();
    },
    localShareOnLan: () => current.localShareOnLan,
    async setLocalShareOnLan(on) {
      current = { ...current, localShareOnLan: on };
      await persist();
    },
    async forget(serverUrl) {
      const origin = new URL(serverUrl).origin;
      tokens.delete(origin);
      current = {
        ...current,
        servers: current.servers.filter((s) => s.serverUrl !== origin),
        serverUrl: originOrNull(current.serverUrl) === origin ? null : current.serverUrl,
      };
      await persist();
      return view();
    },
  };
}
