import { csvRecords } from '@datarights/csv';
import { csvField, csvLine } from './csv';

/** What a package's CSV reads back as, through the project's one RFC 4180 reader. */
const parseCsv = (lines: readonly (readonly unknown[])[]): string[][] =>
  csvRecords(lines.map((l) => csvLine(l)).join('')).map((r) => r.fields);

describe('csv writer (RFC 4180)', () => {
  it.each([
    ['plain', 'abc', 'abc'],
    ['a comma', 'a,b', '"a,b"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['a newline', 'line1\nline2', '"line1\nline2"'],
    ['a CRLF', 'a\r\nb', '"a\r\nb"'],
    ['leading space', ' x', '" x"'],
    ['null', null, ''],
    ['a number', 42, '42'],
    ['an object', { a: 1 }, '"{""a"":1}"'],
  ])('%s', (_, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('reads back exactly what was written, awkward values included', () => {
    const rows = [
      { id: '1', note: 'He said "no", then left\nthe shop', amount: 12.5 },
      { id: '2', note: '', extra: 'a,b,c' },
    ];
    const columns = ['id', 'note', 'amount', 'extra'] as const;
    const parsed = parseCsv([columns, ...rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c]))]);
    expect(parsed).toEqual([
      ['id', 'note', 'amount', 'extra'],
      ['1', 'He said "no", then left\nthe shop', '12.5', ''],
      ['2', '', '', 'a,b,c'],
    ]);
  });

  it('neutralises a record value a spreadsheet would run, and keeps negative numbers as numbers', () => {
    const rows = [{ id: '1', name: '=HYPERLINK("https://evil.example")', note: '@SUM(A1)', balance: -12.5, ref: '-1' }];
    const parsed = parseCsv([Object.keys(rows[0]!), Object.values(rows[0]!)]);
    expect(parsed[1]).toEqual(['1', `'=HYPERLINK("https://evil.example")`, `'@SUM(A1)`, '-12.5', `'-1`]);
  });
});
