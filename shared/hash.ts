/** Canonical JSON (sorted keys) and a fast non-cryptographic hash, for "same log, same state" checks. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, unknown> = {};
      // defineProperty, not assignment: an own `__proto__` key is data and must be hashed like any other.
      for (const k of Object.keys(v as object).sort()) {
        Object.defineProperty(out, k, { value: (v as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  });
}

/** Two 32-bit FNV-1a lanes (different offset bases) over the canonical JSON, as 16 hex digits. */
export function stateHash(value: unknown): string {
  const s = canonicalJson(value);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
