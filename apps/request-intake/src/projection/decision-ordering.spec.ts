/**
 * The DPO reads their own decision at once, and the other services' events about it, when
 * they come back later through Kafka, neither repeat it nor move the request backwards.
 * Drives the real services over an in-memory repository (the database is the int tests').
 */
import { randomUUID } from 'node:crypto';
import type { EventPublisher, Publish } from '@datarights/messaging';
import type { Policy } from '@datarights/policy';
import { Clock, type Principal } from '@datarights/service-kit';
import type { RequestIntakeConfig } from '../config/app.config';
import type { RequestEntity } from '../requests/entities';
import { plannedAction, type ActionState } from '../requests/request-actions';
import { RequestDecisionsService } from '../requests/request-decisions.service';
import { RequestJournal, type EventMeta } from '../requests/request-journal';
import type { IdempotencyClaim, RequestPatch, RequestsRepository, StoredAction } from '../requests/requests.repository';
import { RequestsService } from '../requests/requests.service';
import type { RecipientsRepository } from '../requests/recipients.repository';
import type { VerificationClockService } from '../self-service/verification-clock.service';
import { ProjectionService, type ProjectedEvent } from './projection.service';

const DPO: Principal = { id: 'dev-dpo', roles: ['dpo'] } as Principal;

/** The rows the request's view reads, in memory. */
class MemoryRepo {
  row: RequestEntity;
  actions: StoredAction[] = [];
  timeline: string[] = [];
  keys = new Map<string, { bodyHash: string; requestId: string; response: Record<string, unknown> }>();

  constructor(row: RequestEntity) {
    this.row = row;
  }
  transaction<T>(work: (tx: unknown) => Promise<T>): Promise<T> {
    return work({});
  }
  async lock(_tx: unknown, id: string) {
    return id === this.row.id ? { ...this.row } : null;
  }
  async update(_tx: unknown, _id: string, patch: RequestPatch) {
    this.row = { ...this.row, ...patch } as RequestEntity;
  }
  async appendTimeline(_tx: unknown, _id: string, e: { eventId: string; type: string }) {
    if (!this.timeline.includes(e.eventId)) this.timeline.push(e.eventId);
  }
  async actionsOf() {
    return this.actions.map((a) => ({ ...a }));
  }
  async saveAction(_tx: unknown, _id: string, actionId: string | undefined, a: ActionState) {
    const i = this.actions.findIndex((x) => x.id === actionId);
    if (i >= 0) this.actions[i] = { ...this.actions[i], ...a };
    else
      this.actions.push({
        ...a,
        id: String(this.actions.length + 1),
        closeRequestedAt: null,
        acknowledgementRequestedAt: null,
      });
  }
  async markCloseRequested(_tx: unknown, _id: string, actionId: string) {
    this.actions = this.actions.map((a) => (a.id === actionId ? { ...a, closeRequestedAt: new Date() } : a));
  }
  async claimIdempotencyKey(
    _tx: unknown,
    principal: string,
    key: string,
    bodyHash: string,
    requestId: string,
    response: Record<string, unknown>,
  ): Promise<IdempotencyClaim> {
    const k = `${principal}/${key}`;
    const existing = this.keys.get(k);
    if (existing) return { claimed: false, ...existing };
    this.keys.set(k, { bodyHash, requestId, response });
    return { claimed: true };
  }
  async saveIdempotentResponse(_tx: unknown, principal: string, key: string, response: Record<string, unknown>) {
    this.keys.get(`${principal}/${key}`)!.response = response;
  }
}

const aRequest = (over: Partial<RequestEntity>): RequestEntity =>
  ({
    id: randomUUID(),
    type: 'erasure',
    status: 'awaiting-verification',
    channel: 'email',
    subjectEmail: 'jeanne@example.fr',
    receivedAt: new Date('2026-12-01T10:00:00Z'),
    dueAt: new Date('2027-01-01T22:59:59Z'),
    closedAt: null,
    outcome: null,
    verifiedEmails: null,
    verificationMethod: null,
    verifiedAt: null,
    attestedAt: null,
    attestedBy: null,
    suspendedDays: 0,
    ...over,
  }) as RequestEntity;

