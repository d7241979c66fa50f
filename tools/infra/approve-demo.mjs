// `npm start`: the demo systems register with capabilities, so their registrations wait for
// the DPO (a registration that redirects personal data takes effect only once approved:
// GDPR Art. 28, 30, 32). The dev stack approves them through data-locator's API with the
// DPO dev token, exactly as the DPO would in the console; nothing writes the database.
import { SERVICES } from './services.mjs';

/** The demo systems (apps/demo-systems' catalog): the four holders and the recipient. */
export const DEMO_SYSTEM_IDS = Object.freeze(['crm', 'billing', 'support', 'marketing', 'helpscale']);

const dataLocator = () => `http://127.0.0.1:${SERVICES.find((s) => s.name === 'data-locator').port}`;

/** Approves each demo system's waiting registration; resolves once all are in force. Returns how many it approved. */
export async function approveDemoSystems(dpoToken, deadlineMs) {
  const call = async (method, path) => {
    const res = await fetch(`${dataLocator()}${path}`, { method, headers: { authorization: `Bearer ${dpoToken}` } });
    if (res.status !== 200) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  const end = Date.now() + deadlineMs;
  let approved = 0;
  for (;;) {
    const { items, pending } = await call('GET', '/v1/systems');
    const ours = pending.filter((p) => DEMO_SYSTEM_IDS.includes(p.systemId));
    for (const p of ours) {
      await call('POST', `/v1/systems/${p.systemId}/registrations/${p.registrationId}/approval`);
      approved += 1;
    }
    const inForce = new Set(items.map((i) => i.systemId));
    const missing = DEMO_SYSTEM_IDS.filter((id) => !inForce.has(id));
    if (ours.length === 0 && missing.length === 0) return approved;
    if (Date.now() > end) throw new Error(`demo systems not in the register: ${missing.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
