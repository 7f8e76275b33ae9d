import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { uuid } from './uuid.ts';

afterEach(() => vi.unstubAllGlobals());

describe('uuid', () => {
  it('makes valid v4 UUIDs even without crypto.randomUUID (plain-http LAN pages)', () => {
    const real = globalThis.crypto;
    const getRandomValues = vi.fn(<T extends ArrayBufferView>(a: T) => real.getRandomValues(a as never) as T);
    vi.stubGlobal('crypto', { getRandomValues });
    const ids = Array.from({ length: 200 }, uuid);
    expect(getRandomValues).toHaveBeenCalledTimes(200);
    for (const id of ids) expect(z.uuid().safeParse(id).success).toBe(true);
    expect(new Set(ids).size).toBe(200);
  });
});
