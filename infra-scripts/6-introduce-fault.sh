#!/usr/bin/env bash
# 6. Inject the fault: one pooled connection, no overflow, and every insert holding its connection
# for fault-delay-seconds, so concurrent orders wait for the pool and time out (503 from the
# Delivery API, 5xx faults on the Order API). The same runbook as the console's Inject button.
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/runbook.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/runbook.sh"

POOL_SIZE=1
MAX_OVERFLOW=0
DELAY_SECONDS=""

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [--pool-size N] [--max-overflow N] [--delay-seconds N] [options]

Writes pool-size, max-overflow and fault-injection=true (and fault-delay-seconds when given) under
/<prefix>-sample-app/mysql/, restarts <prefix>-delivery-api, waits for the rollout and verifies that
every ready replica reports the new values at /api/delivery/config. The values it replaced are
kept in the state file for 7-restore-normal.sh.

Options:
  --pool-size N         pooled connections while faulted, 1-100 (default: 1)
  --max-overflow N      extra connections while faulted, 0-200 (default: 0)
  --delay-seconds N     how long each insert holds its connection, 0-60 (default: unchanged)
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --pool-size) POOL_SIZE="$(option_value "$1" "${2-}")" && shift 2 ;;
    --max-overflow) MAX_OVERFLOW="$(option_value "$1" "${2-}")" && shift 2 ;;
    --delay-seconds) DELAY_SECONDS="$(option_value "$1" "${2-}")" && shift 2 ;;
    *) unknown_option "$1" ;;
  esac
done
check_range --pool-size "${POOL_SIZE}" 1 100
check_range --max-overflow "${MAX_OVERFLOW}" 0 200
[[ -z "${DELAY_SECONDS}" ]] || check_range --delay-seconds "${DELAY_SECONDS}" 0 60

require_tools aws kubectl
resolve_context existing
require_aws_identity

log_step "Reading the pool parameters"
current="$(read_pool_params)"
log_info "now: $(describe_pool_params "${current}")"
target="$(jq -c --argjson pool "${POOL_SIZE}" --argjson overflow "${MAX_OVERFLOW}" --arg delay "${DELAY_SECONDS}" \
  '{pool_size: $pool, max_overflow: $overflow, fault_injection: true,
    fault_delay_seconds: (if $delay == "" then .fault_delay_seconds else ($delay | tonumber) end)}' <<<"${current}")"
# Injecting twice must not make the fault's values the ones Restore brings back.
if [[ "$(jq -S . <<<"${current}")" != "$(jq -S . <<<"${target}")" ]]; then
  state_set '.fault.previous' "${current}"
elif [[ -z "$(state_get '.fault.previous')" ]]; then
  state_set '.fault.previous' "${DEFAULT_POOL_PARAMS}"
fi
state_set '.fault.target' "${target}"
state_set_string '.fault.injected_at' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"

log_step "Writing $(describe_pool_params "${target}")"
write_pool_params "${target}"
restart_and_verify "${target}"
if ${DRY_RUN}; then
  log_step "Dry run: nothing was changed."
else
  log_step "Fault injected. Orders now queue for one connection; restore with infra-scripts/7-restore-normal.sh"
fi
