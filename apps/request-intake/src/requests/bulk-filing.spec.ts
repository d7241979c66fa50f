import { bulkFormat, checkLine, listKeyOf, readBulkBody, type CheckedLine } from './bulk-filing';

const errorsOf = (c: CheckedLine) => ('errors' in c ? c.errors : []);

describe('bulk filing: reading the body', () => {
  it('knows CSV and NDJSON by their Content-Type, charset or not, and nothing else', () => {
    expect(bulkFormat('text/csv; charset=utf-8')).toBe('csv');
    expect(bulkFormat('application/x-ndjson')).toBe('ndjson');
    expect(bulkFormat('application/json')).toBeUndefined();
    expect(bulkFormat(undefined)).toBeUndefined();
  });

  it('CSV: the header names the fields, dotted for nested ones, purposes split on |, empty cells absent', () => {
    const csv = [
      'type,subject.email,subject.customerId,channel,purposes,idempotencyKey',
      'erasure,jeanne@example.fr,C-1,email,,k-1',
      '"objection","paul@example.fr",,email,prospection| profiling,',
    ].join('\r\n');
    expect(readBulkBody('csv', csv)).toEqual([
      {
        line: 2,
        fields: {
          type: 'erasure',
          subject: { email: 'jeanne@example.fr', customerId: 'C-1' },
          channel: 'email',
          idempotencyKey: 'k-1',
        },
      },
      {
        line: 3,
        fields: {
          type: 'objection',
          subject: { email: 'paul@example.fr' },
          channel: 'email',
          purposes: ['prospection', 'profiling'],
        },
      },
    ]);
  });

  it('CSV: a record of the wrong width is that line unreadable; a quote left open or a column named twice, the whole body', () => {
    expect(readBulkBody('csv', 'type,channel\nerasure\n')).toEqual([
      { line: 2, unreadable: 'has 1 fields where the header names 2' },
    ]);
    expect(() => readBulkBody('csv', 'type,channel\n"erasure,email\n')).toThrow(
      /CSV line 2: a quoted field is not closed/,
    );
    expect(() => readBulkBody('csv', 'type,type\nerasure,erasure\n')).toThrow(/column "type" is named twice/);
    expect(() => readBulkBody('csv', 'type,channel\n')).toThrow(/no line to file/);
  });

  it('NDJSON: one object per line, numbered as in the file; a line that is not an object is unreadable on its own', () => {
    const nd = '{"type":"erasure"}\n\n[1]\nnot json\r\n{"type":"access"}';
    expect(readBulkBody('ndjson', nd)).toEqual([
      { line: 1, fields: { type: 'erasure' } },
      { line: 3, unreadable: 'is not a JSON object' },
      { line: 4, unreadable: 'is not valid JSON' },
      { line: 5, fields: { type: 'access' } },
    ]);
    expect(() => readBulkBody('ndjson', '\n \n')).toThrow(/no line to file/);
  });
});

describe('bulk filing: checking each line as POST /v1/requests checks its body', () => {
  const valid = { type: 'erasure', subject: { email: 'jeanne@example.fr' }, channel: 'email' };

  it('a valid line is filed under its own key, or the list key and its line', () => {
    expect(checkLine({ line: 2, fields: { ...valid, idempotencyKey: 'own' } }, 'list')).toMatchObject({
      line: 2,
      key: 'own',
    });
    expect(checkLine({ line: 7, fields: valid }, 'list')).toMatchObject({
      line: 7,
      key: 'list:7',
      dto: { type: 'erasure' },
    });
  });

  it('every rule of the single filing applies, each error named by its field', () => {
    expect(errorsOf(checkLine({ line: 2, fields: { ...valid, subject: { name: 'Jeanne' } } }, 'l'))).toEqual([
      'subject._atLeastOneKey: subject needs at least one of email, customerId, phone (a name alone cannot find anyone)',
    ]);
    expect(errorsOf(checkLine({ line: 2, fields: { ...valid, channel: 'fax', colour: 'red' } }, 'l'))).toEqual([
      'colour: property colour should not exist',
      expect.stringMatching(/^channel: channel must be one of/),
    ]);
    expect(errorsOf(checkLine({ line: 2, fields: { ...valid, purposes: ['prospection'] } }, 'l'))).toEqual([
      expect.stringMatching(/purposes is required for, and only allowed with, type objection/),
    ]);
    expect(errorsOf(checkLine({ line: 2, fields: { ...valid, receivedAt: '2026-12-01' } }, 'l')).join()).toMatch(
      /receivedAt must give the time of receipt/,
    );
  });

  it('a malformed own key, or an unreadable line, is an error of that line', () => {
    expect(errorsOf(checkLine({ line: 3, fields: { ...valid, idempotencyKey: 'has space' } }, 'l'))).toEqual([
      'idempotencyKey: must be 1 to 200 visible ASCII characters',
    ]);
    expect(errorsOf(checkLine({ line: 4, unreadable: 'is not valid JSON' }, 'l'))).toEqual([
      'line 4 is not valid JSON',
    ]);
  });

  it('the list key is the Idempotency-Key header, or the SHA-256 of the body: the same file gets the same keys', () => {
    expect(listKeyOf('list-1', 'a')).toBe('list-1');
    expect(listKeyOf(undefined, 'a')).toBe(listKeyOf(undefined, 'a'));
    expect(listKeyOf(undefined, 'a')).not.toBe(listKeyOf(undefined, 'b'));
    expect(listKeyOf(undefined, 'a')).toMatch(/^bulk-sha256:[0-9a-f]{64}$/);
  });
});
