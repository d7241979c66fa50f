import { isPermanent, isTransient, PermanentError, TransientError } from './handler.errors';

describe('transient or permanent', () => {
  it.each([
    ['a TransientError', new TransientError('the command is not recorded yet')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['PostgreSQL shutting down (57P01)', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['a connection exception (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['too many connections (53300)', Object.assign(new Error('too many clients'), { code: '53300' })],
    ['a deadlock (40P01)', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['a terminated pg connection', new Error('Connection terminated unexpectedly')],
    ['a retriable kafkajs error', Object.assign(new Error('There is no leader'), { retriable: true })],
    [
      'a cause that is transient',
      new Error('query failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
    ],
  ])('retries %s without limit', (_what, err) => {
    expect(isTransient(err)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a unique violation (23505)', Object.assign(new Error('duplicate key'), { code: '23505' })],
    [
      'a protocol violation (08P01: a bug, e.g. too many bind parameters)',
      Object.assign(new Error('bind message'), { code: '08P01' }),
    ],
    ['a PermanentError', new PermanentError('reply for a command never sent')],
    ['a non-retriable kafkajs error', Object.assign(new Error('Topic authorization failed'), { retriable: false })],
    ['a string', 'boom'],
  ])('does not take %s for transient', (_what, err) => {
    expect(isTransient(err)).toBe(false);
  });

  it('keeps the permanent mark apart', () => {
    expect(isPermanent(new PermanentError('x'))).toBe(true);
    expect(isPermanent(new TransientError('x'))).toBe(false);
  });
});
