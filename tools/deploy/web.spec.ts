/**
 * The web apps in Kubernetes (deploy/k8s/web, in both overlays): each a non-root,
 * read-only pod probed on /health, reached only through the ingress on its own host,
 * talking only to DNS and the APIs it calls; the console signs in with OIDC in production.
 */
import {
  allContainers,
  containerEnv,
  isWebApp,
  K8sObject,
  kustomizeBuild,
  named,
  ofKind,
  selectorMatches,
} from './deploy.test-kit';

const WEB = { 'dpo-console': 3020, 'privacy-centre': 3021 } as const;
/** The APIs each web app calls (its egress, and the services' ingress from it). */
const CALLS: Record<keyof typeof WEB, Record<string, number>> = {
  'dpo-console': { 'request-intake': 3000, 'data-locator': 3002, audit: 3004 },
  'privacy-centre': { 'request-intake': 3000, identity: 3001 },
};

const rendered: Record<'dev' | 'prod', K8sObject[]> = { dev: [], prod: [] };
beforeAll(() => {
  rendered.dev = kustomizeBuild('deploy/k8s/overlays/dev');
  rendered.prod = kustomizeBuild('deploy/k8s/overlays/prod');
});

describe.each(['dev', 'prod'] as const)('web apps, %s', (target) => {
  const objects = () => rendered[target];
  const labelsOf = (name: string) => named(objects(), 'Deployment', name).spec.template.metadata.labels;

  it('runs each as a non-root, read-only pod with a Service and a PodDisruptionBudget, probed on /health', () => {
    expect(
      ofKind(objects(), 'Deployment')
        .filter(isWebApp)
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(Object.keys(WEB).sort());
    for (const [name, port] of Object.entries(WEB)) {
      const d = named(objects(), 'Deployment', name);
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.initContainers).toBeUndefined();
      for (const c of allContainers(d)) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: port })]);
        expect(c.livenessProbe.httpGet).toMatchObject({ path: '/health/live', port: 'http' });
        expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health/ready', port: 'http' });
        expect(c.resources.limits.memory).toBeDefined();
      }
      const svc = named(objects(), 'Service', name);
      expect(selectorMatches({ matchLabels: svc.spec.selector }, labelsOf(name))).toBe(true);
      expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'http', port })]);
      expect(selectorMatches(named(objects(), 'PodDisruptionBudget', name).spec.selector, labelsOf(name))).toBe(true);
    }
  });

  it('points them at the APIs through the cluster Services, with no database or Kafka setting', () => {
    for (const name of Object.keys(WEB)) {
      const [app] = named(objects(), 'Deployment', name).spec.template.spec.containers;
      const env = containerEnv(objects(), app);
      expect(env.get('REQUEST_INTAKE_URL')?.value).toBe('http://request-intake:3000');
      expect(env.get('POLICY_FILE')?.value).toBe('/app/deploy/policy/default.fr.yaml');
      expect(env.get('NODE_ENV')?.value).toBe(target === 'prod' ? 'production' : 'development');
      for (const k of env.keys()) expect(k).not.toMatch(/^(KAFKA|DATABASE)_|DPO_TOKEN/);
    }
  });

  it('reaches each only from the ingress controller, and lets each reach only DNS and the APIs it calls', () => {
    const policies = ofKind(objects(), 'NetworkPolicy');
    const selecting = (labels: Record<string, string>, type: 'Ingress' | 'Egress') =>
      policies.filter((p) => p.spec.policyTypes.includes(type) && selectorMatches(p.spec.podSelector, labels));
    for (const [name, calls] of Object.entries(CALLS)) {
      const labels = labelsOf(name);
      const ingress = selecting(labels, 'Ingress').flatMap((p) => p.spec.ingress ?? []);
      expect(ingress.flatMap((r: any) => r.from.map((f: any) => f.namespaceSelector?.matchLabels))).toEqual([
        { 'kubernetes.io/metadata.name': 'ingress-nginx' },
      ]);
      const egress = selecting(labels, 'Egress').flatMap((p) => p.spec.egress ?? []);
      const ports = egress.flatMap((r: any) => r.ports.map((x: { port: number }) => x.port));
      expect([...new Set(ports)].sort()).toEqual(
        [53, ...Object.values(calls), ...(name === 'dpo-console' ? [443] : [])].sort(),
      );
      // No Kafka, no PostgreSQL.
      expect(ports).not.toEqual(expect.arrayContaining([9092]));
      expect(ports).not.toContain(5432);
      // Each API it calls accepts it on its http port.
      for (const api of Object.keys(calls)) {
        const apiLabels = named(objects(), 'Deployment', api).spec.template.metadata.labels;
        const from = selecting(apiLabels, 'Ingress').flatMap((p) =>
          (p.spec.ingress ?? []).flatMap((r: any) => r.from ?? []),
        );
        expect(from.some((f: any) => f.podSelector && selectorMatches(f.podSelector, labels))).toBe(true);
      }
    }
  });

  it('serves each on its own host at / through the ingress', () => {
    const ing = named(objects(), 'Ingress', 'datarights-web');
    const backends = ing.spec.rules.map((r: any) => [r.http.paths[0].path, r.http.paths[0].backend.service.name]);
    expect(backends).toEqual([
      ['/', 'dpo-console'],
      ['/', 'privacy-centre'],
    ]);
    if (target === 'prod') expect(ing.spec.tls[0].hosts).toHaveLength(2);
  });
});

describe('web apps, prod sign-in', () => {
  it("signs the DPO in with OIDC at the API's own issuer and audience, the client from a Secret", () => {
    const objects = rendered.prod;
    const [app] = named(objects, 'Deployment', 'dpo-console').spec.template.spec.containers;
    const env = containerEnv(objects, app);
    expect(env.get('AUTH_ISSUER')?.secret).toEqual({ name: 'datarights-auth', key: 'issuer' });
    expect(env.get('AUTH_AUDIENCE')?.secret).toEqual({ name: 'datarights-auth', key: 'audience' });
    expect(env.get('OIDC_CLIENT_ID')?.secret).toMatchObject({ name: 'datarights-console-oidc', key: 'client-id' });
    expect(env.get('OIDC_REDIRECT_URI')?.value).toMatch(/^https:\/\/.+\/oidc\/callback$/);
    const [centre] = named(objects, 'Deployment', 'privacy-centre').spec.template.spec.containers;
    expect([...containerEnv(objects, centre).keys()].filter((k) => /AUTH|OIDC/.test(k))).toEqual([]);
  });
});
