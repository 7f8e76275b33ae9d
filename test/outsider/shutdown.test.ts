/**
 * README: "Ctrl+C stops it." Under `npm start` a Ctrl+C reaches the server twice (the terminal
 * signals the whole process group, and scripts/start.ts forwards the signal), a few ms apart. The
 * server must finish its graceful stop anyway: exit 0, lock file removed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServer } from './stranger.ts';

it('a second SIGINT while shutting down does not kill the server mid-close', async () => {
  // A drain grace (README: WARROOM_DRAIN_GRACE_MS) keeps the server in its graceful stop for 3 s, so
  // the second signal surely lands while it is stopping, not after it has closed everything.
  const srv = await startServer(['--log-level', 'info'], { WARROOM_DRAIN_GRACE_MS: '3000' });
  expect(existsSync(join(srv.dataDir, 'server.lock'))).toBe(true);
  // The signal handlers go in once the first-start invite is written, just after "listening on".
  for (let i = 0; i < 100 && !existsSync(join(srv.dataDir, 'first-invite.txt')); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  const exited = new Promise<{ code: number | null; signal: string | null }>((ok) => srv.child.once('exit', (code, signal) => ok({ code, signal })));
  // The second signal goes out the moment the server says it has begun to stop, as start.ts's does.
  // Exactly once: the server's "already shutting down" line must not trigger a third.
  let second = false;
  srv.child.stdout!.on('data', (d: Buffer) => {
    if (!second && d.toString().includes('shutting down: draining') && srv.child.exitCode === null) {
      second = true;
      srv.child.kill('SIGINT');
    }
  });
  srv.child.kill('SIGINT');
  const { code, signal } = await exited;
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(existsSync(join(srv.dataDir, 'server.lock'))).toBe(false);
  await srv.stop();
});
