import { createEnvelope, EVENTS, normaliseIdentifier } from '@datarights/contracts';
import { Pseudonymiser } from '@datarights/pseudonym';
import { MARIE, sampleEvents } from '../../test/fixtures/sample-events';
import { ChainVerifier, type StoredEntry } from '../evidence/chain-verifier';
import { DEV_SIGNING_KEY } from '../config/app.config';
import { PublicKeyRing, signingKeyFromPem } from '../signing/signing-keys';
import type { AuditLogRepository, NewEntry, Tx } from './audit-log.repository';
import { AuditLogService, requestIdOf } from './audit-log.service';

/** An in-memory log with the repository's contract (the real one runs in integration tests). */
class FakeRepo {
  readonly rows: NewEntry[] = [];
  private seq = 0;
  locks = 0;
  async lockChain(): Promise<void> {
    this.locks++;
  }
  async head(_tx: Tx, id: string) {
    if (this.rows.some((r) => r.eventId === id)) return { recorded: true as const };
    return { recorded: false as const, lastHash: this.rows[this.rows.length - 1]?.hash, seq: ++this.seq };
  }
  async insert(_tx: Tx, e: NewEntry) {
    this.rows.push(e);
  }
}

const tx = {} as Tx;
const events = sampleEvents();

describe('appending to the audit log', () => {
  const repo = new FakeRepo();
  const key = signingKeyFromPem(DEV_SIGNING_KEY);
  const service = new AuditLogService(
    repo as unknown as AuditLogRepository,
    new Pseudonymiser({ current: { id: 'k1', secret: 's'.repeat(32) }, previous: [] }, normaliseIdentifier),
    { key, ring: new PublicKeyRing([key.publicKey]) },
  );

  it('chains entries that verify, minimised and with keyed hashes', async () => {
    const submitted = createEnvelope({
      type: EVENTS.requestSubmitted.type,
      source: 'request-intake',
      data: events.requestSubmitted,
    });
    const closed = createEnvelope({
      type: EVENTS.requestClosed.type,
      source: 'request-intake',
      data: events.requestClosed,
    });
    expect(await service.append(tx, submitted, events.requestSubmitted)).toBe(1);
    expect(await service.append(tx, closed, events.requestClosed)).toBe(2);
    const verifier = new ChainVerifier({ keys: new PublicKeyRing([key.publicKey]) });
    for (const row of repo.rows) expect(verifier.check(row as StoredEntry)).toBeUndefined();
    expect(repo.rows.map((r) => r.sigKeyId)).toEqual([key.id, key.id]);
    expect(repo.rows[0]!.subjectHashes).toHaveLength(3);
    for (const h of repo.rows[0]!.subjectHashes) expect(h).toMatch(/^hmac-sha256:k1:[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(repo.rows)).not.toContain(MARIE.email);
    expect(repo.rows[0]!.requestId).toBe(events.requestSubmitted.requestId);
  });

  it('appends a repeated event once', async () => {
    const envelope = createEnvelope({
      type: EVENTS.requestClosed.type,
      source: 'request-intake',
      data: events.requestClosed,
    });
    const before = repo.rows.length;
    await service.append(tx, envelope, events.requestClosed);
    expect(await service.append(tx, envelope, events.requestClosed)).toBeUndefined();
    expect(repo.rows.length).toBe(before + 1);
  });
});

describe('the request an event belongs to', () => {
  const id = '3F1C2B4E-0000-4000-8000-000000000001';
  it('is the payload requestId, else a UUID correlation id, lower-cased', () => {
    expect(requestIdOf({ correlationid: 'other' }, { requestId: id })).toBe(id.toLowerCase());
    expect(requestIdOf({ correlationid: id }, { systemId: 'crm' })).toBe(id.toLowerCase());
    expect(requestIdOf({ correlationid: 'not-a-uuid' }, { systemId: 'crm' })).toBeNull();
  });
});
