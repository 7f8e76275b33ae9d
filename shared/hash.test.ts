import { describe, expect, it } from 'vitest';
import { canonicalJson, stateHash } from './hash.ts';

describe('stateHash', () => {
  it('ignores key order but not values', () => {
    expect(stateHash({ a: 1, b: [1, 2] })).toBe(stateHash({ b: [1, 2], a: 1 }));
    expect(stateHash({ a: 1, b: [1, 2] })).not.toBe(stateHash({ a: 1, b: [2, 1] }));
    expect(stateHash({ a: 'x' })).not.toBe(stateHash({ a: 'y' }));
    expect(stateHash({})).toMatch(/^[0-9a-f]{16}$/);
  });
  it('canonical JSON sorts nested keys', () => {
    expect(canonicalJson({ z: { b: 1, a: 2 }, a: null })).toBe('{"a":null,"z":{"a":2,"b":1}}');
  });
});

describe('canonical JSON of prototype-named keys', () => {
  it('hashes an own __proto__ key like any other key', () => {
    const a = JSON.parse('{"tasks":{"__proto__":{"id":"__proto__","title":"a"}}}') as unknown;
    const b = JSON.parse('{"tasks":{"__proto__":{"id":"__proto__","title":"b"}}}') as unknown;
    expect(canonicalJson(a)).toBe('{"tasks":{"__proto__":{"id":"__proto__","title":"a"}}}');
    expect(stateHash(a)).not.toBe(stateHash(b));
  });
});
