import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISIONS, decisionOf, parisTime, validateDecision } from './decisions';
import { MESSAGES } from './messages';
import { filingBody, STATUSES } from './views';

const m = MESSAGES.fr;
const REQ = '11111111-1111-4111-8111-111111111111';
const CMD = '22222222-2222-4222-8222-222222222222';

describe('the DPO decisions', () => {
  it('covers every decision route of request-intake', () => {
    const paths = DECISIONS.map((d) =>
      d
        .path(REQ, CMD)
        .replace(REQ, '{id}')
        .replace(CMD, d.target === 'notice' ? '{noticeId}' : '{commandId}'),
    );
    const api = JSON.parse(readFileSync(join(__dirname, '../../../docs/openapi/request-intake.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const posts = Object.keys(api.paths).filter(
      (p) => p.startsWith('/v1/requests/{id}/') && api.paths[p].post && !p.endsWith('/package/link'),
    );
    expect(paths.sort()).toEqual(posts.sort());
  });

  it('checks required fields, lengths and options with the API limits, in the DPO language', () => {
    const extend = decisionOf('extend')!;
    expect(validateDecision(extend, { months: '3', reason: '' }, m)).toEqual({
      months: m.decisions.required,
      reason: m.decisions.required,
    });
    expect(validateDecision(decisionOf('refuse')!, { reasons: 'x'.repeat(4001) }, m)).toEqual({
      reasons: m.decisions.tooLong(4000),
    });
    expect(validateDecision(extend, { months: '2', reason: 'complexe' }, m)).toEqual({});
    expect(extend.body({ months: '2', reason: 'complexe' })).toEqual({ months: 2, reason: 'complexe' });
  });

  it('turns the subject choice into the API body', () => {
    const d = decisionOf('subject')!;
    expect(d.body({ choice: 'no-data-held' })).toEqual({ decision: 'no-data-held' });
    expect(d.body({ choice: 'subj-1' })).toEqual({ decision: 'subject', subjectRef: 'subj-1' });
    expect(decisionOf('attest')!.body({ note: 'vu' })).toEqual({ method: 'dpo-attested', note: 'vu' });
  });
});

describe('the request statuses the console knows', () => {
  it("are the API's, each with its French and English label", () => {
    const api = JSON.parse(readFileSync(join(__dirname, '../../../docs/openapi/request-intake.json'), 'utf8')) as {
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
    };
    expect([...STATUSES]).toEqual(api.components.schemas.RequestSummaryDto.properties.status.enum);
    for (const s of STATUSES)
      expect([MESSAGES.fr.statuses[s], MESSAGES.en.statuses[s]]).toEqual([expect.any(String), expect.any(String)]);
  });
});

describe('times the DPO types (Paris time)', () => {
  it("reads a date-time field as the controller's local time, with its offset (winter and summer)", () => {
    expect(parisTime('2026-12-04T09:12')).toBe('2026-12-04T09:12:00+01:00');
    expect(parisTime('2026-07-04T09:12')).toBe('2026-07-04T09:12:00+02:00');
    expect(parisTime('2026-13-04T09:12')).toBeUndefined();
    expect(parisTime('04/12/2026')).toBeUndefined();
  });

  it('files the time of receipt with its evidence, and refuses one without the other', () => {
    const base = { type: 'erasure', channel: 'email', email: 'a@b.fr' };
    expect(
      filingBody({ ...base, receivedAt: '2026-12-04T09:12', receiptEvidence: 'Message-ID <x@y>' }, m).body,
    ).toEqual({
      type: 'erasure',
      channel: 'email',
      subject: { email: 'a@b.fr' },
      receivedAt: '2026-12-04T09:12:00+01:00',
      receiptEvidence: 'Message-ID <x@y>',
    });
    expect(filingBody({ ...base, receivedAt: '2026-12-04T09:12' }, m).errors).toEqual([m.file.receivedTogether]);
    expect(filingBody({ ...base, receiptEvidence: 'x' }, m).errors).toEqual([m.decisions.badDate]);
  });
});
