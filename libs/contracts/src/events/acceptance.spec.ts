import { EVENTS, allEvents } from './registry';
import { DATARIGHTS_SERVICES, futureDated, isSystemSource, refusalOf } from './acceptance';
import { systemTopic, systemWritableTopics, TOPICS } from '../topics';

describe('refusalOf: an event only on its topic, only from its producers', () => {
  it('accepts an internal event on its topic from its producer', () => {
    expect(refusalOf(EVENTS.subjectDecided, TOPICS.requests.name, 'request-intake')).toBeUndefined();
  });

  it('refuses every internal type on every topic a company system may write', () => {
    const internal = allEvents().filter((d) => !d.producers.includes('systems'));
    const writable = systemWritableTopics('crm');
    for (const def of internal)
      for (const topic of writable)
        expect(refusalOf(def, topic, def.producers[0])).toMatchObject({ kind: 'wrong-topic' });
  });

  it('refuses an internal event on its own topic from a company system or another service', () => {
    expect(refusalOf(EVENTS.subjectDecided, TOPICS.requests.name, 'crm')).toEqual({
      kind: 'wrong-producer',
      reason: 'dsr.subject.decided.v1 may only come from request-intake; source "crm" may not produce it',
    });
    expect(refusalOf(EVENTS.subjectDecided, TOPICS.requests.name, 'identity')).toMatchObject({
      kind: 'wrong-producer',
    });
  });

  it('refuses a command unless on a command topic and from the service that sends it', () => {
    expect(refusalOf(EVENTS.eraseCommand, 'pdata.commands.crm.v1', 'erasure-executor')).toBeUndefined();
    expect(refusalOf(EVENTS.eraseCommand, systemTopic(TOPICS.replies, 'crm'), 'erasure-executor')).toMatchObject({
      kind: 'wrong-topic',
    });
    expect(refusalOf(EVENTS.eraseCommand, 'pdata.commands.crm.v1', 'crm')).toMatchObject({ kind: 'wrong-producer' });
  });

  it("accepts a system's event from a system id, never from a service's name or a malformed source", () => {
    const replies = systemTopic(TOPICS.replies, 'crm');
    expect(refusalOf(EVENTS.commandCompleted, replies, 'crm', { systemId: 'crm' })).toBeUndefined();
    for (const service of DATARIGHTS_SERVICES)
      expect(refusalOf(EVENTS.commandCompleted, replies, service)).toMatchObject({
        kind: 'wrong-producer',
      });
    expect(isSystemSource('https://crm.example/x')).toBe(false);
    expect(isSystemSource('CRM')).toBe(false);
  });

  it('names every service that produces an event (so that no system can take its name)', () => {
    const producers = new Set(allEvents().flatMap((d) => d.producers));
    producers.delete('systems');
    for (const p of producers) expect(DATARIGHTS_SERVICES).toContain(p);
  });

  it("refuses a system's event on another system's topic, or naming another system", () => {
    const crmReplies = systemTopic(TOPICS.replies, 'crm');
    expect(refusalOf(EVENTS.commandCompleted, crmReplies, 'billing', { systemId: 'billing' })).toEqual({
      kind: 'wrong-system',
      reason: `pdata.replies.crm.v1 is crm's topic; source "billing" may not write on it`,
    });
    expect(
      refusalOf(EVENTS.systemRegistered, systemTopic(TOPICS.systems, 'crm'), 'crm', { systemId: 'billing' }),
    ).toEqual({
      kind: 'wrong-system',
      reason: `pdata.systems.crm.v1 is crm's topic; the event speaks for "billing"`,
    });
    expect(refusalOf(EVENTS.recordStored, 'pdata.events.v1', 'crm', { systemId: 'crm' })).toMatchObject({
      kind: 'wrong-topic',
    });
  });

  it("refuses a system's event dated in the future beyond the clock skew, never a service's", () => {
    const now = new Date('2026-12-07T12:00:00Z');
    expect(futureDated(EVENTS.systemRegistered, '2026-12-07T12:04:00Z', now)).toBeUndefined();
    expect(futureDated(EVENTS.systemRegistered, '2027-01-01T00:00:00Z', now)).toMatchObject({ kind: 'wrong-time' });
    expect(futureDated(EVENTS.recordStored, '2026-12-07T12:06:00Z', now)).toMatchObject({ kind: 'wrong-time' });
    expect(futureDated(EVENTS.subjectDecided, '2027-01-01T00:00:00Z', now)).toBeUndefined();
  });
});
