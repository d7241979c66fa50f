/** Test data factories: a system, a subject, a record event — valid unless told otherwise. */
import { randomUUID } from 'node:crypto';
import type { RecordEvent, SystemApproved, SystemRegistered } from '@datarights/contracts';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

export function aSubject(overrides: Partial<{ email: string; customerId: string; phone: string; name: string }> = {}) {
  const n = next();
  return {
    email: `subject-${n}@example.test`,
    customerId: `C-${n}`,
    phone: `+3361${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
    name: `Test Subject ${n}`,
    ...overrides,
  };
}

export function aSystem(overrides: Partial<SystemRegistered> = {}): SystemRegistered {
  return {
    systemId: `sys-${next()}`,
    name: 'Test system',
    owner: 'test-team',
    role: 'controller',
    purposes: ['customer-relationship'],
    legalBasis: 'contract',
    categories: ['identification'],
    location: 'FR',
    transfers: [],
    recipients: [],
    capabilities: ['export', 'erase'],
    ...overrides,
  } as SystemRegistered;
}

/** A registration as data-locator publishes it once in force (`dsr.system.approved.v1`), approved by the DPO. */
export function anApprovedSystem(overrides: Partial<SystemApproved> = {}): SystemApproved {
  const now = new Date().toISOString();
  return {
    ...aSystem(overrides),
    registrationId: randomUUID(),
    registeredAt: now,
    approval: 'dpo',
    approvedBy: 'dpo',
    approvedAt: now,
    changes: [],
    ...overrides,
  };
}

export function aRecordEvent(
  systemId: string,
  subjectKeys: RecordEvent['subjectKeys'],
  overrides: Partial<RecordEvent> = {},
): RecordEvent {
  return {
    systemId,
    recordRef: `rec-${randomUUID()}`,
    category: 'identification',
    subjectKeys,
    occurredAt: new Date().toISOString(),
    ...overrides,
  } as RecordEvent;
}
