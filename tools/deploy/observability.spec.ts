/**
 * The alerts and the dashboard: every PromQL expression parses, names only metrics and
 * labels the services export, the two copies of the rules agree, and every runbook link
 * lands on a section of deploy/README.md.
 */
import { parse } from 'yaml';
import {
  K8sObject,
  markdownAnchors,
  parsePromql,
  parseYamlObjects,
  readRepoFile,
  promqlScope,
  withoutGrafanaVariables,
} from './deploy.test-kit';

/** The metrics the services expose (libs/messaging/src/messaging.metrics.ts and the apps), with their labels. */
const METRICS: Record<string, string[]> = {
  dsr_requests: ['type', 'status'],
  dsr_requests_overdue: [],
  dsr_requests_due_soon: ['within'],
  dsr_command_round_trip_seconds_bucket: ['system_id', 'le'],
  dsr_command_round_trip_seconds_sum: ['system_id'],
  dsr_command_round_trip_seconds_count: ['system_id'],
  dsr_system_last_reply_timestamp_seconds: ['system_id'],
  dsr_actions_pending: ['system_id'],
  dsr_recipient_notices: ['recipient_system_id', 'status'],
  messaging_outbox_pending: [],
  messaging_outbox_lag_seconds: [],
  messaging_outbox_parked: [],
  messaging_outbox_send_failures_total: ['topic', 'reason'],
  messaging_inbox_duplicates_total: ['topic'],
  messaging_dead_letters_total: ['topic', 'reason'],
  dsr_events_rejected_total: ['reason', 'topic'],
  messaging_consumer_lag: ['topic', 'partition', 'group'],
  messaging_handler_transient_failures_total: ['topic'],
  dsr_system_unanswered_seconds: ['system_id'],
  // Prometheus's own, per scrape target.
  up: [],
};
/** Labels every series has: `service` (a default label) and the scrape target's. */
const COMMON_LABELS = ['service', 'instance', 'job', 'namespace', 'pod'];
const REQUIRED_ALERTS = [
  'DsrRequestOverdue',
  'DsrRequestDueSoon',
  'DeadLetterGrowth',
  'ForgedEventRejected',
  'OutboxLag',
  'OutboxRowParked',
  'SystemStoppedReplying',
  'SystemNotAnswering',
  'ConsumerLag',
  'HandlerWaitingOnDependency',
  'DatarightsTargetDown',
  'DatarightsTargetsMissing',
];

