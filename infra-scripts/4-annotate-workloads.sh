#!/usr/bin/env bash
# 4. Instrumentation: annotates the Order and Delivery API pod templates so the CloudWatch operator
# injects the ADOT Node.js distro, waits for the rollouts, and checks the pods were injected.
# Idempotent: an annotated Deployment is left alone (no second restart, no duplicated key).
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ANNOTATION="instrumentation.opentelemetry.io/inject-nodejs"
# The init container the operator adds to an injected pod.
INIT_CONTAINER="opentelemetry-auto-instrumentation-nodejs"
ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-300}"
FORCE_RESTART=false

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [--restart] [options]

Adds the pod-template annotation ${ANNOTATION}: "true" to <prefix>-order-api and
<prefix>-delivery-api (a change to the template rolls the pods), waits for the rollouts and checks
that the new pods carry the operator's ${INIT_CONTAINER} init container.

Options:
  --restart             also restart Deployments that are already annotated (for pods that started
                        before the add-on was installed, so they were never injected)
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --restart) FORCE_RESTART=true && shift ;;
    *) unknown_option "$1" ;;
  esac
done

require_tools kubectl
resolve_context existing

patch="$(jq -cn --arg key "${ANNOTATION}" '{spec: {template: {metadata: {annotations: {($key): "true"}}}}}')"
for deployment in "${ORDER_API}" "${DELIVERY_API}"; do
  log_step "Deployment ${deployment}"
  deployment_json="$(capture '{}' "${KUBECTL[@]}" get deployment "${deployment}" --output json)"
  annotated="$(jq -r --arg key "${ANNOTATION}" '.spec.template.metadata.annotations[$key] // empty' <<<"${deployment_json}")"
  if [[ "${annotated}" == true ]]; then
    log_ok "already annotated"
    if ${FORCE_RESTART}; then run "${KUBECTL[@]}" rollout restart "deployment/${deployment}"; fi
  else
    # A merge patch sets this one key; applying it again changes nothing.
    run "${KUBECTL[@]}" patch deployment "${deployment}" --type merge --patch "${patch}"
  fi
  run "${KUBECTL[@]}" rollout status "deployment/${deployment}" "--timeout=${ROLLOUT_TIMEOUT}s"
  pods_json="$(capture '{"items":[]}' "${KUBECTL[@]}" get pods --selector "app=${deployment}" --output json)"
  not_injected="$(jq -r --arg init "${INIT_CONTAINER}" '[.items[] | select(.metadata.deletionTimestamp == null)
      | select([.spec.initContainers[]?.name] | index($init) | not) | .metadata.name] | join(", ")' <<<"${pods_json}")"
  if [[ -n "${not_injected}" ]]; then
    log_warn "not injected: ${not_injected}. Is the add-on ACTIVE (script 3)? Then re-run with --restart."
  elif ! ${DRY_RUN}; then
    log_ok "every pod carries ${INIT_CONTAINER}"
  fi
done
state_set '.instrumented' true
if ${DRY_RUN}; then
  log_step "Dry run: nothing was changed."
else
  log_info "metrics reach Application Signals a few minutes after the first requests; next: 5-generate-load.sh"
fi
