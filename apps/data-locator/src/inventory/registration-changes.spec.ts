import { registrationChanges, type RegistrationFacts } from './registration-changes';

const policy = { approveCapabilities: ['export', 'erase'] as ('export' | 'erase')[], approveFirstRegistration: false };
const plain: RegistrationFacts = { role: 'controller', capabilities: [], recipients: [] };
const crm: RegistrationFacts = { role: 'controller', capabilities: ['export', 'erase'], recipients: [] };
const hosting: RegistrationFacts = {
  role: 'processor',
  controller: 'customer-42',
  controllerContact: 'dpo@customer.example',
  capabilities: ['export'],
  recipients: [],
};

describe('registrationChanges: what waits for the DPO', () => {
  it('lets a first registration that redirects nothing take effect, unless the policy wants every new system', () => {
    expect(registrationChanges(policy, undefined, plain)).toEqual([]);
    expect(registrationChanges({ ...policy, approveFirstRegistration: true }, undefined, plain)).toEqual([
      { field: 'role', to: 'controller' },
    ]);
  });

  it('holds a first registration with a capability the policy lists, and names only those (Art. 5(1)(f), 32)', () => {
    expect(registrationChanges(policy, undefined, { ...crm, capabilities: ['export', 'rectify'] })).toEqual([
      { field: 'capability', to: 'export' },
    ]);
  });

  it('holds a system becoming a processor, with its controller and contact (Art. 28)', () => {
    expect(registrationChanges(policy, crm, { ...hosting, capabilities: ['export'] })).toEqual([
      { field: 'role', from: 'controller', to: 'processor' },
      { field: 'controller', to: 'customer-42' },
      { field: 'controllerContact', to: 'dpo@customer.example' },
    ]);
  });

  it('holds a processor that changes its controller or the contact requests are forwarded to', () => {
    expect(registrationChanges(policy, hosting, { ...hosting, controllerContact: 'mallory@evil.example' })).toEqual([
      { field: 'controllerContact', from: 'dpo@customer.example', to: 'mallory@evil.example' },
    ]);
    expect(registrationChanges(policy, hosting, { ...hosting, controller: 'customer-43' })).toEqual([
      { field: 'controller', from: 'customer-42', to: 'customer-43' },
    ]);
  });

  it('holds a processor declaring itself a controller: requests would no longer go to the customer', () => {
    expect(registrationChanges(policy, hosting, { ...crm, capabilities: ['export'] })).toEqual([
      { field: 'role', from: 'processor', to: 'controller' },
    ]);
  });

  it('holds a new capability or recipient system, never one already approved nor a removal', () => {
    expect(registrationChanges(policy, crm, { ...crm, capabilities: ['export', 'erase', 'rectify'] })).toEqual([]);
    expect(registrationChanges(policy, crm, { ...crm, capabilities: [] })).toEqual([]);
    expect(
      registrationChanges(policy, { ...crm, capabilities: ['export'] }, { ...crm, capabilities: ['export', 'erase'] }),
    ).toEqual([{ field: 'capability', to: 'erase' }]);
    const mailer = { name: 'Mailer', kind: 'sub-processor', categories: ['identification'], country: 'US' };
    expect(
      registrationChanges(policy, crm, { ...crm, recipients: [mailer, { ...mailer, systemId: 'mailer' }] }),
    ).toEqual([{ field: 'recipientSystem', to: 'mailer' }]);
  });

  it('lets an unchanged re-registration take effect (a connector re-registers at each start)', () => {
    expect(registrationChanges(policy, hosting, { ...hosting })).toEqual([]);
  });
});
