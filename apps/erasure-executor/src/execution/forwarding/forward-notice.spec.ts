import { summariseExecution, systemOutcome } from '../completion/completion';
import { forwardNotice, noContactReason } from './forward-notice';

describe('forwarding to the controller of a processor system (Art. 28)', () => {
  const keys = { email: ['jeanne@example.fr'], customerId: ['C-1'] };

  it("writes to the controller's contact with the request type, the categories, the system, a reference and the subject's keys", () => {
    expect(
      forwardNotice({
        notificationId: 'n1',
        commandId: 'c1',
        requestId: 'r1',
        requestType: 'erasure',
        systemId: 'hosting',
        controller: 'ACME SAS',
        contact: 'dpo@acme.test',
        categories: ['identification'],
        subjectKeys: keys,
        locale: 'fr-FR',
      }),
    ).toEqual({
      notificationId: 'n1',
      requestId: 'r1',
      channel: 'email',
      to: 'dpo@acme.test',
      template: 'processor-forward',
      locale: 'fr-FR',
      variables: {
        reference: 'c1',
        requestId: 'r1',
        requestType: 'erasure',
        systemId: 'hosting',
        controller: 'ACME SAS',
        categories: ['identification'],
        subjectKeys: keys,
      },
    });
  });

  it('says what to do when the controller left no contact', () => {
    expect(noContactReason('hosting', null)).toContain('forward it by hand, then close the action');
  });

  it("an acknowledged forward is the system's outcome, and counts as ended", () => {
    const forward = {
      systemId: 'hosting',
      kind: 'forward',
      categories: ['identification'],
      status: 'completed' as const,
      outcome: 'forwarded' as const,
      affectedRecords: 0,
    };
    expect(systemOutcome([forward], [])).toBe('forwarded');
    expect(summariseExecution('r1', [forward], [])?.systems).toEqual([
      { systemId: 'hosting', outcome: 'forwarded', affectedRecords: 0, categories: ['identification'] },
    ]);
    expect(
      summariseExecution('r1', [{ ...forward, status: 'awaiting-acknowledgement', outcome: null }], []),
    ).toBeNull();
  });
});
