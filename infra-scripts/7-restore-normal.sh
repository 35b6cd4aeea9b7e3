#!/usr/bin/env bash
# 7. Restore: writes back the pool parameters 6-introduce-fault.sh replaced (or the defaults 10 / 20 /
# false when it recorded none), restarts the Delivery API and verifies every replica runs them.
# The same runbook as the console's Restore button.
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/runbook.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/runbook.sh"

USE_DEFAULTS=false

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [--defaults] [options]

Writes the pool parameters that were in place before the fault (recorded by 6-introduce-fault.sh),
restarts <prefix>-delivery-api, waits for the rollout and verifies every ready replica.

Options:
  --defaults            restore the defaults (pool-size=10 max-overflow=20 fault-injection=false
                        fault-delay-seconds=10) whatever was recorded
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --defaults) USE_DEFAULTS=true && shift ;;
    *) unknown_option "$1" ;;
  esac
done

require_tools aws kubectl
resolve_context existing
require_aws_identity

log_step "Reading the pool parameters"
current="$(read_pool_params)"
log_info "now: $(describe_pool_params "${current}")"
target="$(state_get '.fault.previous')"
if ${USE_DEFAULTS} || [[ -z "${target}" ]]; then
  target="${DEFAULT_POOL_PARAMS}"
  log_info "restoring the defaults"
else
  log_info "restoring the values recorded when the fault was injected"
fi
# A "previous" that was itself faulted would restore nothing.
if [[ "$(jq -r '.fault_injection' <<<"${target}")" == true ]]; then
  log_warn "the recorded values have fault-injection on; restoring the defaults instead"
  target="${DEFAULT_POOL_PARAMS}"
fi
target="$(jq -c . <<<"${target}")"

log_step "Writing $(describe_pool_params "${target}")"
write_pool_params "${target}"
restart_and_verify "${target}"
state_delete '.fault'
if ${DRY_RUN}; then
  log_step "Dry run: nothing was changed."
else
  log_step "Restored. Faults and latency fall back within a few minutes on the Application Signals charts."
fi
