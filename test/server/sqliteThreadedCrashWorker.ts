// The real store thread (server/store/sqliteWorker.ts) with one addition: headSeq('crash') throws
// inside the message listener, before the real one sees it, so that call is in flight when it dies.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (req: { method: string; args: unknown[] }) => {
  if (req.method === 'headSeq' && req.args[0] === 'crash') throw new Error('the store thread crashed (test)');
});
await import('../../server/store/sqliteWorker.ts');
