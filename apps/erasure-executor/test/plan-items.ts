/** The plans the planners' unit specs read: the French default policy and the demo systems' shape. */
import type { PlanItem } from '@datarights/contracts';
import { loadPolicy, resolvePolicyPath } from '@datarights/policy';

export const frDefault = loadPolicy(resolvePolicyPath());

export const item = (o: Partial<PlanItem> & Pick<PlanItem, 'systemId' | 'categories'>): PlanItem =>
  ({
    role: 'controller',
    capabilities: ['export', 'erase', 'rectify', 'restrict', 'suppress'],
    records: 1,
    ...o,
  }) as PlanItem;

// The demo systems' shape: CRM and support rectify; billing and marketing cannot.
export const demoPlan: PlanItem[] = [
  item({ systemId: 'crm', categories: ['identification'], capabilities: ['export', 'erase', 'rectify', 'restrict'] }),
  item({ systemId: 'billing', categories: ['billing', 'payment'], capabilities: ['export', 'erase', 'restrict'] }),
  item({ systemId: 'support', categories: ['relationship'], capabilities: ['export', 'erase', 'rectify'] }),
  item({
    systemId: 'marketing',
    categories: ['usage', 'prospection'],
    capabilities: ['export', 'erase', 'restrict', 'suppress'],
  }),
];
