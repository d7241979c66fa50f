#!/usr/bin/env node
/**
 * Validates Kubernetes objects against the OpenAPI schemas of Kubernetes itself
 * (kubernetes-models) and of the CRDs we use: Strimzi (Kafka, KafkaNodePool, KafkaTopic,
 * KafkaUser), the Prometheus Operator (PrometheusRule, PodMonitor), KEDA (ScaledObject) and
 * External Secrets (ExternalSecret, SecretStore) from their @kubernetes-models packages;
 * CloudNativePG (Cluster, Database, ScheduledBackup, and the Barman Cloud plugin's
 * ObjectStore), which has no such package, from schemas/cloudnative-pg.json, a strict
 * subset written for the fields deploy/ uses.
 *
 *   node tools/deploy/validate-objects.mjs < objects.json      # a JSON array of objects
 *   kubectl kustomize deploy/kafka | node tools/deploy/validate-objects.mjs --yaml
 *
 * Prints a JSON array with one entry per object, `{ apiVersion, kind, name, errors }`,
 * and exits 1 if any object has errors (an object of a kind without a known schema is an
 * error too: nothing passes unchecked).
 *
 * An ES module run as its own process because the model packages are ESM-only and the
 * repo's jest runs CommonJS; tools/deploy/manifests.spec.ts calls it.
 *
 * Known limit: these schemas, like the API server's, do not reject unknown fields (a
 * misspelt field is ignored by the validator, and by Kubernetes unless it validates
 * fields strictly); the spec file asserts the fields that matter explicitly.
 */
import { readFileSync } from 'node:fs';

/** apiVersion -> module path prefix of the model classes. */
const MODEL_ROOTS = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'kafka.strimzi.io/v1beta2': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2',
  'kafka.strimzi.io/v1': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
  'external-secrets.io/v1': '@kubernetes-models/external-secrets/external-secrets.io/v1',
};

/** Kinds validated with a JSON schema of ours: `${apiVersion} ${kind}` -> Ajv validate function. */
let jsonSchemaValidators;
async function jsonSchemaValidator(apiVersion, kind) {
  if (!jsonSchemaValidators) {
    const { default: Ajv } = await import('ajv');
    const ajv = new Ajv({ allErrors: true, strict: false });
    const { readFileSync: read } = await import('node:fs');
    const cnpg = JSON.parse(read(new URL('./schemas/cloudnative-pg.json', import.meta.url), 'utf8'));
    ajv.addSchema({ $id: 'cnpg', definitions: cnpg.definitions, kinds: cnpg.kinds });
    jsonSchemaValidators = new Map(
      Object.entries(cnpg.apiVersions).map(([k, v]) => [`${v} ${k}`, ajv.getSchema(`cnpg#/kinds/${k}`)]),
    );
  }
  return jsonSchemaValidators.get(`${apiVersion} ${kind}`);
}

const KIND_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

async function modelFor(apiVersion, kind) {
  const root = MODEL_ROOTS[apiVersion];
  if (!root || !KIND_PATTERN.test(kind ?? '')) return undefined;
  try {
    const mod = await import(`${root}/${kind}`);
    return mod[kind];
  } catch {
    return undefined;
  }
}

function describeError(err) {
  // kubernetes-models throws a ValidationError whose `errors` are Ajv errors.
  if (Array.isArray(err?.errors) && err.errors.length > 0) {
    return err.errors.map(
      (e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    );
  }
  return [String(err?.message ?? err)];
}

export async function validateObjects(objects) {
  const results = [];
  for (const obj of objects) {
    const apiVersion = obj?.apiVersion;
    const kind = obj?.kind;
    const name = obj?.metadata?.name;
    const schemaValidate = await jsonSchemaValidator(apiVersion, kind);
    if (schemaValidate) {
      const ok = schemaValidate(obj);
      results.push({ apiVersion, kind, name, errors: ok ? [] : describeError({ errors: schemaValidate.errors }) });
      continue;
    }
    const Model = await modelFor(apiVersion, kind);
    if (!Model) {
      results.push({ apiVersion, kind, name, errors: [`no schema known for ${apiVersion} ${kind}`] });
      continue;
    }
    let errors = [];
    try {
      new Model(obj).validate();
    } catch (err) {
      errors = describeError(err);
    }
    results.push({ apiVersion, kind, name, errors });
  }
  return results;
}

async function main() {
  const input = readFileSync(0, 'utf8');
  let objects;
  if (process.argv.includes('--yaml')) {
    const { parseAllDocuments } = await import('yaml');
    objects = parseAllDocuments(input)
      .map((d) => d.toJS())
      .filter((o) => o != null);
  } else {
    objects = JSON.parse(input);
  }
  const results = await validateObjects(objects);
  process.stdout.write(JSON.stringify(results, null, process.stdout.isTTY ? 2 : 0) + '\n');
  process.exitCode = results.some((r) => r.errors.length > 0) ? 1 : 0;
}

await main();
