# shellcheck shell=bash
# The fault runbook, for scripts 6 and 7: the same steps the console takes
# (console/src/server/runbook/steps.ts): read the pool parameters, write them, rollout restart the
# Delivery API, wait for the rollout, and verify through each ready replica's /api/delivery/config
# that it runs the new values. Sourced after common.sh.

ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-300}"
VERIFY_TIMEOUT="${VERIFY_TIMEOUT:-120}"
# The defaults and limits of packages/contracts/src/pool-params.ts.
DEFAULT_POOL_PARAMS='{"pool_size":10,"max_overflow":20,"fault_injection":false,"fault_delay_seconds":10}'

# Prints the current parameters as JSON: {pool_size, max_overflow, fault_injection, fault_delay_seconds};
# a missing or malformed value reads as its default, as the Delivery API reads it.
read_pool_params() {
  local answer
  answer="$(capture '{"Parameters":[]}' aws ssm get-parameters --names "${PARAM_POOL_SIZE}" "${PARAM_MAX_OVERFLOW}" \
    "${PARAM_FAULT_INJECTION}" "${PARAM_FAULT_DELAY}" --region "${REGION}" --output json)"
  jq -c --arg pool "${PARAM_POOL_SIZE}" --arg overflow "${PARAM_MAX_OVERFLOW}" --arg fault "${PARAM_FAULT_INJECTION}" \
    --arg delay "${PARAM_FAULT_DELAY}" --argjson defaults "${DEFAULT_POOL_PARAMS}" '
    def raw($name): [.Parameters[] | select(.Name == $name) | .Value][0];
    def int($name; $default): (raw($name) // "" | if test("^[0-9]+$") then tonumber else $default end);
    {pool_size: int($pool; $defaults.pool_size), max_overflow: int($overflow; $defaults.max_overflow),
     fault_injection: (raw($fault) // "false" | ascii_downcase | IN("true", "1", "yes", "on")),
     fault_delay_seconds: int($delay; $defaults.fault_delay_seconds)}' <<<"${answer}"
}

describe_pool_params() {
  jq -r '"pool-size=\(.pool_size) max-overflow=\(.max_overflow) fault-injection=\(.fault_injection) fault-delay-seconds=\(.fault_delay_seconds)"' <<<"$1"
}

# Checks a value against the contract's limits (what the Delivery API accepts).
check_range() {
  local option=$1 value=$2 min=$3 max=$4
  if ! [[ "${value}" =~ ^(0|[1-9][0-9]{0,3})$ ]] || ((value < min || value > max)); then
    die "${option} must be a whole number from ${min} to ${max}, not '${value}'" 2
  fi
}

# Writes the four parameters (Overwrite, no tags: SSM rejects the two together).
write_pool_params() {
  local target=$1 name value
  for name in "${PARAM_POOL_SIZE}" "${PARAM_MAX_OVERFLOW}" "${PARAM_FAULT_INJECTION}" "${PARAM_FAULT_DELAY}"; do
    case "${name}" in
      "${PARAM_POOL_SIZE}") value="$(jq -r '.pool_size' <<<"${target}")" ;;
      "${PARAM_MAX_OVERFLOW}") value="$(jq -r '.max_overflow' <<<"${target}")" ;;
      "${PARAM_FAULT_INJECTION}") value="$(jq -r '.fault_injection' <<<"${target}")" ;;
      *) value="$(jq -r '.fault_delay_seconds' <<<"${target}")" ;;
    esac
    run aws ssm put-parameter --name "${name}" --type String --value "${value}" --overwrite \
      --region "${REGION}" --output json >/dev/null
  done
}

# The replicas still on other values, as "pod: what differs; ..." (empty when all match). Sets
# VERIFIED_REPLICAS to the number of ready replicas that answered.
VERIFIED_REPLICAS=0
VERIFY_MISMATCHES=""
replicas_run() {
  local target=$1 pods pod config wrong=()
  pods="$("${KUBECTL[@]}" get pods --selector "app=${DELIVERY_API}" --output json | jq -r '.items[]
    | select(.metadata.deletionTimestamp == null)
    | select(any(.status.conditions[]?; .type == "Ready" and .status == "True")) | .metadata.name')"
  VERIFIED_REPLICAS=0
  for pod in ${pods}; do
    config="$("${KUBECTL[@]}" get --raw "/api/v1/namespaces/${NAMESPACE}/pods/${pod}/proxy/api/delivery/config")" || {
      wrong+=("${pod}: no answer")
      continue
    }
    VERIFIED_REPLICAS=$((VERIFIED_REPLICAS + 1))
    local off
    off="$(jq -r --argjson want "${target}" '.effective as $e
      | [($want | keys_unsorted[]) as $k | select($e[$k] != $want[$k]) | "\($k) \($e[$k])"] | join(", ")' <<<"${config}")"
    [[ -z "${off}" ]] || wrong+=("${pod}: ${off}")
  done
  VERIFY_MISMATCHES="$(printf '%s; ' "${wrong[@]+"${wrong[@]}"}")"
  ((VERIFIED_REPLICAS > 0 && ${#wrong[@]} == 0))
}

# Restart, wait, verify. Stops the script (non-zero) when the rollout or the verification fails:
# a fault that did not take effect is never reported as done.
restart_and_verify() {
  local target=$1
  log_step "Restarting ${DELIVERY_API} so every replica reads the new values"
  run "${KUBECTL[@]}" rollout restart "deployment/${DELIVERY_API}"
  log_step "Waiting for the rollout (up to ${ROLLOUT_TIMEOUT} s)"
  run "${KUBECTL[@]}" rollout status "deployment/${DELIVERY_API}" "--timeout=${ROLLOUT_TIMEOUT}s"
  log_step "Verifying through /api/delivery/config (up to ${VERIFY_TIMEOUT} s)"
  show_command "${KUBECTL[@]}" get pods --selector "app=${DELIVERY_API}" --output json
  show_command "${KUBECTL[@]}" get --raw "/api/v1/namespaces/${NAMESPACE}/pods/<each ready pod>/proxy/api/delivery/config"
  ${DRY_RUN} && return 0
  if ! wait_until "${VERIFY_TIMEOUT}" replicas_run "${target}"; then
    if ((VERIFIED_REPLICAS == 0)) && [[ -z "${VERIFY_MISMATCHES//; /}" ]]; then
      die "no ready ${DELIVERY_API} replica answered /api/delivery/config within ${VERIFY_TIMEOUT} s"
    fi
    die "replicas still on other values after ${VERIFY_TIMEOUT} s: ${VERIFY_MISMATCHES%; }"
  fi
  log_ok "${VERIFIED_REPLICAS} replica(s) run $(describe_pool_params "${target}")"
}
