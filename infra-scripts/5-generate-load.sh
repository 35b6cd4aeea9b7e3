#!/usr/bin/env bash
# 5. Steady traffic: scales the traffic generator (deployed by script 2 with 0 replicas) to one
# replica, optionally at a new rate. Safe to re-run; 8-build-cleanup.sh --traffic-only stops it.
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

RATE=""
ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-120}"

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [--rate N] [options]

Starts <prefix>-traffic-generator: valid orders at a steady rate (5/s unless script 2 or --rate
set another), about 5 % of them invalid, against the Order API's in-cluster Service. Its stats go
to its log: kubectl logs -f deployment/<prefix>-traffic-generator

Options:
  --rate N              orders per second (sets the Deployment's RATE)
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --rate) RATE="$(option_value "$1" "${2-}")" && shift 2 ;;
    *) unknown_option "$1" ;;
  esac
done
[[ -z "${RATE}" || "${RATE}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rate must be a number of orders per second" 2

require_tools kubectl
resolve_context existing

log_step "Traffic generator ${TRAFFIC_GENERATOR}"
if ! lookup "${KUBECTL[@]}" get deployment "${TRAFFIC_GENERATOR}" --output json >/dev/null && ! ${DRY_RUN}; then
  die "deployment ${TRAFFIC_GENERATOR} not found: run infra-scripts/2-build-deploy-app.sh first" 2
fi
if [[ -n "${RATE}" ]]; then
  run "${KUBECTL[@]}" set env "deployment/${TRAFFIC_GENERATOR}" "RATE=${RATE}"
fi
run "${KUBECTL[@]}" scale "deployment/${TRAFFIC_GENERATOR}" --replicas=1
run "${KUBECTL[@]}" rollout status "deployment/${TRAFFIC_GENERATOR}" "--timeout=${ROLLOUT_TIMEOUT}s"
if ${DRY_RUN}; then
  log_step "Dry run: nothing was changed."
else
  log_ok "sending orders; follow them with: ${KUBECTL[*]} logs -f deployment/${TRAFFIC_GENERATOR}"
fi
