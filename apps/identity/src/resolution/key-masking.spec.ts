import { hintsFor, maskCustomerId, maskEmail, maskKey, maskPhone, sharedHint, weakHints } from './key-masking';

describe('masked hints', () => {
  it('masks an e-mail to its first letters and top-level domain', () => {
    expect(maskEmail('john.doe@example.com')).toBe('j***@e***.com');
    expect(maskEmail('a@mail.example.co.uk')).toBe('a***@m***.uk');
    expect(maskEmail('broken')).toBe('***');
  });

  it('masks a customer id to its ends, and hides short ones entirely', () => {
    expect(maskCustomerId('C-123442')).toBe('C-***42');
    expect(maskCustomerId('A1234')).toBe('A***4');
    expect(maskCustomerId('C-42')).toBe('***');
  });

  it('masks a phone number to its country code and last two digits', () => {
    expect(maskPhone('+33612345678')).toBe('+33******78');
    expect(maskKey('phone', '+4915112345678')).toBe('+49******78');
  });

  it('never reveals the length of a value', () => {
    expect(maskEmail('jo@example.com')).toBe(maskEmail('jonathan.longname@example.com'));
    expect(maskPhone('+3361234567')).toHaveLength(maskPhone('+33612345678901').length);
  });

  it('gives a few hints per kind, in a stable order, without the values', () => {
    const keys = ['phone:+33612345678', 'email:zed@x.fr', 'email:amy@x.fr', 'email:bob@x.fr', 'customerId:C-998877'];
    const hints = hintsFor(keys);
    expect(hints).toEqual(['a***@x***.fr', 'b***@x***.fr', 'C-***77', '+33******78']);
    for (const k of keys) expect(hints.join(' ')).not.toContain(k.slice(k.indexOf(':') + 1));
  });
});

describe('why a candidate is offered', () => {
  it('names the system and a masked record for a weak link, and a masked shared key', () => {
    expect(weakHints({ via: [{ systemId: 'marketing', recordRef: 'nl-778899' }] })).toEqual([
      'weak link: marketing record nl***99',
    ]);
    expect(sharedHint('phone:+33612345678')).toBe(
      'shared: +33******78 is in the authoritative records of several subjects',
    );
  });

  it('caps the records it lists', () => {
    const via = ['r-000001', 'r-000002', 'r-000003', 'r-000004', 'r-000005'].map((recordRef) => ({
      systemId: 'support',
      recordRef,
    }));
    expect(weakHints({ via })).toHaveLength(4);
    expect(weakHints({ via })[3]).toBe('weak link: 2 more records');
  });
});
