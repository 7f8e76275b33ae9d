import { describe, expect, it } from 'vitest';
import { SeqConflictError } from './store/store.ts';
import { isStoreUnavailable, storeRefusal } from './storeFailure.ts';

const err = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);

describe('store failures: outage or bug', () => {
  it.each<[string, unknown, boolean]>([
    ['connection refused', err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }), true],
    ['connection reset', err('read ECONNRESET', { code: 'ECONNRESET' }), true],
    ['pg: terminated unexpectedly', err('Connection terminated unexpectedly'), true],
    ['pg: pool timeout', err('timeout exceeded when trying to connect'), true],
    ['pg: admin shutdown 57P01', err('terminating connection due to administrator command', { code: '57P01' }), true],
    ['pg: cannot connect now 57P03', err('the database system is starting up', { code: '57P03' }), true],
    ['pg: connection exception class 08', err('connection failure', { code: '08006' }), true],
    ['pg: too many connections 53300', err('sorry, too many clients already', { code: '53300' }), true],
    ['pg: disk full 53100', err('could not extend file', { code: '53100' }), true],
    ['pg: AggregateError of every address', Object.assign(new AggregateError([err('x', { code: 'ECONNREFUSED' })], ''), {}), true],
    ['a wrapped cause', err('commit failed', { cause: err('x', { code: 'ETIMEDOUT' }) }), true],
    ['sqlite: busy', err('database is locked', { code: 'ERR_SQLITE_ERROR', errcode: 5 }), true],
    ['sqlite: I/O error (extended code)', err('disk I/O error', { code: 'ERR_SQLITE_ERROR', errcode: 10 | (3 << 8) }), true],
    ['sqlite: disk full', err('database or disk is full', { code: 'ERR_SQLITE_ERROR', errcode: 13 }), true],
    ['sqlite: corrupt stays a bug', err('database disk image is malformed', { code: 'ERR_SQLITE_ERROR', errcode: 11 }), false],
    ['sqlite: constraint stays a bug', err('NOT NULL constraint failed', { code: 'ERR_SQLITE_ERROR', errcode: 19 }), false],
    ['pg: syntax error stays a bug', err('syntax error at or near', { code: '42601' }), false],
    ['pg: deadlock is not this table\'s', err('deadlock detected', { code: '40P01' }), false],
    ['a TypeError', new TypeError('cannot read properties of undefined'), false],
    ['not an error', 'boom', false],
    ['null', null, false],
  ])('%s', (_what, e, unavailable) => {
    expect(isStoreUnavailable(e)).toBe(unavailable);
    expect(storeRefusal(e).code).toBe(unavailable ? 'STORE_UNAVAILABLE' : 'INTERNAL');
  });

  it('a seq conflict that outlasted every retry is SEQ_CONFLICT', () => {
    expect(storeRefusal(new SeqConflictError('x', 7)).code).toBe('SEQ_CONFLICT');
  });

  it('does not loop on a cause cycle', () => {
    const a = err('a');
    const b = err('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(isStoreUnavailable(a)).toBe(false);
  });
});
