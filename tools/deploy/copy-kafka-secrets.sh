#!/usr/bin/env bash
# Copies what the Strimzi operators generate in the Kafka cluster's namespace into the
# services' namespace: each service's SCRAM password (Secret datarights-<service>) and
# the cluster CA certificate (datarights-cluster-ca-cert). Pods can only mount Secrets of
# their own namespace. Run after `kubectl apply -k deploy/kafka`, and again after a
# password or CA rotation (then restart the services). A secret-replication operator
# (e.g. External Secrets, reflector) can do the same continuously.
#
#   tools/deploy/copy-kafka-secrets.sh [kafka-namespace] [services-namespace]
set -euo pipefail
from="${1:-kafka}"
to="${2:-datarights}"
copy() {
  kubectl -n "$from" get secret "$1" -o json \
    | jq --arg ns "$to" '{apiVersion, kind, type, data, metadata: {name: .metadata.name, namespace: $ns, labels: {"app.kubernetes.io/part-of": "datarights"}}}' \
    | kubectl apply -f -
}
for s in request-intake identity data-locator erasure-executor audit; do
  copy "datarights-$s"
done
copy datarights-cluster-ca-cert
