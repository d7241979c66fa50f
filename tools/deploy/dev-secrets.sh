#!/usr/bin/env bash
# Creates the Secrets that deploy/k8s/overlays/dev references, with random values, in a
# development cluster. Never for production: there, External Secrets creates them from
# your secret manager (deploy/k8s/overlays/prod/external-secrets.yaml).
#
#   tools/deploy/dev-secrets.sh [namespace]
#
# - datarights-db-<service> / datarights-db-<service>-owner: the PostgreSQL roles of
#   deploy/postgres (basic-auth; CloudNativePG sets each role's password from it, the pods
#   read it as DATABASE_USER/DATABASE_PASSWORD). Kept when they exist.
# - datarights-keys: the services' keys. Kept when it exists (a new audit HMAC key would
#   make earlier dev entries unfindable).
# - datarights-dev: the DPO token, new at every run (printed).
set -euo pipefail
ns="${1:-datarights-dev}"
rand() { openssl rand -base64 32; }
# URL-safe, so that a password never needs quoting anywhere.
password() { openssl rand -hex 24; }

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
apply() { kubectl -n "$ns" create secret "$@" --dry-run=client -o yaml | kubectl -n "$ns" apply -f -; }
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }

role() { # <secret name> <role name>
  exists "$1" && return 0
  kubectl -n "$ns" create secret generic "$1" --type=kubernetes.io/basic-auth \
    --from-literal=username="$2" --from-literal=password="$(password)" --dry-run=client -o yaml \
    | kubectl label --local -f - cnpg.io/reload=true -o yaml \
    | kubectl -n "$ns" apply -f -
}
for s in request-intake identity data-locator erasure-executor audit mail-gateway; do
  schema="${s//-/_}"
  role "datarights-db-$s-owner" "${schema}_owner"
  role "datarights-db-$s" "$schema"
done
role datarights-db-demo-systems-owner demo_systems_owner

if ! exists datarights-keys; then
  apply generic datarights-keys \
    --from-literal=subject-hash-key="$(rand)" \
    --from-literal=audit-hmac-key="$(rand)" \
    --from-literal=package-encryption-key="$(rand)" \
    --from-literal=package-link-secret="$(rand)" \
    --from-literal=verification-code-key="$(rand)" \
    --from-literal=audit-signing-key="$(openssl genpkey -algorithm ed25519)"
fi
# Made before audit signed its log: add the signing key (Ed25519), keeping the other keys.
if ! kubectl -n "$ns" get secret datarights-keys -o jsonpath='{.data.audit-signing-key}' | grep -q .; then
  kubectl -n "$ns" patch secret datarights-keys --type merge \
    -p "{\"data\":{\"audit-signing-key\":\"$(openssl genpkey -algorithm ed25519 | base64 | tr -d '\n')\"}}"
fi
token="$(openssl rand -hex 24)"
apply generic datarights-dev --from-literal=dpo-token="$token"
echo "DPO token for $ns: $token"
