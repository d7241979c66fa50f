/**
 * Art. 19 in request-intake, against real Kafka and PostgreSQL: the executor's notice
 * events become the request's recipients (and timeline lines); the DPO records an
 * acknowledgement obtained by other means; the subject is sent the list of recipients.
 */
import { EVENTS } from '@datarights/contracts';
import { aSubject, waitFor } from '@datarights/testing';
import {
  api,
  AUDITOR,
  DPO,
  erasureBody,
  fileRequest,
  getRequest,
  OPERATOR,
  send,
  startHarness,
  stopHarness,
  uuid,
  waitForMessage,
  type Harness,
} from './harness';

jest.setTimeout(120_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await stopHarness(h);
});

interface RecipientView {
  noticeId: string;
  name: string;
  status: string;
  reminders: number;
  reason: string | null;
  acknowledgedBy: string | null;
  systemId?: string;
}

const list = (id: string, token = DPO) =>
  api(h).get(`/v1/requests/${id}/recipients`).set('Authorization', `Bearer ${token}`);
const recipientsOf = async (id: string): Promise<RecipientView[]> => (await list(id).expect(200)).body.recipients;
const waitRecipients = (id: string, what: string, ok: (r: RecipientView[]) => boolean) =>
  waitFor(
    async () => {
      const r = await recipientsOf(id);
      return ok(r) ? r : undefined;
    },
    what,
    30_000,
  );

