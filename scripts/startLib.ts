/**
 * The decisions `npm start` makes, as plain functions: is the renderer build stale, can Electron
 * run here (and if not, why, in words), what the server printed, and the fallback sentence.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Newest modification time (ms) of the files under `paths` (folders walked, node_modules skipped). */
export function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && !name.startsWith('.')) visit(path.join(p, name));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}

export const RENDERER_INPUTS = ['renderer', 'shared', 'vite.config.ts', 'package.json'];

/** Why the renderer must be (re)built, or null when dist/renderer is newer than all its inputs. */
export function rendererBuildReason(root: string): string | null {
  const index = path.join(root, 'dist', 'renderer', 'index.html');
  if (!existsSync(index)) return 'dist/renderer is missing';
  const built = statSync(index).mtimeMs;
  const inputs = newestMtime(RENDERER_INPUTS.map((p) => path.join(root, p)));
  return inputs > built ? 'the renderer sources changed since the last build' : null;
}

/** `reason` completes "could not start (…)"; `hint` says what would fix it. */
export type ElectronCheck = { ok: true; executable: string } | { ok: false; reason: string; hint?: string };

const DOWNLOAD_HINT = 'To use the desktop app, run `npx install-electron` while online, then `npm start` again.';

/**
 * Finds the Electron executable the way node_modules/electron/index.js does, without requiring
 * it (that would try to download it), and checks there is a display to show a window on.
 */
export function findElectron(root: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): ElectronCheck {
  if (env.WARROOM_NO_ELECTRON === '1') return { ok: false, reason: 'WARROOM_NO_ELECTRON=1 asks for the browser client' };
  const pkgDir = path.join(root, 'node_modules', 'electron');
  if (!existsSync(path.join(pkgDir, 'package.json'))) return { ok: false, reason: 'the electron package is not installed', hint: 'Run `npm install` while online.' };
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist');
  const executable = path.join(distDir, rel ?? (platform === 'win32' ? 'electron.exe' : 'electron'));
  if (!rel && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    return { ok: false, reason: 'the Electron binary was never downloaded into node_modules/electron/dist', hint: DOWNLOAD_HINT };
  }
  if (!existsSync(executable)) return { ok: false, reason: `the Electron binary ${path.relative(root, executable) || executable} is missing`, hint: DOWNLOAD_HINT };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display to open a window on, as DISPLAY and WAYLAND_DISPLAY are unset', hint: 'Run it from a desktop session.' };
  }
  return { ok: true, executable };
}

/** The URL from the server's `listening on http://HOST:PORT` line. */
export function parseListening(line: string): string | null {
  const m = /^listening on (https?:\/\/\S+)\s*$/.exec(line.trim());
  return m ? m[1]!.replace(/\/$/, '') : null;
}

/**
 * The address to put in links: WARROOM_PUBLIC_URL when set (what teammates use), else the listening
 * address, with a wildcard bind (0.0.0.0, ::) turned into loopback so the local browser can open it.
 */
export function linkUrl(listeningUrl: string, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  const u = new URL(listeningUrl);
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = '127.0.0.1';
  return u.origin;
}

/** The token from `... invite token ...: TOKEN` (what `warroom token create` and the first start print). */
export function parseInviteToken(output: string): string | null {
  const m = /invite token[^:\n]*: ([A-Za-z0-9_.-]{10,2048})\s*$/m.exec(output);
  return m ? m[1]! : null;
}

export function fallbackSentence(reason: string, url: string): string {
  return `War Room desktop could not start (${reason}); the browser client is running instead: open ${url}`;
}