function world(row: RequestEntity) {
  const repo = new MemoryRepo(row);
  const published: string[] = [];
  const publish = async (name: string, data: unknown) => {
    published.push(name);
    return { id: randomUUID(), type: name, time: new Date().toISOString(), data };
  };
  const publisher = {
    unitOfWork: (manager: unknown) => ({ manager, publish }),
  } as unknown as EventPublisher;
  const r = repo as unknown as RequestsRepository;
  const journal = new RequestJournal(r);
  const config = { NOTICE_LOCALE: 'fr' } as RequestIntakeConfig;
  const policy = {} as Policy;
  const clock = new Clock();
  const verificationClock = { resume: async () => undefined, suspend: async () => undefined };
  const requests = new RequestsService(r, journal, publisher, config, policy, clock, {} as RecipientsRepository);
  const decisions = new RequestDecisionsService(r, journal, publisher, config, policy, clock);
  const projection = new ProjectionService(
    r,
    journal,
    config,
    clock,
    verificationClock as unknown as VerificationClockService,
    policy,
    publisher,
  );
  const noPublish = (async () => {
    throw new Error('the projection publishes nothing here');
  }) as unknown as Publish;
  /** An event of another service, delivered (again and again) through Kafka. */
  const deliver = (
    event: ProjectedEvent,
    meta: EventMeta = { id: randomUUID(), type: event.name, time: new Date().toISOString() },
  ) => projection.apply({} as never, noPublish, meta, event);
  return { repo, published, requests, decisions, deliver };
}