describe('the recipients of a request (Art. 19)', () => {
  const mailer = { name: 'Mailvoie SAS', kind: 'sub-processor', country: 'FR', systemId: 'mailvoie' };
  const paper = { name: 'Cabinet Lefèvre', kind: 'controller', country: 'FR' };

  it('shows each recipient told, reminded and never acknowledging, and one that could not be told; the timeline says so without names', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, erasureBody(subject));
    const noticeId = uuid();
    const paperId = uuid();
    const at = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
    await send(h, 'recipientNotified', {
      requestId: id,
      noticeId,
      recipient: mailer,
      fromSystemId: 'marketing',
      action: 'erasure',
      categories: ['prospection'],
      respondBy: at(7),
    });
    await send(h, 'recipientNotNotified', {
      requestId: id,
      noticeId: paperId,
      recipient: paper,
      fromSystemId: 'billing',
      action: 'erasure',
      categories: ['billing'],
      reason: 'no command topic for this recipient',
    });
    await send(h, 'recipientReminded', { requestId: id, noticeId, recipient: mailer, reminder: 1, respondBy: at(14) });
    await send(h, 'recipientReminded', { requestId: id, noticeId, recipient: mailer, reminder: 2, respondBy: at(21) });
    await send(h, 'recipientUnacknowledged', {
      requestId: id,
      noticeId,
      recipient: mailer,
      reminders: 2,
      reason: 'no acknowledgement after the notice and 2 reminders, each allowed P7D',
    });

    const shown = await waitRecipients(id, 'the recipient unacknowledged', (r) =>
      r.some((x) => x.status === 'unacknowledged'),
    );
    expect(shown).toEqual([
      expect.objectContaining({
        noticeId,
        name: 'Mailvoie SAS',
        systemId: 'mailvoie',
        status: 'unacknowledged',
        reminders: 2,
        reason: expect.stringContaining('2 reminders'),
      }),
      expect.objectContaining({
        noticeId: paperId,
        name: 'Cabinet Lefèvre',
        status: 'not-notified',
        reminders: 0,
        reason: 'no command topic for this recipient',
      }),
    ]);
    expect((await list(id, OPERATOR)).status).toBe(200);
    expect((await list(id, AUDITOR)).status).toBe(403);
    expect((await list(uuid())).status).toBe(404);

    const view = await getRequest(h, id);
    // The request itself shows them, and asks the DPO about the two.
    expect(view.recipients.map((r) => [r.name, r.status])).toEqual([
      ['Mailvoie SAS', 'unacknowledged'],
      ['Cabinet Lefèvre', 'not-notified'],
    ]);
    expect(view.attention).toEqual([
      'recipient Mailvoie SAS (of marketing): never acknowledged the notice (Art. 19)',
      'recipient Cabinet Lefèvre (of billing): could not be told through the system: tell it by other means, then record its acknowledgement (Art. 19)',
    ]);
    const lines = view.timeline.map((t) => t.summary).filter((s) => s.startsWith('recipient'));
    expect(lines).toEqual([
      expect.stringMatching(/^recipient mailvoie told of the erasure on marketing/),
      expect.stringMatching(/^recipient \(a controller in FR\) of billing could not be told/),
      expect.stringMatching(/^recipient mailvoie reminded \(reminder 1\)/),
      expect.stringMatching(/^recipient mailvoie reminded \(reminder 2\)/),
      expect.stringMatching(/^recipient mailvoie never acknowledged/),
    ]);
  });

  it('the DPO records an acknowledgement obtained by mail: 404 unknown, 403 operator, 400 without a note, 409 twice; the executor confirms it', async () => {
    const { id } = await fileRequest(h, erasureBody(aSubject()));
    const paperId = uuid();
    await send(h, 'recipientNotNotified', {
      requestId: id,
      noticeId: paperId,
      recipient: paper,
      fromSystemId: 'billing',
      action: 'erasure',
      categories: ['billing'],
      reason: 'no command topic',
    });
    await waitRecipients(id, 'the notice', (r) => r.length === 1);
    const ack = (noticeId: string, body: object = { note: 'answered our letter of 3 March' }, token = DPO) =>
      api(h)
        .post(`/v1/requests/${id}/recipients/${noticeId}/acknowledgement`)
        .set('Authorization', `Bearer ${token}`)
        .send(body);

    expect((await ack(uuid())).status).toBe(404);
    expect((await ack(paperId, undefined, OPERATOR)).status).toBe(403);
    expect((await ack(paperId, {})).status).toBe(400);
    const ok = await ack(paperId);
    expect(ok.status).toBe(202);
    const recorded = await waitForMessage(h, EVENTS.recipientAcknowledgementRecorded.type, id);
    expect(recorded.envelope!.data).toEqual({
      requestId: id,
      noticeId: paperId,
      note: 'answered our letter of 3 March',
      recordedBy: 'dev-dpo',
    });
    expect((await ack(paperId)).status).toBe(409);

    await send(h, 'recipientAcknowledged', {
      requestId: id,
      noticeId: paperId,
      recipient: paper,
      outcome: 'recorded',
      acknowledgedBy: 'dev-dpo',
    });
    const [done] = await waitRecipients(id, 'acknowledged', (r) => r[0]?.status === 'acknowledged');
    expect(done).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'dev-dpo' });
    expect((await ack(paperId)).status).toBe(409);
  });

  it('sends the subject the list of recipients, each once, to the contact on file', async () => {
    const subject = aSubject();
    const { id } = await fileRequest(h, erasureBody(subject));
    await send(h, 'recipientNotified', {
      requestId: id,
      noticeId: uuid(),
      recipient: mailer,
      fromSystemId: 'marketing',
      action: 'erasure',
      categories: ['prospection'],
      respondBy: new Date().toISOString(),
    });
    await send(h, 'recipientNotified', {
      requestId: id,
      noticeId: uuid(),
      recipient: mailer,
      fromSystemId: 'crm',
      action: 'erasure',
      categories: ['identification'],
      respondBy: new Date().toISOString(),
    });
    await waitRecipients(id, 'two notices', (r) => r.length === 2);

    expect(
      (
        await api(h)
          .post(`/v1/requests/${id}/recipients/subject-notice`)
          .set('Authorization', `Bearer ${OPERATOR}`)
          .send()
      ).status,
    ).toBe(403);
    const res = await api(h)
      .post(`/v1/requests/${id}/recipients/subject-notice`)
      .set('Authorization', `Bearer ${DPO}`)
      .send();
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ requestId: id, recipients: 1 });
    const sent = await waitForMessage(
      h,
      EVENTS.notificationRequested.type,
      id,
      (m) => (m.envelope!.data as { template: string }).template === 'recipients-list',
    );
    expect(sent.envelope!.data).toMatchObject({
      notificationId: res.body.notificationId,
      channel: 'email',
      to: subject.email,
      template: 'recipients-list',
      variables: {
        requestId: id,
        requestType: 'erasure',
        recipients: [
          {
            name: 'Mailvoie SAS',
            kind: 'sub-processor',
            country: 'FR',
            categories: ['identification', 'prospection'],
            told: ['erasure'],
          },
        ],
      },
    });
  });
});
