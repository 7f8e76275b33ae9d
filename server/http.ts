/** Plain HTTP routes: health, readiness, metrics, then the static web client. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.ts';
import { createStaticHandler } from './static.ts';
import type { Store } from './store/store.ts';
import type { Logger } from './logger.ts';
import type { FanoutHealth } from './fanout.ts';

export interface HttpDeps {
  store: Store;
  metrics: Metrics;
  logger: Logger;
  staticDir: string;
  isReady: () => boolean;
  /** The cross-node adapter's health (null without one); also brings its metrics up to date. */
  fanoutHealth?: () => FanoutHealth | null;
  /** Exact paths served by feature modules (monitoring webhooks, admin status). */
  routes?: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createHttpHandler(deps: HttpDeps) {
  const serveStatic = createStaticHandler(deps.staticDir);
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The raw path, not a URL-normalised one: the static handler must see any '..' to refuse it.
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    switch (pathname) {
      case '/healthz':
        json(res, 200, { status: 'ok' });
        return;
      case '/readyz': {
        // Not ready while starting or draining, when the store does not answer, or when the fan-out
        // is down (this node's clients would miss every other node's ops until it is back).
        const serving = deps.isReady();
        const storeOk = serving && (await deps.store.ping());
        const f = deps.fanoutHealth?.() ?? null;
        const fanoutOk = f === null || f.up;
        const ok = storeOk && fanoutOk;
        json(res, ok ? 200 : 503, {
          status: ok ? 'ready' : 'not ready', serving, store: deps.store.kind, storeOk,
          fanout: f ? { kind: f.kind, up: f.up, lastError: f.lastError, lastErrorAt: f.lastErrorAt } : null, fanoutOk,
        });
        return;
      }
      case '/metrics': {
        deps.fanoutHealth?.();
        const body = await deps.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
        return;
      }
      default:
        if (deps.routes && Object.hasOwn(deps.routes, pathname)) await deps.routes[pathname]!(req, res);
        else await serveStatic(req, res, pathname);
    }
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((err: unknown) => {
      deps.logger.error({ err, url: req.url }, 'http request failed');
      if (!res.headersSent) json(res, 500, { status: 'error' });
      else res.destroy();
    });
  };
}
