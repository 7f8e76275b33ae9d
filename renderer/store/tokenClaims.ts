/**
 * What an invite token says about itself, read (not verified) on this device: only to shape the
 * screen (a viewer sees no "Declare" button). The server checks the signature and decides.
 */
import { z } from 'zod';
import { ACCESS_ROLES, type AccessRole } from '../../shared/model.ts';

const claims = z.object({ role: z.enum(ACCESS_ROLES), incidentId: z.string().nullable().optional() });

export function tokenRole(token: string | null): AccessRole | null {
  if (!token) return null;
  const body = token.split('.')[0] ?? '';
  try {
    const b64 = body.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as unknown;
    const r = claims.safeParse(json);
    return r.success ? r.data.role : null;
  } catch {
    return null;
  }
}
