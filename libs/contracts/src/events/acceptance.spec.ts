import { EVENTS, allEvents } from './registry';
import { DATARIGHTS_SERVICES, isSystemSource, refusalOf } from './acceptance';
import { TOPICS } from '../topics';

describe('refusalOf: an event only on its topic, only from its producers', () => {
  it('accepts an internal event on its topic from its producer', () => {
    expect(refusalOf(EVENTS.subjectDecided, TOPICS.requests.name, 'request-intake')).toBeUndefined();
  });

  it('refuses every internal type on every topic a company system may write', () => {
    const internal = allEvents().filter((d) => !d.producers.includes('systems'));
    const writable = [TOPICS.systems.name, TOPICS.dataEvents.name, TOPICS.replies.name];
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
    expect(refusalOf(EVENTS.eraseCommand, TOPICS.replies.name, 'erasure-executor')).toMatchObject({
      kind: 'wrong-topic',
    });
    expect(refusalOf(EVENTS.eraseCommand, 'pdata.commands.crm.v1', 'crm')).toMatchObject({ kind: 'wrong-producer' });
  });

  it("accepts a system's event from a system id, never from a service's name or a malformed source", () => {
    expect(refusalOf(EVENTS.commandCompleted, TOPICS.replies.name, 'crm')).toBeUndefined();
    for (const service of DATARIGHTS_SERVICES)
      expect(refusalOf(EVENTS.commandCompleted, TOPICS.replies.name, service)).toMatchObject({
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
});
