/**
 * Who files on the self-service route, from the token the auth guard checked (if any). Pure.
 *
 * - No token: an anonymous filing; identity challenges the requester with a code.
 * - A customer-space user's token (role `subject`) with a customer number (claim
 *   AUTH_CUSTOMER_CLAIM): a portal filing. The subject's customer number is the session's:
 *   taken from the token when the body gives none, refused (400, nothing recorded) when the
 *   body gives another — a signed-in user files for themselves; anyone else's request goes
 *   through the anonymous route and its code. Identity then counts the proof
 *   `portal-session` once that number belongs to the matched subject.
 * - A customer-space token without a customer number: filed under the user's id, without
 *   the proof (the code path, as anonymous).
 * - A staff token (DPO, operator, auditor): 403. Taken as anonymous, the filing would be
 *   recorded as the subject's own (`filedBy: subject`, a code to their contact) and lose who
 *   actually filed it; staff file with POST /v1/requests, which records them.
 */
import { HttpStatus } from '@nestjs/common';
import { normaliseKey } from '@datarights/contracts';
import { AppError, ErrorCode, type Principal } from '@datarights/service-kit';
import type { RequestSubjectDto } from '../requests/dto/create-request.dto';
import type { Filer, GivenSubject } from '../requests/request-filing';

export interface SelfServiceRequester {
  filer: Filer;
  /** The subject as filed: the body's, with the session's customer number filled in. */
  subject: GivenSubject;
  /** A customer-space token without a customer number (worth a warning: the claim may be misconfigured). */
  missingCustomerClaim: boolean;
}

export const STAFF_ON_SELF_SERVICE =
  'this route is for data subjects filing their own request (with a customer-space token, or none); staff file requests with POST /v1/requests';
export const OTHER_CUSTOMER =
  'subject.customerId is not the customer number of your signed-in session: leave it out (your session gives it) or give your own';

export function selfServiceRequester(principal: Principal | undefined, given: RequestSubjectDto): SelfServiceRequester {
  if (!principal)
    return { filer: { filedBy: 'subject', principal: 'self-service' }, subject: given, missingCustomerClaim: false };
  if (!principal.roles.includes('subject'))
    throw new AppError(HttpStatus.FORBIDDEN, ErrorCode.Forbidden, STAFF_ON_SELF_SERVICE);
  const filer: Filer = { filedBy: 'subject', principal: `subject:${principal.id}` };
  const session = principal.customerId === undefined ? undefined : normaliseKey('customerId', principal.customerId);
  if (!session) return { filer, subject: given, missingCustomerClaim: true };
  if (given.customerId !== undefined && normaliseKey('customerId', given.customerId) !== session) {
    throw new AppError(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, OTHER_CUSTOMER);
  }
  return {
    filer: { ...filer, portalSession: true },
    subject: { email: given.email, customerId: session, phone: given.phone, name: given.name },
    missingCustomerClaim: false,
  };
}
