/**
 * Files in the data dir: the SQLite file, the lock that says a server is using it, automatic
 * backups (kept N), and restore (only while no server holds the lock).
 */
import { DatabaseSync } from 'node:sqlite';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';

export const DB_FILE = 'warroom.db';
export const LOCK_FILE = 'server.lock';
export const BACKUP_DIR = 'backups';

export const dbFileOf = (dataDir: string) => join(dataDir, DB_FILE);
/** Written once the data dir holds a database; from then on a missing or empty database is a loss, not a new install. */
export const INIT_MARKER = 'warroom.initialized';

const backupsIn = (dataDir: string) => {
  const dir = join(dataDir, BACKUP_DIR);
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^warroom-.*\.db$/.test(f)).length : 0;
};

/**
 * Decides, before the embedded store opens, whether a missing or empty database file is a new
 * install or a lost one. The rule: a data dir with no marker, no database and no backups is a new
 * install (the first `npm start` just works); one with the marker or backups but no database, or
 * with a 0-byte database, is refused unless `init` is given. With `init`, an empty file is moved
 * aside (kept) and a new database is created. An existing database is never replaced.
 */
export function checkDataDirForStore(dataDir: string, init: boolean): { newInstall: boolean } {
  const file = dbFileOf(dataDir);
  const marker = join(dataDir, INIT_MARKER);
  const howTo = `Restore a backup (\`warroom restore <file>\`; ${backupsIn(dataDir)} found in ${join(dataDir, BACKUP_DIR)}), or start with --init to create a new, empty database.`;
  if (existsSync(file) && statSync(file).size === 0) {
    if (!init) throw new Error(`${file} is empty (0 bytes): the database was lost. ${howTo}`);
    const aside = `${file}.empty-${Date.now()}`;
    renameSync(file, aside);
    for (const suffix of ['-wal', '-shm']) if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${aside}${suffix}`);
  }
  if (existsSync(file)) return { newInstall: false };
  if (!init && existsSync(marker)) {
    throw new Error(`${dataDir} held a War Room database (${readFileSync(marker, 'utf8').trim() || 'marker present'}), but ${file} is missing. ${howTo}`);
  }
  if (!init && backupsIn(dataDir) > 0) throw new Error(`${dataDir} has backups but no database (${file} is missing). ${howTo}`);
  return { newInstall: true };
}

/** Records that the data dir now holds a database (idempotent). */
export function writeInitMarker(dataDir: string): void {
  const marker = join(dataDir, INIT_MARKER);
  if (!existsSync(marker)) writeFileSync(marker, `initialized ${new Date().toISOString()}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live server holding the data dir, or null (a stale lock from a crash is ignored). */
export function lockHolder(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock for this process; refuses when another live process holds it. */
export function acquireLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const holder = lockHolder(dataDir);
  if (holder !== null && holder !== process.pid) {
    throw new Error(`Another War Room server (pid ${holder}) is using ${dataDir}. Stop it first, or give this one its own --data-dir.`);
  }
  const file = join(dataDir, LOCK_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    if (lockHolder(dataDir) === process.pid) rmSync(file, { force: true });
  };
}

export function backupFileName(now = new Date()): string {
  return `warroom-${now.toISOString().replace(/[:.]/g, '-')}.db`;
}

/** Removes the oldest automatic backups so at most `keep` remain. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => /^warroom-.*\.db$/.test(f)).sort();
  const removed = files.slice(0, Math.max(0, files.length - keep));
  for (const f of removed) rmSync(join(dir, f), { force: true });
  return removed;
}

/** Opens a file as a War Room database and checks it, read-only; throws a sentence if it is not one. */
export function checkBackupFile(file: string): { incidents: number; ops: number } {
  if (!existsSync(file)) throw new Error(`${file} does not exist.`);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (e) {
    throw new Error(`${file} cannot be opened as a database: ${(e as Error).message}`, { cause: e });
  }
  try {
    const integrity = db.prepare('PRAGMA integrity_check').get() as { integrity_check: string } | undefined;
    if (integrity?.integrity_check !== 'ok') throw new Error(`${file} is damaged (integrity check: ${integrity?.integrity_check ?? 'no answer'}).`);
    const r = db.prepare('SELECT COUNT(*) AS ops, COUNT(DISTINCT incident_id) AS incidents FROM ops').get() as { ops: number; incidents: number };
    return { incidents: r.incidents, ops: r.ops };
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.includes('no such table') ? `${file} is not a War Room backup (it has no op log).` : msg, { cause: e });
  } finally {
    db.close();
  }
}

/**
 * Replaces the data file with a backup. The current file (with its WAL folded in) is kept as
 * warroom.db.bak. Refuses while a server holds the data dir.
 */
export function restoreBackup(dataDir: string, from: string): { previous: string | null; incidents: number; ops: number } {
  const holder = lockHolder(dataDir);
  if (holder !== null) throw new Error(`A War Room server (pid ${holder}) is using ${dataDir}. Stop it, then run restore again.`);
  const counts = checkBackupFile(from);
  const target = dbFileOf(dataDir);
  mkdirSync(dataDir, { recursive: true });
  let previous: string | null = null;
  if (existsSync(target)) {
    // Fold the WAL into the main file first, or the .bak would miss the last commits of a crashed server.
    const db = new DatabaseSync(target);
    try {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    previous = `${target}.bak`;
    renameSync(target, previous);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  const tmp = `${target}.restoring`;
  copyFileSync(from, tmp);
  renameSync(tmp, target);
  writeInitMarker(dataDir);
  return { previous, ...counts };
}

/** A consistent copy of the data file, safe while a server is writing to it (WAL readers see one snapshot). */
export function backupDataFile(dataDir: string, toFile: string): { incidents: number; ops: number } {
  const from = dbFileOf(dataDir);
  if (!existsSync(from)) throw new Error(`There is no War Room database in ${dataDir} (looked for ${from}).`);
  mkdirSync(dirname(resolvePath(toFile)), { recursive: true });
  if (existsSync(toFile)) throw new Error(`${toFile} already exists; choose another name or remove it first.`);
  const db = new DatabaseSync(from);
  try {
    db.prepare('VACUUM INTO ?').run(toFile);
  } finally {
    db.close();
  }
  return checkBackupFile(toFile);
}
