#!/usr/bin/env bash
# Creates the kind cluster `ticketing` (cdk8s/kind-cluster.yaml) with
# ingress-nginx, once; then `tilt up` deploys everything. Needs docker, kind, kubectl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

INGRESS_NGINX_VERSION="controller-v1.11.3"

if ! kind get clusters 2>/dev/null | grep -qx ticketing; then
  kind create cluster --config cdk8s/kind-cluster.yaml
fi
kubectl config use-context kind-ticketing >/dev/null
kubectl apply -f "https://raw.githubusercontent.com/kubernetes/ingress-nginx/${INGRESS_NGINX_VERSION}/deploy/static/provider/kind/deploy.yaml"
kubectl wait --namespace ingress-nginx --for=condition=ready pod --selector=app.kubernetes.io/component=controller --timeout=180s
# metrics-server is not installed: the HPAs stay at their minimum on kind.
echo "kind cluster 'ticketing' is ready: run 'tilt up'"