type Rule = {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
type Group = { name: string; rules: Rule[] };

const rulesFile = parse(readRepoFile('deploy/observability/prometheus/datarights.rules.yaml')) as { groups: Group[] };
const prometheusRule = parseYamlObjects(readRepoFile('deploy/observability/prometheus-rule.yaml'))[0] as K8sObject;
const dashboard = JSON.parse(readRepoFile('deploy/observability/grafana/datarights-dashboard.json'));
const rules = rulesFile.groups.flatMap((g) => g.rules);

function expectKnownNames(expr: string): void {
  const { metrics, labels } = parsePromql(expr);
  expect(metrics.length).toBeGreaterThan(0);
  const allowedLabels = new Set(COMMON_LABELS);
  for (const m of metrics) {
    expect({ expr, metric: m, known: m in METRICS }).toEqual({ expr, metric: m, known: true });
    for (const l of METRICS[m] ?? []) allowedLabels.add(l);
  }
  for (const l of labels)
    expect({ expr, label: l, known: allowedLabels.has(l) }).toEqual({ expr, label: l, known: true });
}

describe('alerting rules', () => {
  it('has every alert, each with a severity, a summary, a description and a runbook', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([...REQUIRED_ALERTS].sort());
    for (const r of rules) {
      expect(['critical', 'warning']).toContain(r.labels?.severity);
      expect(r.annotations).toEqual(
        expect.objectContaining({
          summary: expect.any(String),
          description: expect.any(String),
          runbook_url: expect.any(String),
        }),
      );
    }
  });

  it('links every runbook to a section of deploy/README.md', () => {
    const anchors = markdownAnchors(readRepoFile('deploy/README.md'));
    for (const r of rules) {
      const [file, anchor] = r.annotations!.runbook_url.split('#');
      expect(file).toBe('deploy/README.md');
      expect({ alert: r.alert, anchor, exists: anchors.has(anchor) }).toEqual({ alert: r.alert, anchor, exists: true });
    }
  });

  it('parses every expression and uses only exported metrics and labels', () => {
    for (const r of rules) expectKnownNames(r.expr);
  });

  it('keeps each namespace apart: every aggregation and join is by namespace', () => {
    for (const r of rules) {
      const { groupings } = promqlScope(r.expr);
      expect(groupings.length).toBeGreaterThan(0);
      for (const g of groupings)
        expect({ alert: r.alert, grouping: g.text, byNamespace: g.labels?.includes('namespace') ?? false }).toEqual({
          alert: r.alert,
          grouping: g.text,
          byNamespace: true,
        });
      expect(r.annotations!.summary).toContain('{{ $labels.namespace }}');
    }
  });

  it('alerts when a service cannot be scraped and when a consumer group lags', () => {
    const byAlert = Object.fromEntries(rules.map((r) => [r.alert, r]));
    const targetDown = promqlScope(byAlert.DatarightsTargetDown.expr);
    expect(targetDown.selectors).toEqual([{ metric: 'up', matchers: ['job'] }]);
    expect(byAlert.DatarightsTargetDown.expr).toMatch(/up\{job="datarights"\} == 0/);
    expect(promqlScope(byAlert.ConsumerLag.expr).selectors.map((s) => s.metric)).toEqual(['messaging_consumer_lag']);
  });

  it("scrapes with job = the pods' app.kubernetes.io/part-of, as the target alerts select it, for kube-prometheus-stack", () => {
    const [podMonitor] = parseYamlObjects(readRepoFile('deploy/observability/podmonitor.yaml'));
    expect(podMonitor.spec.jobLabel).toBe('app.kubernetes.io/part-of');
    expect(podMonitor.spec.selector.matchLabels['app.kubernetes.io/part-of']).toBe('datarights');
    for (const o of [podMonitor, prometheusRule]) expect(o.metadata.labels?.release).toBe('kube-prometheus-stack');
  });

  it('is the same in the plain rules file and the PrometheusRule', () => {
    expect(prometheusRule.kind).toBe('PrometheusRule');
    expect(prometheusRule.spec.groups).toEqual(rulesFile.groups);
  });
});

describe('Grafana dashboard', () => {
  const panels = (dashboard.panels as Array<Record<string, any>>).filter((p) => p.type !== 'row');
  const exprs = panels.flatMap((p) => p.targets.map((t: { expr: string }) => t.expr as string));

  it('has a stable uid, unique panel ids, and every panel on the chosen Prometheus', () => {
    expect(dashboard.uid).toBe('datarights-overview');
    const ids = (dashboard.panels as Array<{ id: number }>).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets.length).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  it('parses every query and uses only exported metrics and labels', () => {
    for (const e of exprs) expectKnownNames(withoutGrafanaVariables(e));
  });

  it('shows one namespace at a time: every selector matches namespace="$namespace"', () => {
    const variable = dashboard.templating.list.find((v: { name: string }) => v.name === 'namespace');
    expect(variable?.type).toBe('query');
    for (const e of exprs) {
      for (const s of promqlScope(withoutGrafanaVariables(e)).selectors)
        expect({ e, scoped: s.matchers.includes('namespace') }).toEqual({ e, scoped: true });
      expect(e).toContain('namespace="$namespace"');
    }
  });

  it('shows requests, deadlines, command round trips, outbox lag, dead letters, consumer lag and inbox duplicates', () => {
    const used = new Set(exprs.flatMap((e) => parsePromql(withoutGrafanaVariables(e)).metrics));
    for (const m of [
      'dsr_requests',
      'dsr_requests_overdue',
      'dsr_requests_due_soon',
      'dsr_command_round_trip_seconds_bucket',
      'messaging_outbox_lag_seconds',
      'messaging_dead_letters_total',
      'messaging_consumer_lag',
      'messaging_inbox_duplicates_total',
    ]) {
      expect({ m, shown: used.has(m) }).toEqual({ m, shown: true });
    }
    const quantiles = exprs
      .filter((e) => e.includes('dsr_command_round_trip_seconds_bucket'))
      .map((e) => /histogram_quantile\((0\.\d+)/.exec(e)?.[1]);
    expect(quantiles.sort()).toEqual(['0.5', '0.99']);
  });
});
