import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { HttpValidationPipe } from '@datarights/service-kit';
import { CreateRequestDto } from './create-request.dto';
import { AttestVerificationDto, CloseActionDto, SubjectDecisionDto } from './decisions.dto';
import { ListRequestsQueryDto } from './list-requests.dto';

// The pipe bootstrap installs (service-kit): whitelist, unknown fields refused.
const pipe = new HttpValidationPipe();

async function validate<T>(
  metatype: new () => T,
  value: unknown,
  type: ArgumentMetadata['type'] = 'body',
): Promise<{ ok: true; value: T } | { ok: false; messages: string[] }> {
  try {
    return { ok: true, value: (await pipe.transform(value, { type, metatype })) as T };
  } catch (err) {
    if (err instanceof BadRequestException)
      return {
        ok: false,
        messages: ([] as string[]).concat((err.getResponse() as { message: string | string[] }).message),
      };
    throw err;
  }
}

const valid = { type: 'erasure', subject: { email: 'jeanne@example.fr' }, channel: 'email' };

describe('CreateRequestDto', () => {
  it.each([
    ['an e-mail', { email: 'jeanne@example.fr' }],
    ['a customer number', { customerId: 'C-1' }],
    ['a phone in E.164', { phone: '+33612345678' }],
    [
      'every key and a name',
      { email: 'jeanne@example.fr', customerId: 'C-1', phone: '+33612345678', name: 'Jeanne Martin' },
    ],
  ])('accepts a subject with %s', async (_, subject) => {
    const r = await validate(CreateRequestDto, { ...valid, subject, note: 'letter ref 42' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toBeInstanceOf(CreateRequestDto);
  });

  it.each(['email', 'portal', 'post', 'phone'])('accepts channel %s', async (channel) => {
    expect((await validate(CreateRequestDto, { ...valid, channel })).ok).toBe(true);
  });

  it('refuses a name alone: it cannot find anyone', async () => {
    const r = await validate(CreateRequestDto, { ...valid, subject: { name: 'Jeanne Martin' } });
    expect(r).toEqual({ ok: false, messages: [expect.stringContaining('at least one of email, customerId, phone')] });
  });

  it('refuses an empty subject and a missing one', async () => {
    expect((await validate(CreateRequestDto, { ...valid, subject: {} })).ok).toBe(false);
    const { subject: _s, ...noSubject } = valid;
    expect((await validate(CreateRequestDto, noSubject)).ok).toBe(false);
  });

  it('accepts a restriction with its Art. 18(1) ground, and only with one', async () => {
    expect((await validate(CreateRequestDto, { ...valid, type: 'restriction', ground: 'accuracy-contested' })).ok).toBe(
      true,
    );
    expect((await validate(CreateRequestDto, { ...valid, type: 'restriction' })).ok).toBe(false);
    expect((await validate(CreateRequestDto, { ...valid, type: 'restriction', ground: 'boredom' })).ok).toBe(false);
    expect((await validate(CreateRequestDto, { ...valid, ground: 'legal-claims' })).ok).toBe(false);
  });

  it.each(['access', 'portability'])('accepts type %s (Art. 15, Art. 20)', async (type) => {
    expect((await validate(CreateRequestDto, { ...valid, type })).ok).toBe(true);
  });

  it('accepts a rectification with its changes (Art. 16), and only with them', async () => {
    const r = await validate(CreateRequestDto, {
      ...valid,
      type: 'rectification',
      changes: { email: 'jeanne.new@example.fr' },
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.changes).toEqual({ email: 'jeanne.new@example.fr' });
    expect(await validate(CreateRequestDto, { ...valid, type: 'rectification' })).toEqual({
      ok: false,
      messages: expect.arrayContaining([
        expect.stringContaining('changes is required for, and only allowed with, type rectification'),
      ]),
    });
    expect((await validate(CreateRequestDto, { ...valid, type: 'rectification', changes: {} })).ok).toBe(false);
    expect((await validate(CreateRequestDto, { ...valid, type: 'rectification', changes: { email: 42 } })).ok).toBe(
      false,
    );
    expect(await validate(CreateRequestDto, { ...valid, changes: { email: 'x@example.fr' } })).toEqual({
      ok: false,
      messages: [expect.stringContaining('only allowed with, type rectification')],
    });
  });

  it('accepts an objection with its purposes (Art. 21), and only with them', async () => {
    expect(
      (
        await validate(CreateRequestDto, {
          ...valid,
          type: 'objection',
          purposes: ['prospection', 'service-improvement'],
        })
      ).ok,
    ).toBe(true);
    expect((await validate(CreateRequestDto, { ...valid, type: 'objection' })).ok).toBe(false);
    expect((await validate(CreateRequestDto, { ...valid, type: 'objection', purposes: [] })).ok).toBe(false);
    expect((await validate(CreateRequestDto, { ...valid, type: 'objection', purposes: ['Prospection!'] })).ok).toBe(
      false,
    );
    expect((await validate(CreateRequestDto, { ...valid, purposes: ['prospection'] })).ok).toBe(false);
  });

  it('accepts a representative with a mandate reference, and a name', async () => {
    const r = await validate(CreateRequestDto, {
      ...valid,
      representative: { mandateReference: 'MAND-2026/0042', name: 'Maître Claire Dubois' },
    });
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.value.representative).toEqual({ mandateReference: 'MAND-2026/0042', name: 'Maître Claire Dubois' });
    expect((await validate(CreateRequestDto, { ...valid, representative: { mandateReference: 'a' } })).ok).toBe(true);
    expect(
      (await validate(CreateRequestDto, { ...valid, representative: { mandateReference: 'x'.repeat(100) } })).ok,
    ).toBe(true);
  });

  it.each([
    ['no mandate reference', { name: 'Claire Dubois' }, 'mandateReference'],
    ['an empty mandate reference', { mandateReference: '' }, 'mandateReference'],
    ['a mandate reference too long', { mandateReference: 'x'.repeat(101) }, 'mandateReference'],
    [
      'a mandate reference that is not a reference',
      { mandateReference: 'mandate of 3 May' },
      'mandateReference must start with a letter or digit',
    ],
    [
      'a mandate reference starting with a separator',
      { mandateReference: '/etc/passwd' },
      'mandateReference must start with a letter or digit',
    ],
    ['an empty name', { mandateReference: 'M-1', name: '' }, 'name must be'],
    ['a name too long', { mandateReference: 'M-1', name: 'x'.repeat(201) }, 'name must be'],
    ['an unknown field', { mandateReference: 'M-1', address: '1 rue X' }, 'property address should not exist'],
  ])('refuses a representative with %s', async (_, representative, message) => {
    const r = await validate(CreateRequestDto, { ...valid, representative });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.messages.join('; ')).toContain(message);
  });

  it('refuses a representative that is not an object', async () => {
    expect((await validate(CreateRequestDto, { ...valid, representative: 'MAND-1' })).ok).toBe(false);
    expect((await validate(CreateRequestDto, { ...valid, representative: ['MAND-1'] })).ok).toBe(false);
  });

  it('refuses an unknown type with the list of types', async () => {
    const r = await validate(CreateRequestDto, { ...valid, type: 'deletion' });
    expect(r).toEqual({ ok: false, messages: [expect.stringContaining('type must be one of')] });
  });

  it.each([
    ['an unknown top-level field', { ...valid, priority: 'high' }, 'property priority should not exist'],
    [
      'an unknown subject field',
      { ...valid, subject: { email: 'jeanne@example.fr', address: '1 rue X' } },
      'property address should not exist',
    ],
    [
      'the internal validation field',
      { ...valid, subject: { email: 'jeanne@example.fr', _atLeastOneKey: 'x' } },
      '_atLeastOneKey',
    ],
    ['a bad e-mail', { ...valid, subject: { email: 'not-an-email' } }, 'email must be an email'],
    ['a phone not in E.164', { ...valid, subject: { phone: '06 12 34 56 78' } }, 'E.164'],
    ['an unknown channel', { ...valid, channel: 'fax' }, 'channel must be one of'],
    ['a note too long', { ...valid, note: 'x'.repeat(2001) }, 'note must be'],
    ['a subject that is not an object', { ...valid, subject: 'jeanne@example.fr' }, 'subject'],
  ])('refuses %s', async (_, body, message) => {
    const r = await validate(CreateRequestDto, body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.messages.join('; ')).toContain(message);
  });
});

describe('decision DTOs', () => {
  it('verification needs the method and a note', async () => {
    expect((await validate(AttestVerificationDto, { method: 'dpo-attested', note: 'passport seen' })).ok).toBe(true);
    expect((await validate(AttestVerificationDto, { method: 'code', note: 'x' })).ok).toBe(false);
    expect((await validate(AttestVerificationDto, { method: 'dpo-attested' })).ok).toBe(false);
    expect((await validate(AttestVerificationDto, { method: 'dpo-attested', note: '' })).ok).toBe(false);
    expect((await validate(AttestVerificationDto, { method: 'dpo-attested', note: 'x', document: 'base64…' })).ok).toBe(
      false,
    );
  });

  it('a subject decision needs a subjectRef; no-data-held does not', async () => {
    expect((await validate(SubjectDecisionDto, { decision: 'subject', subjectRef: 's-1' })).ok).toBe(true);
    expect((await validate(SubjectDecisionDto, { decision: 'subject' })).ok).toBe(false);
    expect((await validate(SubjectDecisionDto, { decision: 'no-data-held' })).ok).toBe(true);
    expect((await validate(SubjectDecisionDto, { decision: 'maybe' })).ok).toBe(false);
    expect((await validate(SubjectDecisionDto, { decision: 'no-data-held', subjectRef: 42 })).ok).toBe(false);
  });

  it('closing an action needs a reason', async () => {
    expect((await validate(CloseActionDto, { reason: 'erased by hand' })).ok).toBe(true);
    expect((await validate(CloseActionDto, {})).ok).toBe(false);
    expect((await validate(CloseActionDto, { reason: '' })).ok).toBe(false);
  });
});

describe('ListRequestsQueryDto', () => {
  it('converts limit and offset', async () => {
    const r = await validate(
      ListRequestsQueryDto,
      { limit: '50', offset: '10', status: 'in-progress', overdue: 'true' },
      'query',
    );
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({ limit: 50, offset: 10, status: 'in-progress', overdue: 'true' }),
    });
  });

  it.each([
    [{ limit: '101' }, 'limit'],
    [{ limit: '0' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
    [{ status: 'done' }, 'status'],
    [{ overdue: 'yes' }, 'overdue'],
    [{ dueBefore: 'tomorrow' }, 'dueBefore'],
    [{ sort: 'asc' }, 'sort'],
  ])('refuses %j', async (query, field) => {
    const r = await validate(ListRequestsQueryDto, query, 'query');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.messages.join('; ')).toContain(field);
  });
});
