import { AppError } from '@datarights/service-kit';
import { OTHER_CUSTOMER, selfServiceRequester, STAFF_ON_SELF_SERVICE } from './portal-requester';

const refusal = (fn: () => unknown): { status: number; message: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError)
      return { status: err.getStatus(), message: (err.getResponse() as { message?: string }).message ?? err.message };
    throw err;
  }
  throw new Error('not refused');
};

describe('who files on the self-service route', () => {
  it('without a token: anonymous, the body as given, no portal session', () => {
    expect(selfServiceRequester(undefined, { email: 'sam@example.test', customerId: 'C-9' })).toEqual({
      filer: { filedBy: 'subject', principal: 'self-service' },
      subject: { email: 'sam@example.test', customerId: 'C-9' },
      missingCustomerClaim: false,
    });
  });

  it("a customer-space user: the session's customer number fills the subject's, and marks the portal session", () => {
    const r = selfServiceRequester(
      { id: 'u-1', roles: ['subject'], customerId: ' C-104233 ' },
      { email: 'sam@example.test' },
    );
    expect(r).toEqual({
      filer: { filedBy: 'subject', principal: 'subject:u-1', portalSession: true },
      subject: { email: 'sam@example.test', customerId: 'C-104233', phone: undefined, name: undefined },
      missingCustomerClaim: false,
    });
    // The same number, written with spaces around it, is the same number.
    expect(
      selfServiceRequester({ id: 'u-1', roles: ['subject'], customerId: 'C-104233' }, { customerId: ' C-104233' }).filer
        .portalSession,
    ).toBe(true);
  });

  it("another customer number than the session's: 400, with the reason", () => {
    expect(
      refusal(() => selfServiceRequester({ id: 'u-1', roles: ['subject'], customerId: 'C-1' }, { customerId: 'C-2' })),
    ).toEqual({ status: 400, message: OTHER_CUSTOMER });
  });

  it('a staff token (DPO, operator, auditor): 403, pointing to POST /v1/requests', () => {
    for (const roles of [['dpo', 'operator', 'auditor'], ['operator'], ['auditor']] as const) {
      const r = refusal(() =>
        selfServiceRequester({ id: 'dev-dpo', roles: [...roles] }, { email: 'sam@example.test' }),
      );
      expect(r).toEqual({ status: 403, message: STAFF_ON_SELF_SERVICE });
      expect(r.message).toContain('POST /v1/requests');
    }
  });

  it('a customer-space token without a customer number: filed under the user, without the portal-session proof', () => {
    expect(selfServiceRequester({ id: 'u-2', roles: ['subject'] }, { email: 'sam@example.test' })).toEqual({
      filer: { filedBy: 'subject', principal: 'subject:u-2' },
      subject: { email: 'sam@example.test' },
      missingCustomerClaim: true,
    });
  });
});
