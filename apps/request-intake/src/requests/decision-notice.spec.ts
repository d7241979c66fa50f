import { SUBJECT_ON_FILE } from './completion-notice';
import {
  extensionVariables,
  notice,
  refusalVariables,
  rejectionVariables,
  requesterRecipient,
} from './decision-notice';

const CNIL = { name: 'CNIL', complaintUrl: 'https://www.cnil.fr/fr/adresser-une-plainte' };

describe('who is told of a decision', () => {
  it.each([
    ['the request address, when verified', 'a@x.fr', ['A@x.fr', 'b@x.fr'], { channel: 'email', to: 'a@x.fr' }],
    ['a verified address, when the request gave another', 'z@x.fr', ['b@x.fr'], { channel: 'email', to: 'b@x.fr' }],
    ['the request address, before any verification', 'a@x.fr', null, { channel: 'email', to: 'a@x.fr' }],
    ['by post, without any address', null, [], { channel: 'post', to: SUBJECT_ON_FILE }],
  ])('%s', (_what, email, verified, expected) => {
    expect(requesterRecipient(email, verified)).toEqual(expected);
  });
});

describe('decision notices', () => {
  it('tells the extension, its reasons and the new due date (Art. 12(3))', () => {
    const n = notice(
      'n1',
      'r1',
      { channel: 'email', to: 'a@x.fr' },
      'fr-FR',
      'deadline-extended',
      extensionVariables(
        'r1',
        2,
        'complex request',
        new Date('2025-02-28T10:00:00Z'),
        new Date('2025-04-30T10:00:00Z'),
      ),
    );
    expect(n).toEqual({
      notificationId: 'n1',
      requestId: 'r1',
      channel: 'email',
      to: 'a@x.fr',
      template: 'deadline-extended',
      locale: 'fr-FR',
      variables: {
        requestId: 'r1',
        months: 2,
        reasons: 'complex request',
        previousDueAt: '2025-02-28T10:00:00.000Z',
        dueAt: '2025-04-30T10:00:00.000Z',
      },
    });
  });

  it('tells a refusal with its reasons, the right to complain to the CNIL and to a judicial remedy (Art. 12(4))', () => {
    expect(refusalVariables('r1', 'access', 'the data belongs to another person', CNIL)).toEqual({
      requestId: 'r1',
      requestType: 'access',
      outcome: 'refused',
      reasons: 'the data belongs to another person',
      complaint: { authority: 'CNIL', url: 'https://www.cnil.fr/fr/adresser-une-plainte' },
      judicialRemedy: true,
    });
  });

  it('tells a rejection with its ground, the justification and the same rights (Art. 12(5))', () => {
    expect(rejectionVariables('r1', 'access', 'excessive', 'twelfth identical request this month', CNIL)).toMatchObject(
      {
        outcome: 'rejected',
        ground: 'excessive',
        reasons: 'twelfth identical request this month',
        complaint: { authority: 'CNIL' },
        judicialRemedy: true,
      },
    );
  });
});
