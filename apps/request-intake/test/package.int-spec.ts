/**
 * Access packages in request-intake against real Kafka and PostgreSQL: the encrypted
 * package arrives from data-locator in parts (sent by hand, as data-locator would), is
 * stored encrypted, completes the request with the `package-ready` notice and its signed
 * link, is served to the DPO or the link (403 wrong signature, 410 expired), and is
 * deleted after its keeping period with an audited event.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EVENTS, type NotificationRequested } from '@datarights/contracts';
import { aSubject } from '@datarights/testing';
import { DEV_PACKAGE_LINK_SECRET } from '../src/package/package-link';
import { PackageService } from '../src/package/package.service';
import { signLink } from '../src/package/signed-link';
import {
  api,
  countRows,
  DPO,
  fileRequest,
  getRequest,
  messagesOf,
  OPERATOR,
  send,
  startHarness,
  stopHarness,
  uuid,
  waitForMessage,
  waitForRequest,
  waitForStatus,
  type Harness,
} from './harness';
import { DEV_PACKAGE_ENCRYPTION_KEY, encryptPackage, packageKey } from '@datarights/service-kit';

jest.setTimeout(120_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await stopHarness(h);
});

const T = (name: keyof typeof EVENTS) => EVENTS[name].type;

/** An access request filed, resolved, verified and planned for one system's category, as the other services would. */
async function accessInProgress(systemId: string, category: string) {
  const subject = aSubject();
  const { id } = await fileRequest(h, { type: 'access', subject, channel: 'email' });
  const subjectRef = `subj-${uuid()}`;
  await send(h, 'subjectResolved', { requestId: id, result: 'matched', subjectRef, candidates: [] });
  await waitForStatus(h, id, 'awaiting-verification');
  const keys = { requestId: id, requestType: 'access' as const, subjectRef, subjectKeys: { email: [subject.email] } };
  await send(h, 'identityVerified', { ...keys, method: 'code', verifiedAt: new Date().toISOString() });
  await waitForStatus(h, id, 'verified');
  await send(h, 'planBuilt', {
    ...keys,
    items: [{ systemId, role: 'controller', categories: [category], capabilities: ['export'], records: 1 }],
  });
  await waitForStatus(h, id, 'in-progress');
  return { id, subject };
}
const binary = (res: import('superagent').Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('an access request: package stored, request completed, package served and deleted', () => {
  it('completes with the package-ready notice; the link and the DPO download it; wrong signature 403, expired 410; deleted after its period', async () => {
    const { id, subject } = await accessInProgress('crm', 'identification');
    const commandId = uuid();
    await send(h, 'actionDispatched', {
      requestId: id,
      commandId,
      systemId: 'crm',
      kind: 'export',
      categories: ['identification'],
      attempt: 1,
      respondBy: new Date(Date.now() + 3600_000).toISOString(),
    });
    await send(h, 'actionCompleted', {
      requestId: id,
      commandId,
      systemId: 'crm',
      kind: 'export',
      outcome: 'done',
      affectedRecords: 1,
      retained: [],
    });

    // The package as data-locator sends it: encrypted with the shared key, in parts (here three).
    const zip = randomBytes(1_000_000);
    const encrypted = encryptPackage(packageKey(DEV_PACKAGE_ENCRYPTION_KEY), zip, id).toString('base64');
    const sha256 = createHash('sha256').update(Buffer.from(encrypted, 'base64')).digest('hex');
    const packageId = uuid();
    const size = Math.ceil(encrypted.length / 3 / 4) * 4;
    for (const part of [2, 1, 3, 2]) {
      await send(h, 'packageReady', {
        requestId: id,
        packageId,
        requestType: 'access',
        part,
        parts: 3,
        data: encrypted.slice((part - 1) * size, part * size),
        sha256,
        records: 1,
        categories: ['identification'],
        assembledAt: new Date().toISOString(),
      });
    }
    await send(h, 'executionCompleted', {
      requestId: id,
      systems: [{ systemId: 'crm', outcome: 'done', affectedRecords: 1, categories: ['identification'] }],
      holds: [],
    });
    const done = await waitForStatus(h, id, 'completed');
    expect(done).toMatchObject({ outcome: 'completed' });

    // Stored encrypted, as the chunks it came in, not in clear.
    expect(await countRows(h, 'packages', 'request_id = $1', [id])).toBe(1);
    expect(await countRows(h, 'package_chunks', 'request_id = $1', [id])).toBe(3);
    expect(
      await countRows(h, 'package_chunks', 'request_id = $1 AND position($2::bytea in data) > 0', [
        id,
        zip.subarray(0, 32),
      ]),
    ).toBe(0);

    const notice = (
      await waitForMessage(
        h,
        T('notificationRequested'),
        id,
        (m) => (m.envelope!.data as NotificationRequested).template === 'package-ready',
      )
    ).envelope!.data as NotificationRequested;
    expect(notice).toMatchObject({
      channel: 'email',
      to: subject.email,
      template: 'package-ready',
      variables: {
        requestId: id,
        downloadPath: expect.stringMatching(`^/v1/requests/${id}/package\\?expires=\\d+&sig=`),
      },
    });
    const path = (notice.variables as { downloadPath: string }).downloadPath;

    const byLink = await api(h).get(path).buffer(true).parse(binary);
    expect(byLink.status).toBe(200);
    expect(byLink.headers['content-type']).toBe('application/zip');
    expect((byLink.body as Buffer).equals(zip)).toBe(true);

    const byDpo = await api(h)
      .get(`/v1/requests/${id}/package`)
      .set('Authorization', `Bearer ${DPO}`)
      .buffer(true)
      .parse(binary);
    expect(byDpo.status).toBe(200);
    expect((byDpo.body as Buffer).equals(zip)).toBe(true);

    expect((await api(h).get(`/v1/requests/${id}/package`).set('Authorization', `Bearer ${OPERATOR}`)).status).toBe(
      403,
    );
    expect((await api(h).get(`/v1/requests/${id}/package`)).status).toBe(401);
    const { expires, sig } = signLink(DEV_PACKAGE_LINK_SECRET, id, new Date(Date.now() + 3600_000));
    expect((await api(h).get(`/v1/requests/${id}/package?expires=${expires}&sig=${sig.slice(0, -2)}xx`)).status).toBe(
      403,
    );
    expect((await api(h).get(`/v1/requests/${id}/package?expires=${expires + 1}&sig=${sig}`)).status).toBe(403);
    expect((await api(h).get(`/v1/requests/${uuid()}/package?expires=${expires}&sig=${sig}`)).status).toBe(403);
    const past = signLink(DEV_PACKAGE_LINK_SECRET, id, new Date(Date.now() - 1000));
    const expired = await api(h).get(`/v1/requests/${id}/package?expires=${past.expires}&sig=${past.sig}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('GONE');

    const fresh = await api(h).post(`/v1/requests/${id}/package/link`).set('Authorization', `Bearer ${DPO}`);
    expect(fresh.status).toBe(200);
    expect((await api(h).get(fresh.body.path)).status).toBe(200);

    // After the keeping period (default P30D): deleted, the deletion an event for the audit.
    const service = h.app.get(PackageService);
    expect(await service.deleteExpired(50, new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect(await service.deleteExpired(50, new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThanOrEqual(1);
    const deleted = await waitForMessage(h, T('packageDeleted'), id);
    expect(deleted.envelope!.data).toMatchObject({ requestId: id, packageId, reason: 'keeping period P30D ended' });
    expect(
      await countRows(h, 'packages', 'request_id = $1 AND encrypted IS NULL AND deleted_at IS NOT NULL', [id]),
    ).toBe(1);
    expect(await countRows(h, 'package_chunks', 'request_id = $1', [id])).toBe(0);
    expect((await api(h).get(`/v1/requests/${id}/package`).set('Authorization', `Bearer ${DPO}`)).status).toBe(410);
  });
});

describe("a package holding other people's data waits for the DPO (Art. 15(4))", () => {
  it('does not complete nor send the link until the DPO releases it; 409 when nothing waits; Idempotency-Key replays; operators may not release', async () => {
    const { id, subject } = await accessInProgress('support', 'relationship');
    // Nothing waits yet: 409, and nothing changes.
    await api(h).post(`/v1/requests/${id}/package-release`).set('Authorization', `Bearer ${DPO}`).expect(409);

    await send(h, 'executionCompleted', {
      requestId: id,
      systems: [{ systemId: 'support', outcome: 'done', affectedRecords: 1, categories: ['relationship'] }],
      holds: [],
      thirdPartyData: true,
    });
    const waiting = await waitForRequest(h, id, 'the package waiting for the DPO', (v) => !!v.packageRelease);
    expect(waiting.status).toBe('in-progress');
    expect(waiting.packageRelease).toEqual({ waitingSince: expect.any(String), releasedAt: null, releasedBy: null });
    expect(messagesOf(h, T('notificationRequested'), id)).toHaveLength(0);
    expect(messagesOf(h, T('requestClosed'), id)).toHaveLength(0);

    // Only the DPO releases it.
    await api(h).post(`/v1/requests/${id}/package-release`).set('Authorization', `Bearer ${OPERATOR}`).expect(403);
    const key = `release-${uuid()}`;
    const released = await api(h)
      .post(`/v1/requests/${id}/package-release`)
      .set('Authorization', `Bearer ${DPO}`)
      .set('Idempotency-Key', key)
      .expect(200);
    expect(released.body).toEqual({ id, status: 'completed', outcome: 'completed' });
    // The same key again: the same answer, nothing done twice; without it, 409 (released already).
    const again = await api(h)
      .post(`/v1/requests/${id}/package-release`)
      .set('Authorization', `Bearer ${DPO}`)
      .set('Idempotency-Key', key)
      .expect(200);
    expect(again.body).toEqual(released.body);
    await api(h).post(`/v1/requests/${id}/package-release`).set('Authorization', `Bearer ${DPO}`).expect(409);

    const notice = (
      await waitForMessage(
        h,
        T('notificationRequested'),
        id,
        (m) => (m.envelope!.data as NotificationRequested).template === 'package-ready',
      )
    ).envelope!.data as NotificationRequested;
    expect(notice.to).toBe(subject.email);
    await waitForMessage(h, T('requestClosed'), id);
    const view = await getRequest(h, id);
    expect(view).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(view.packageRelease).toMatchObject({ releasedAt: expect.any(String), releasedBy: expect.any(String) });
    expect(messagesOf(h, T('requestClosed'), id)).toHaveLength(1);
  });
});
