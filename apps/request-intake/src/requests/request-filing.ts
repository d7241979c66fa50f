/**
 * What every filing records first, whoever files (the DPO's API or self-service): the
 * subject's identifiers normalised so the systems' keys match, the receipt time and the due
 * date — Art. 12(3): one month from receipt (the policy's deadlines.response), in calendar
 * months: 31 January + P1M = 28/29 February (Regulation 1182/71, art. 3(2)(c)).
 */
import { randomUUID } from 'node:crypto';
import { normaliseKey } from '@datarights/contracts';
import { addDuration, type Policy } from '@datarights/policy';
import type { Clock } from '@datarights/service-kit';
import type { RequestSubjectDto } from './dto/create-request.dto';

export interface NewRequest {
  id: string;
  subject: { email?: string; customerId?: string; phone?: string; name?: string };
  receivedAt: Date;
  dueAt: Date;
}

export function newRequest(given: RequestSubjectDto, clock: Clock, policy: Policy): NewRequest {
  const receivedAt = clock.now();
  return {
    id: randomUUID(),
    subject: {
      email: given.email !== undefined ? normaliseKey('email', given.email) : undefined,
      customerId: given.customerId !== undefined ? normaliseKey('customerId', given.customerId) : undefined,
      phone: given.phone !== undefined ? normaliseKey('phone', given.phone) : undefined,
      name: given.name?.trim() || undefined,
    },
    receivedAt,
    dueAt: addDuration(receivedAt, policy.deadlines.response),
  };
}
