import { decodeKey, encodeKey, groupByKind, keysOf } from './graph-keys';

describe('graph keys', () => {
  it('normalises with the contract rule, so one identifier written two ways is one key', () => {
    expect(encodeKey('email', '  John.Doe@Example.COM ')).toBe(encodeKey('email', 'john.doe@example.com'));
    expect(encodeKey('phone', '+33 6 12-34.56 78')).toBe('phone:+33612345678');
    expect(encodeKey('customerId', ' C-42 ')).toBe('customerId:C-42');
  });

  it('keeps customer ids case-sensitive (the contract does not fold them)', () => {
    expect(encodeKey('customerId', 'c-42')).not.toBe(encodeKey('customerId', 'C-42'));
  });

  it('takes the keys of a subject and ignores the name and blank values', () => {
    expect(keysOf({ email: 'A@B.fr', customerId: '  ', phone: '+33612345678', name: 'Jane' } as never)).toEqual([
      'email:a@b.fr',
      'phone:+33612345678',
    ]);
    expect(keysOf(undefined)).toEqual([]);
  });

  it('decodes values that contain a colon', () => {
    expect(decodeKey('customerId:ACME:42')).toEqual({ kind: 'customerId', value: 'ACME:42' });
    expect(() => decodeKey('address:1 rue X')).toThrow('not an encoded subject key');
  });

  it('groups keys per kind, sorted and deduplicated', () => {
    expect(groupByKind(['email:b@x.fr', 'email:a@x.fr', 'customerId:C-1', 'email:a@x.fr'])).toEqual({
      email: ['a@x.fr', 'b@x.fr'],
      customerId: ['C-1'],
    });
  });
});
