/**
 * Who may submit what, beyond the token's read/write access: ops only the server writes, ops only a
 * lead may send, and the server's own actor id that no client may use. Integration tokens (for
 * monitoring webhooks) never get this far: the handshake refuses them (integrationRefusal).
 */
import { refuse, type Refusal } from '../../shared/errors.ts';
import { SERVER_ACTOR_ID, type AccessRole } from '../../shared/model.ts';
import type { Op, OpType } from '../../shared/ops.ts';

/** Written by the server's duties and monitoring webhooks only. */
export const SERVER_ONLY_OPS: ReadonlySet<OpType> = new Set<OpType>(['alert.record', 'incident.reminder', 'help.escalate']);
export const LEAD_ONLY_OPS: ReadonlySet<OpType> = new Set<OpType>(['incident.archive']);

/** The refusal for a client's op, or null when its role may send it. */
export function opPermission(access: AccessRole, op: Op): Refusal | null {
  if (access === 'integration') return refuse('INTEGRATION_ONLY');
  if (op.actorId === SERVER_ACTOR_ID) return refuse('SERVER_ONLY', `the actor id ${SERVER_ACTOR_ID} is the server's own`);
  if (SERVER_ONLY_OPS.has(op.type)) return refuse('SERVER_ONLY', op.type);
  if (LEAD_ONLY_OPS.has(op.type) && access !== 'lead') return refuse('LEAD_ONLY', `${op.type} needs a lead invite`);
  return null;
}

type Barred = { code: 'INTEGRATION_ONLY' | 'ACTOR_MISMATCH'; detail?: string } | null;

/** After admission: an integration token or the server's actor id never opens a socket. */
export function integrationRefusal(role: AccessRole, clientId: string): Barred {
  if (role === 'integration') return { code: 'INTEGRATION_ONLY' };
  if (clientId === SERVER_ACTOR_ID) return { code: 'ACTOR_MISMATCH', detail: `the clientId ${SERVER_ACTOR_ID} is reserved for the server` };
  return null;
}

/**
 * Before admission, on the raw handshake: refused before an invite is redeemed (which would bind
 * the member id). The role is read from the token's payload unverified: that can only refuse,
 * never let anything in (admission still checks the signature of everything else).
 */
export function handshakeRefusal(auth: unknown): Barred {
  if (typeof auth !== 'object' || auth === null) return null;
  const { token, clientId } = auth as { token?: unknown; clientId?: unknown };
  if (clientId === SERVER_ACTOR_ID) return integrationRefusal('responder', SERVER_ACTOR_ID);
  if (typeof token !== 'string' || token.length > 4096) return null;
  try {
    const claims = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { role?: unknown };
    return claims.role === 'integration' ? { code: 'INTEGRATION_ONLY' } : null;
  } catch {
    return null;
  }
}
