/**
 * A real `warroom serve` child process for the soak, the memory figures and the drain test, and
 * invites minted for it with `warroom token create` (recorded in the data dir's access registry,
 * so the server accepts them; several clients may redeem one invite, each for its own id).
 */
import { spawn, spawnSync } from 'node:child_process';

const CLI = 'server/cli.ts';

export function mintInvite(dataDir: string, secret: string, role: 'lead' | 'responder' | 'viewer'): string {
  const r = spawnSync(process.execPath, [CLI, 'token', 'create', '--role', role, '--data-dir', dataDir], {
    encoding: 'utf8', env: { ...process.env, WARROOM_SECRET: secret }, timeout: 30_000,
  });
  const token = /invite token[^:]*: (\S+)/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !token) throw new Error(`token create failed (${r.status}): ${r.stderr}`);
  return token;
}

export interface ChildServer {
  url: string;
  pid: number;
  /** SIGTERM (a drain); resolves with the exit code. */
  stop(): Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  exit: Promise<number | null>;
}

export function serveChild(dataDir: string, secret: string, echoStderr = true): Promise<ChildServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', '--backup-every-min', '0'], {
    env: { ...process.env, WARROOM_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  if (echoStderr) child.stderr.on('data', (b: Buffer) => process.stderr.write(b));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        resolve({
          url: m[1]!, pid: child.pid!, exit,
          kill: (signal) => void child.kill(signal),
          stop: () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exit;
          },
        });
      }
    });
    void exit.then((code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
}
