import { scrubDeep, scrubPersonalData } from './redaction';

describe('personal-data redaction at the logger', () => {
  it.each([
    ['reply from jane.doe@example.com', 'reply from [redacted]'],
    ['call +33612345678 now', 'call [redacted] now'],
    ['call 06 12 34 56 78 now', 'call [redacted] now'],
  ])('masks %j', (input, expected) => {
    expect(scrubPersonalData(input)).toBe(expected);
  });

  it.each(['request 3f1c0d2e-1234-4567-8901-123456789012 completed', 'offset 12345 of partition 2', 'took 1234 ms'])(
    'leaves identifiers and numbers alone: %j',
    (input) => {
      expect(scrubPersonalData(input)).toBe(input);
    },
  );

  it('scrubs nested values and error messages', () => {
    const out = scrubDeep({
      msg: 'x',
      nested: { list: ['a@b.fr'] },
      err: new Error('no subject with a@b.fr'),
    }) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain('a@b.fr');
  });
});
