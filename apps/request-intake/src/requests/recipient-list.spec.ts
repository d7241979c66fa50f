import type { RecipientRow } from './recipients.repository';
import { subjectRecipientList, toRecipientDto } from './recipient-list';

const row = (o: Partial<RecipientRow>): RecipientRow => ({
  noticeId: '8d7f2f56-2a4b-4a53-9c8b-1f0c2f3a4b5c',
  recipient: { name: 'Mailvoie SAS', kind: 'sub-processor', country: 'FR', systemId: 'mailvoie' },
  fromSystemId: 'marketing',
  action: 'erasure',
  categories: ['prospection'],
  status: 'awaiting-acknowledgement',
  reminders: 0,
  respondBy: new Date('2026-12-05T10:00:00.000Z'),
  reason: null,
  acknowledgedBy: null,
  acknowledgementRequestedAt: null,
  notifiedAt: new Date('2026-11-28T10:00:00.000Z'),
  updatedAt: new Date('2026-11-28T10:00:00.000Z'),
  ...o,
});

describe('the recipients the subject is told of (Art. 19)', () => {
  it('names each recipient once, with every category it received and what it was told, sorted by name; no statuses or reasons', () => {
    const list = subjectRecipientList([
      row({ fromSystemId: 'marketing', categories: ['prospection'] }),
      row({
        fromSystemId: 'crm',
        categories: ['identification'],
        action: 'rectification',
        status: 'unacknowledged',
        reason: 'no acknowledgement',
      }),
      row({
        recipient: { name: 'HelpScale Inc.', kind: 'sub-processor', country: 'US' },
        categories: ['relationship'],
        status: 'not-notified',
        reason: 'no command topic',
      }),
    ]);
    expect(list).toEqual([
      { name: 'HelpScale Inc.', kind: 'sub-processor', country: 'US', categories: ['relationship'], told: ['erasure'] },
      {
        name: 'Mailvoie SAS',
        kind: 'sub-processor',
        country: 'FR',
        categories: ['identification', 'prospection'],
        told: ['erasure', 'rectification'],
      },
    ]);
  });

  it('is empty when no recipient received the data', () => {
    expect(subjectRecipientList([])).toEqual([]);
  });

  it('shows the DPO every notice, with dates as ISO strings and no system id when there is none', () => {
    expect(toRecipientDto(row({}))).toMatchObject({
      name: 'Mailvoie SAS',
      systemId: 'mailvoie',
      respondBy: '2026-12-05T10:00:00.000Z',
      notifiedAt: '2026-11-28T10:00:00.000Z',
    });
    expect(
      toRecipientDto(row({ recipient: { name: 'X', kind: 'controller', country: 'FR' }, respondBy: null })),
    ).not.toHaveProperty('systemId');
  });
});
