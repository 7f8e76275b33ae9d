// A stand-in for server/store/sqliteWorker.ts that answers open() and then dies on request, so the
// proxy's handling of a dead thread is tested without racing a real reply: every other call is
// left unanswered (a call in flight when the thread dies).
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (req: { id: number; method: string; args: unknown[] }) => {
  if (req.method === 'open') parentPort!.postMessage({ type: 'reply', id: req.id, ok: true, value: { quarantined: [], warnings: [] } });
  else if (req.method === 'headSeq' && req.args[0] === 'throw') setImmediate(() => { throw new Error('boom in the store thread'); });
  else if (req.method === 'headSeq' && req.args[0] === 'exit') process.exit(3);
});
