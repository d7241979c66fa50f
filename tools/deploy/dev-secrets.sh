#!/usr/bin/env bash
# Creates the Secrets that deploy/k8s/overlays/dev references, with random values, in a
# development cluster. Never for production: there, your secret manager creates them
# (deploy/README.md#secrets).
#
#   tools/deploy/dev-secrets.sh [namespace] [postgres-url]
#
# postgres-url: the dev PostgreSQL's URL (default
# postgres://datarights:datarights@postgres.<namespace>.svc:5432/datarights); every service
# gets the same URL in development (production: one role per service).
set -euo pipefail
ns="${1:-datarights-dev}"
db="${2:-postgres://datarights:datarights@postgres.${ns}.svc:5432/datarights}"
rand() { openssl rand -base64 32; }

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
apply() { kubectl -n "$ns" create secret generic "$@" --dry-run=client -o yaml | kubectl -n "$ns" apply -f -; }

args=()
for s in request-intake identity data-locator erasure-executor audit demo-systems; do
  args+=("--from-literal=$s=$db")
done
apply datarights-postgres "${args[@]}"
# Keep existing keys: a new audit HMAC key would make earlier dev entries unfindable.
if ! kubectl -n "$ns" get secret datarights-keys >/dev/null 2>&1; then
  apply datarights-keys \
    --from-literal=subject-hash-key="$(rand)" \
    --from-literal=audit-hmac-key="$(rand)" \
    --from-literal=package-encryption-key="$(rand)" \
    --from-literal=package-link-secret="$(rand)" \
    --from-literal=verification-code-key="$(rand)"
fi
token="$(openssl rand -hex 24)"
apply datarights-dev --from-literal=dpo-token="$token"
echo "DPO token for $ns: $token"
