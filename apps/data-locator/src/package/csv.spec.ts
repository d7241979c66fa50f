import { csvColumns, csvField, toCsv } from './csv';

/** A reference RFC 4180 parser, to check that what we write reads back the same. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

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
    const columns = csvColumns(rows);
    expect(columns).toEqual(['id', 'note', 'amount', 'extra']);
    const parsed = parseCsv(toCsv(columns, rows));
    expect(parsed).toEqual([
      ['id', 'note', 'amount', 'extra'],
      ['1', 'He said "no", then left\nthe shop', '12.5', ''],
      ['2', '', '', 'a,b,c'],
    ]);
  });

  it('neutralises a record value a spreadsheet would run, and keeps negative numbers as numbers', () => {
    const rows = [{ id: '1', name: '=HYPERLINK("https://evil.example")', note: '@SUM(A1)', balance: -12.5, ref: '-1' }];
    const parsed = parseCsv(toCsv(csvColumns(rows), rows));
    expect(parsed[1]).toEqual(['1', `'=HYPERLINK("https://evil.example")`, `'@SUM(A1)`, '-12.5', `'-1`]);
  });

  it('puts leading columns first', () => {
    expect(csvColumns([{ b: 1, a: 2 }], ['system', 'a'])).toEqual(['system', 'a', 'b']);
  });
});
