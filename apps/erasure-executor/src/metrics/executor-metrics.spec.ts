/** The executor metrics' bookkeeping, with a fake store: each completion observed once, none from before the start. */
import { register } from 'prom-client';
import { ExecutorMetrics, unansweredSeconds } from './executor-metrics';
import type { CompletedAction, ExecutorMetricsRepository, SystemSnapshot } from './executor-metrics.repository';

class FakeStore {
  now = new Date('2026-11-28T10:00:00Z');
  systemsList: SystemSnapshot[] = [];
  completed: CompletedAction[] = [];
  notices: Array<{ recipient: string; status: string; count: number }> = [];
  async systems() {
    return this.systemsList;
  }
  async completedSince(since: Date) {
    return this.completed.filter((c) => c.completedAt > since);
  }
  async recipientNotices() {
    return this.notices;
  }
  async nowFn() {
    return this.now;
  }
}

const at = (iso: string) => new Date(`2026-11-28T${iso}Z`);
const done = (commandId: string, systemId: string, completedAt: string, seconds: number): CompletedAction => ({
  commandId,
  systemId,
  completedAt: at(completedAt),
  roundTripSeconds: seconds,
});

async function values(name: string) {
  return (await register.getSingleMetric(name)!.get()).values;
}

describe('ExecutorMetrics', () => {
  let store: FakeStore;
  let metrics: ExecutorMetrics;

  beforeEach(() => {
    register.clear();
    store = new FakeStore();
    const repo = {
      systems: () => store.systems(),
      completedSince: (s: Date) => store.completedSince(s),
      recipientNotices: () => store.recipientNotices(),
      now: () => store.nowFn(),
    } as unknown as ExecutorMetricsRepository;
    metrics = new ExecutorMetrics(repo);
  });

  it('observes each completed action once, and none completed before the process started', async () => {
    store.completed = [done('old', 'crm', '09:58:00', 40)];
    await metrics.refresh();
    expect(
      (await values('dsr_command_round_trip_seconds')).find(
        (v) => (v as { metricName?: string }).metricName === 'dsr_command_round_trip_seconds_count',
      ),
    ).toBeUndefined();

    store.completed.push(done('a', 'crm', '10:00:05', 2), done('b', 'billing', '10:00:06', 30));
    await metrics.refresh();
    await metrics.refresh();
    // Committed late, with an update time behind the high-water mark: still seen, once.
    store.completed.push(done('late', 'crm', '10:00:04', 3));
    await metrics.refresh();
    await metrics.refresh();

    const counts = (await values('dsr_command_round_trip_seconds')).filter(
      (v) => (v as { metricName?: string }).metricName === 'dsr_command_round_trip_seconds_count',
    );
    expect(Object.fromEntries(counts.map((v) => [v.labels.system_id, v.value]))).toEqual({ crm: 2, billing: 1 });
    const sums = (await values('dsr_command_round_trip_seconds')).filter(
      (v) => (v as { metricName?: string }).metricName === 'dsr_command_round_trip_seconds_sum',
    );
    expect(sums.find((v) => v.labels.system_id === 'crm')?.value).toBe(5);
  });

  it('reports pending commands per system, and the last reply only for systems that replied', async () => {
    store.systemsList = [
      { systemId: 'crm', pending: 0, lastReplyAt: at('09:30:00'), oldestPendingAt: null },
      { systemId: 'silent', pending: 2, lastReplyAt: null, oldestPendingAt: at('09:00:00') },
    ];
    await metrics.refresh();
    expect((await values('dsr_actions_pending')).map((v) => [v.labels.system_id, v.value])).toEqual([
      ['crm', 0],
      ['silent', 2],
    ]);
    expect((await values('dsr_system_last_reply_timestamp_seconds')).map((v) => [v.labels.system_id, v.value])).toEqual(
      [['crm', at('09:30:00').getTime() / 1000]],
    );
    const now = (await store.nowFn()).getTime();
    expect((await values('dsr_system_unanswered_seconds')).map((v) => [v.labels.system_id, v.value])).toEqual([
      ['crm', 0],
      ['silent', (now - at('09:00:00').getTime()) / 1000],
    ]);

    store.systemsList = [{ systemId: 'crm', pending: 1, lastReplyAt: at('09:30:00'), oldestPendingAt: at('09:40:00') }];
    await metrics.refresh();
    expect((await values('dsr_actions_pending')).map((v) => [v.labels.system_id, v.value])).toEqual([['crm', 1]]);
  });

  it('tells how long a system has left its oldest command unanswered, while it replied to nothing since', () => {
    const now = at('10:00:00');
    expect(unansweredSeconds({ oldestPendingAt: at('09:00:00'), lastReplyAt: null }, now)).toBe(3600);
    // Replied to something before the command only: still silent on it.
    expect(unansweredSeconds({ oldestPendingAt: at('09:30:00'), lastReplyAt: at('09:10:00') }, now)).toBe(1800);
    // Replied since: it answers; this command may just be slow or lost (the re-send handles it).
    expect(unansweredSeconds({ oldestPendingAt: at('09:30:00'), lastReplyAt: at('09:45:00') }, now)).toBe(0);
    expect(unansweredSeconds({ oldestPendingAt: null, lastReplyAt: null }, now)).toBe(0);
  });

  it('counts the Art. 19 notices per recipient and status, and forgets a status no notice has any more', async () => {
    store.notices = [
      { recipient: 'helpscale', status: 'acknowledged', count: 3 },
      { recipient: 'none', status: 'not-notified', count: 1 },
      { recipient: 'partner', status: 'awaiting-acknowledgement', count: 2 },
    ];
    await metrics.refresh();
    expect(
      (await values('dsr_recipient_notices')).map((v) => [v.labels.recipient_system_id, v.labels.status, v.value]),
    ).toEqual([
      ['helpscale', 'acknowledged', 3],
      ['none', 'not-notified', 1],
      ['partner', 'awaiting-acknowledgement', 2],
    ]);
    store.notices = [{ recipient: 'partner', status: 'unacknowledged', count: 2 }];
    await metrics.refresh();
    expect(
      (await values('dsr_recipient_notices')).map((v) => [v.labels.recipient_system_id, v.labels.status, v.value]),
    ).toEqual([['partner', 'unacknowledged', 2]]);
  });
});
