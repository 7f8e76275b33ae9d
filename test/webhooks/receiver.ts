// A local webhook receiver that can fail its first attempts or be down, and checks every signature.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../server/webhooks/sign.ts';

export interface Received {
  eventId: string;
  type: string;
  body: string;
  signed: boolean;
}

export async function startReceiver(secretOf: (url: string) => string, opts: { failFirst?: number } = {}) {
  let failuresLeft = opts.failFirst ?? 0;
  let down = false;
  const accepted: Received[] = [];
  let attempts = 0;
  let url = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      if (down || failuresLeft > 0) {
        if (!down) failuresLeft--;
        res.writeHead(503).end('not now');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const signed = verifySignature(secretOf(url), {
        signature: req.headers['x-warroom-signature'] as string | undefined, timestamp: req.headers['x-warroom-timestamp'] as string | undefined,
      }, body);
      accepted.push({ eventId: String(req.headers['x-warroom-event-id']), type: String(req.headers['x-warroom-event']), body, signed });
      res.writeHead(signed ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    accepted,
    attempts: () => attempts,
    setDown(v: boolean) {
      down = v;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