describe('the DPO reads their own decision; the events that follow it change nothing', () => {
  it('attestation: verified at once; identityVerified adds the keys, a late challenge or resolution moves nothing back', async () => {
    const w = world(aRequest({ status: 'awaiting-verification' }));
    const id = w.repo.row.id;
    const answered = await w.requests.attestVerification(DPO, id, { method: 'dpo-attested', note: 'passport seen' });
    expect(answered).toEqual({ replayed: false, body: { id, status: 'verified' } });
    expect(w.repo.row).toMatchObject({ status: 'verified', verificationMethod: 'dpo-attested', attestedBy: 'dev-dpo' });
    const attestedAt = w.repo.row.attestedAt!;
    expect(w.repo.row.verifiedAt).toEqual(attestedAt);

    // Events identity sent before it heard of the attestation, delivered late.
    await w.deliver({
      name: 'identityChallengeSent',
      data: {
        requestId: id,
        channel: 'email',
        issue: 1,
        sentAt: new Date().toISOString(),
        expiresAt: new Date().toISOString(),
      },
    } as ProjectedEvent);
    await w.deliver({
      name: 'subjectResolved',
      data: { requestId: id, result: 'matched', subjectRef: 's-1', candidates: [] },
    } as ProjectedEvent);
    expect(w.repo.row.status).toBe('verified');

    const verified = {
      name: 'identityVerified',
      data: {
        requestId: id,
        requestType: 'erasure',
        subjectRef: 's-1',
        subjectKeys: { email: ['jeanne@example.fr'] },
        method: 'dpo-attested',
        attestedBy: 'dev-dpo',
        verifiedAt: attestedAt.toISOString(),
      },
    } as ProjectedEvent;
    const meta = { id: randomUUID(), type: 'identityVerified', time: new Date().toISOString() };
    await w.deliver(verified, meta);
    await w.deliver(verified, meta); // redelivered
    expect(w.repo.row).toMatchObject({
      status: 'verified',
      subjectRef: 's-1',
      verifiedEmails: ['jeanne@example.fr'],
      verificationMethod: 'dpo-attested',
      verifiedAt: attestedAt,
    });
    expect(w.published).toEqual(['verificationAttested']);
  });

  it('a second attestation is refused with what was decided; the same Idempotency-Key replays the first answer', async () => {
    const w = world(aRequest({ status: 'awaiting-verification' }));
    const id = w.repo.row.id;
    const body = { method: 'dpo-attested' as const, note: 'passport seen' };
    const first = await w.requests.attestVerification(DPO, id, body, 'key-1');
    await expect(w.requests.attestVerification(DPO, id, body, 'key-1')).resolves.toEqual({
      replayed: true,
      body: first.body,
    });
    await expect(w.requests.attestVerification(DPO, id, body)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/already attested for this request by dev-dpo at /),
    });
    await expect(w.requests.attestVerification(DPO, id, { ...body, note: 'other' }, 'key-1')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/Idempotency-Key was already used for another call/),
    });
    expect(w.published).toEqual(['verificationAttested']);
  });

  it('closing an escalated action: closed at once, the request leaves needs-attention; the executor answers later, nothing moves', async () => {
    const w = world(aRequest({ status: 'needs-attention' }));
    const id = w.repo.row.id;
    const commandId = randomUUID();
    w.repo.actions = [
      {
        ...plannedAction('legacy', ['identification']),
        id: '1',
        commandId,
        kind: 'erase',
        status: 'escalated',
        attempts: 5,
        reason: 'no reply',
        closeRequestedAt: null,
        acknowledgementRequestedAt: null,
      },
    ];
    const answered = await w.requests.closeAction(DPO, id, commandId, { reason: 'erased by hand, ticket OPS-1' });
    expect(answered.body).toEqual({ id, status: 'in-progress' });
    expect(w.repo.actions[0]).toMatchObject({ status: 'closed-manually', outcome: 'closed-manually' });
    expect(w.repo.row.status).toBe('in-progress');

    // A late escalation (a retry that timed out before the close), then the executor's answer.
    await w.deliver({
      name: 'actionEscalated',
      data: { requestId: id, commandId, systemId: 'legacy', kind: 'erase', reason: 'timeout', attempts: 6 },
    } as ProjectedEvent);
    await w.deliver({
      name: 'actionClosedManually',
      data: {
        requestId: id,
        commandId,
        systemId: 'legacy',
        reason: 'erased by hand, ticket OPS-1',
        closedBy: 'dev-dpo',
      },
    } as ProjectedEvent);
    expect(w.repo.actions[0]).toMatchObject({ status: 'closed-manually', reason: 'erased by hand, ticket OPS-1' });
    expect(w.repo.row.status).toBe('in-progress');
    await expect(w.requests.closeAction(DPO, id, commandId, { reason: 'again' })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/closing this action was already requested at /),
    });
  });

  it('an objection overridden: the action closes at once with the reason the executor will send', async () => {
    const w = world(aRequest({ type: 'objection', status: 'needs-attention' }));
    const id = w.repo.row.id;
    const commandId = randomUUID();
    w.repo.actions = [
      {
        ...plannedAction('crm', ['relationship']),
        id: '1',
        commandId,
        kind: 'suppress',
        status: 'escalated',
        attempts: 0,
        reason: 'legitimate interest: the DPO decides',
        closeRequestedAt: null,
        acknowledgementRequestedAt: null,
      },
    ];
    const grounds = 'fraud prevention outweighs the objection';
    const answered = await w.decisions.decideObjection(DPO, id, commandId, { decision: 'overridden', grounds });
    expect(answered.body).toEqual({ id, status: 'in-progress' });
    const reason = w.repo.actions[0].reason;
    expect(reason).toContain(grounds);
    await w.deliver({
      name: 'actionClosedManually',
      data: {
        requestId: id,
        commandId,
        systemId: 'crm',
        reason: `objection overridden by compelling legitimate grounds (GDPR Art. 21(1)): ${grounds}`,
        closedBy: 'dev-dpo',
      },
    } as ProjectedEvent);
    expect(w.repo.actions[0]).toMatchObject({ status: 'closed-manually', reason });
    await expect(
      w.decisions.decideObjection(DPO, id, commandId, { decision: 'overridden', grounds }),
    ).rejects.toMatchObject({ status: 409 });
  });
});
