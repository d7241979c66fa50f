/** Art. 15(4) in the console: a package holding other people's data waits for the DPO's release on the request page. */
import { requestPage } from './views';

const frame = { lang: 'fr' as const, csrf: 'csrf-token', signedIn: true, path: '/requests/x' };
const request = (over: Record<string, unknown> = {}) => ({
  id: '11111111-1111-4111-8111-111111111111',
  type: 'access',
  status: 'in-progress',
  channel: 'email',
  receivedAt: '2026-12-01T09:00:00.000Z',
  dueAt: '2027-01-01T22:59:59.999Z',
  closedAt: null,
  outcome: null,
  subject: { email: 'jeanne@example.fr' },
  systems: [],
  holds: [],
  timeline: [],
  verification: {},
  ...over,
});

describe('the request page and a package waiting for release (Art. 15(4))', () => {
  it('says why the package waits and offers the DPO the release, posted to the release decision', () => {
    const page = requestPage(
      frame,
      request({ packageRelease: { waitingSince: '2026-12-07T10:00:00.000Z', releasedAt: null, releasedBy: null } }),
    );
    expect(page).toContain('id="package-waiting"');
    expect(page).toContain('il ne part qu’une fois libéré par vous (RGPD, art. 15(4))');
    expect(page).toContain('action="/requests/11111111-1111-4111-8111-111111111111/decisions/release"');
  });

  it('offers no release once released, and shows who released it; nor for a request with nothing waiting', () => {
    const released = requestPage(
      frame,
      request({
        status: 'completed',
        outcome: 'completed',
        closedAt: '2026-12-07T11:00:00.000Z',
        packageRelease: {
          waitingSince: '2026-12-07T10:00:00.000Z',
          releasedAt: '2026-12-07T11:00:00.000Z',
          releasedBy: 'dpo-1',
        },
      }),
    );
    expect(released).not.toContain('decisions/release"');
    expect(released).not.toContain('id="package-waiting"');
    expect(released).toContain('Paquet libéré');
    expect(released).toContain('dpo-1');
    expect(requestPage(frame, request())).not.toContain('decisions/release"');
  });
});
