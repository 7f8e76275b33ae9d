/**
 * POST /hooks/alertmanager (also /hooks/grafana, same handler): a bearer token of role
 * `integration`, a JSON body of at most MAX_HOOK_BODY_BYTES, validated completely before anything
 * is written. Answers `{ ok: true, incidents: [{ id, created, entries }], unrouted }`, where
 * `entries` counts alert entries new in that incident (a repeat counts 0).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_HOOK_BODY_BYTES } from '../../shared/constants.ts';
import { ERROR_MESSAGES, type ErrorCode } from '../../shared/errors.ts';
import type { AccessRegistry } from '../access/registry.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { checkBearer } from './bearer.ts';
import { parseHook } from './payload.ts';
import { alertOp, routeAlerts, type DeclareRule } from './route.ts';

export interface HookDeps {
  secret: string;
  /** Revocations: a revoked integration token is refused like on the socket. */
  registry: Pick<AccessRegistry, 'anyRevoked'>;
  engine: Engine;
  /** Which incidents exist (one query, not a fold of every incident). */
  store: Pick<Store, 'listIncidentIds'>;
  logger: Logger;
  declareFromAlerts: readonly DeclareRule[];
}

export interface HookIncident {
  id: string;
  created: boolean;
  entries: number;
}

class HookError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  constructor(status: number, code: ErrorCode, detail?: string) {
    super(detail ? `${ERROR_MESSAGES[code]} (${detail})` : ERROR_MESSAGES[code]);
    this.status = status;
    this.code = code;
  }
}

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new HookError(413, 'HOOK_TOO_LARGE', `${declared} bytes; the limit is ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HookError(413, 'HOOK_TOO_LARGE', `more than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createHookHandler(deps: HookDeps) {
  const { engine, logger } = deps;

  async function record(body: unknown, scope: string | null): Promise<{ incidents: HookIncident[]; unrouted: number }> {
    const parsed = parseHook(body);
    if (!parsed.ok) throw new HookError(400, 'HOOK_INVALID', parsed.message);
    const known = new Set(await deps.store.listIncidentIds());
    if (scope !== null && !known.has(scope)) throw new HookError(400, 'INCIDENT_NOT_FOUND', scope);
    const now = Date.now();
    const { routes, unrouted } = routeAlerts(parsed.alerts, { scope, rules: deps.declareFromAlerts, exists: (id) => known.has(id), now });
    const incidents: HookIncident[] = [];
    for (const route of routes) {
      let created = false;
      if (route.declare) {
        const ack = await engine.submit(route.declare);
        if (!ack.ok) throw new HookError(503, ack.code, `declaring ${route.incidentId}`);
        created = !ack.duplicate;
      }
      let entries = 0;
      for (const a of route.alerts) {
        const ack = await engine.submit(alertOp(route.incidentId, a, now));
        if (!ack.ok) throw new HookError(503, ack.code, `recording ${a.record.name}`);
        if (!ack.duplicate) entries++;
      }
      incidents.push({ id: route.incidentId, created, entries });
    }
    return { incidents, unrouted };
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== 'POST') throw new HookError(405, 'INVALID_OP', 'POST the webhook payload');
      const auth = await checkBearer(req, deps.secret, deps.registry, 'integration');
      if (!auth.ok) throw new HookError(401, 'HOOK_UNAUTHORIZED', auth.why);
      const claims = auth.claims;
      const raw = await readBody(req, MAX_HOOK_BODY_BYTES);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new HookError(400, 'HOOK_INVALID', 'the body is not JSON');
      }
      const result = await record(body, claims.incidentId);
      logger.info({ incidents: result.incidents, unrouted: result.unrouted }, 'alerts recorded');
      send(res, 200, { ok: true, ...result });
    } catch (e) {
      if (!(e instanceof HookError)) throw e;
      // A transient failure (store down) is a 503, so Alertmanager retries; what was written dedupes.
      if (e.status !== 401) logger.info({ status: e.status, code: e.code, message: e.message }, 'alert webhook refused');
      send(res, e.status, { ok: false, code: e.code, message: e.message }, e.status === 413);
    }
  };
}
