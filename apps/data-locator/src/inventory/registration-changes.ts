/**
 * Which changes of a system's registration need the DPO (GDPR Art. 28 processors, Art. 30
 * register, Art. 5(1)(f) and 32 integrity and confidentiality): compared with the
 * registration in force, a new role or controller, a new controller contact (where
 * requests about a processor's data are forwarded), a new recipient system (where Art. 19
 * notices go), or a new capability the policy lists (the system would receive commands
 * carrying every identifier of a subject). Pure: the policy and both registrations in,
 * the list of changes out; empty means the registration may take effect at once.
 */
import type { RegistrationChange, SystemRegistered } from '@datarights/contracts';
import type { RegistrationsPolicy } from '@datarights/policy';

/** What of a registration the rule reads. */
export type RegistrationFacts = Pick<SystemRegistered, 'role' | 'capabilities' | 'recipients'> &
  Partial<Pick<SystemRegistered, 'controller' | 'controllerContact'>>;

/** A system never approved is compared with a controller that redirects nothing. */
const NOTHING: RegistrationFacts = { role: 'controller', capabilities: [], recipients: [] };

export function registrationChanges(
  policy: Pick<RegistrationsPolicy, 'approveCapabilities' | 'approveFirstRegistration'>,
  inForce: RegistrationFacts | undefined,
  next: RegistrationFacts,
): RegistrationChange[] {
  const before = inForce ?? NOTHING;
  const changes: RegistrationChange[] = [];
  if (next.role !== before.role) changes.push(change('role', inForce ? before.role : undefined, next.role));
  const controllerOf = (r: RegistrationFacts) => (r.role === 'processor' ? r.controller : undefined);
  const controller = controllerOf(next);
  if (controller !== undefined && controller !== controllerOf(before))
    changes.push(change('controller', controllerOf(before), controller));
  if (next.controllerContact !== undefined && next.controllerContact !== before.controllerContact)
    changes.push(change('controllerContact', before.controllerContact, next.controllerContact));
  const had = new Set<string>(before.capabilities);
  for (const c of next.capabilities)
    if (!had.has(c) && (policy.approveCapabilities as readonly string[]).includes(c))
      changes.push(change('capability', undefined, c));
  const recipientSystems = new Set(before.recipients.flatMap((r) => (r.systemId ? [r.systemId] : [])));
  for (const r of next.recipients)
    if (r.systemId && !recipientSystems.has(r.systemId)) {
      recipientSystems.add(r.systemId);
      changes.push(change('recipientSystem', undefined, r.systemId));
    }
  // A policy may want to see every new system, even one that redirects nothing.
  if (!inForce && changes.length === 0 && policy.approveFirstRegistration)
    changes.push(change('role', undefined, next.role));
  return changes;
}

function change(field: RegistrationChange['field'], from: string | undefined, to: string): RegistrationChange {
  return from === undefined ? { field, to } : { field, from, to };
}
