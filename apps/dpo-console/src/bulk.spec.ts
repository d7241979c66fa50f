import { bulkPage, bulkRequest } from './bulk';
import type { Frame } from './layout';

const frame = (lang: 'fr' | 'en'): Frame => ({ lang, csrf: 'csrf-token-1', signedIn: true, path: '/requests/bulk' });

describe('filing a list from the console', () => {
  it('sends the pasted list as it is, in the format chosen; an empty list is asked for', () => {
    expect(bulkRequest({ format: 'ndjson', list: '{"type":"erasure"}' })).toEqual({
      format: 'ndjson',
      list: '{"type":"erasure"}',
    });
    expect(bulkRequest({ format: 'anything', list: 'type\nerasure' })).toMatchObject({ format: 'csv' });
    expect(bulkRequest({ format: 'csv', list: '  \n' })).toEqual({ missing: 'list' });
  });

  it('a labelled form with the CSRF token and a key per form shown, in French and in English', () => {
    const fr = bulkPage(frame('fr'), { idempotencyKey: 'k-1' });
    expect(fr).toContain('<label for="bulk-list">La liste</label>');
    expect(fr).toContain('<label for="bulk-format">Format</label>');
    expect(fr).toContain('name="_csrf" value="csrf-token-1"');
    expect(fr).toContain('name="idempotencyKey" value="k-1"');
    expect(fr).toContain('aria-current="page"');
    expect(bulkPage(frame('en'), { idempotencyKey: 'k-1' })).toContain('<button type="submit">File the list</button>');
  });

  it('keeps what was pasted, escaped, and says line by line what the API did', () => {
    const page = bulkPage(frame('en'), {
      idempotencyKey: 'k-1',
      values: { format: 'csv', list: 'type,note\nerasure,<script>' },
      result: {
        filed: 1,
        duplicate: 0,
        invalid: 1,
        lines: [
          { line: 2, status: 'filed', requestId: '0b6f3c2e-8f0e-4a53-9c8b-1f0c2f3a4b5c' },
          { line: 3, status: 'invalid', errors: ['channel: channel must be one of the following values'] },
        ],
      },
    });
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<script>erasure');
    expect(page).toContain('1 filed, 0 already filed, 1 refused.');
    expect(page).toContain('href="/requests/0b6f3c2e-8f0e-4a53-9c8b-1f0c2f3a4b5c"');
    expect(page).toContain('channel: channel must be one of the following values');
    expect(bulkPage(frame('fr'), { idempotencyKey: 'k', errors: ['Collez la liste.'] })).toMatch(
      /role="alert"[\s\S]*Collez la liste\.[\s\S]*aria-invalid="true"/,
    );
  });
});
