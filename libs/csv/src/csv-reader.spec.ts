import { csvDocument } from './csv';
import { csvRecords, CsvSyntaxError } from './csv-reader';

describe('reading CSV (RFC 4180)', () => {
  it('splits records and fields, with the line each record starts on; blank lines skipped', () => {
    expect(csvRecords('a,b\r\n1,2\n\n3,\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 4, fields: ['3', ''] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, and counts their lines', () => {
    expect(csvRecords('"a, b","say ""hi""","two\nlines"\nnext')).toEqual([
      { line: 1, fields: ['a, b', 'say "hi"', 'two\nlines'] },
      { line: 3, fields: ['next'] },
    ]);
  });

  it('ignores a UTF-8 BOM and reads a last line without its line break', () => {
    expect(csvRecords('\uFEFFtype\nerasure')).toEqual([
      { line: 1, fields: ['type'] },
      { line: 2, fields: ['erasure'] },
    ]);
  });

  it('reads back what the writer writes', () => {
    const rows = [
      ['name', 'note'],
      ['Jeanne, "J."', '=1+1'],
      ['x', 'a\r\nb'],
    ];
    expect(csvRecords(csvDocument(rows)).map((r) => r.fields)).toEqual([
      ['name', 'note'],
      ['Jeanne, "J."', "'=1+1"],
      ['x', 'a\r\nb'],
    ]);
  });

  it('refuses a quote left open, or text after a closing quote, naming the line', () => {
    expect(() => csvRecords('a\n"open,b\nc')).toThrow(new CsvSyntaxError(2, 'a quoted field is not closed'));
    expect(() => csvRecords('a\n"x"y,b')).toThrow(/CSV line 2: text after a closing quote/);
  });
});
