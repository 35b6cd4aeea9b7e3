#!/usr/bin/env bash
# 8. Removes what script 2 deployed and built: the workloads (including the Order API's load
# balancer), the MySQL Secret, the ECR repositories and the local images. With --traffic-only it
# only stops the traffic generator. The environment of script 1 stays (9-cleanup-env.sh removes it).
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

TRAFFIC_ONLY=false
DELETE_TIMEOUT="${DELETE_TIMEOUT:-180}"

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [--traffic-only] [options]

Default: deletes the Deployments, Services, PodDisruptionBudgets, ServiceAccounts, console Role and
RoleBinding that script 2 applied, the Secret <prefix>-mysql, the ECR repositories
<prefix>-{order-api,delivery-api,traffic-generator} with their images, and the images script 2 built
locally. Anything already gone is skipped.

Options:
  --traffic-only        only scale the traffic generator to 0 replicas
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --traffic-only) TRAFFIC_ONLY=true && shift ;;
    *) unknown_option "$1" ;;
  esac
done

if ${TRAFFIC_ONLY}; then require_tools kubectl; else require_tools aws kubectl; fi
resolve_context existing

log_step "Stopping the traffic generator"
if lookup "${KUBECTL[@]}" get deployment "${TRAFFIC_GENERATOR}" --output json >/dev/null; then
  run "${KUBECTL[@]}" scale "deployment/${TRAFFIC_GENERATOR}" --replicas=0
else
  log_info "not deployed"
fi
if ${TRAFFIC_ONLY}; then
  log_step "Traffic stopped; start it again with infra-scripts/5-generate-load.sh"
  exit 0
fi

require_aws_identity
confirm "Delete the ${APP_PREFIX} workloads, their load balancer and the ECR repositories?"
failures=()

log_step "Workloads"
for manifest in traffic-generator order-api delivery-api console-rbac; do
  file="${MANIFEST_DIR}/${manifest}.yaml"
  if [[ -f "${file}" ]]; then
    delete_resource "${KUBECTL[@]}" delete --filename "${file}" --ignore-not-found --wait=true \
      "--timeout=${DELETE_TIMEOUT}s" || failures+=("manifest ${manifest}")
  fi
done
delete_resource "${KUBECTL[@]}" delete secret "${DB_SECRET}" --ignore-not-found || failures+=("secret ${DB_SECRET}")
state_delete '.deployed'

log_step "ECR repositories"
for name in order-api delivery-api traffic-generator; do
  key="ecr_${name//-/_}"
  repository="$(state_get ".resources.${key}.name")"
  [[ -n "${repository}" ]] || continue
  if [[ "$(state_get ".resources.${key}.created_by_scripts")" != true ]]; then
    log_info "${repository}: not created by these scripts, left in place"
    state_delete ".resources.${key}"
    continue
  fi
  if delete_resource aws ecr delete-repository --repository-name "${repository}" --force --region "${REGION}" --output json; then
    state_delete ".resources.${key}"
  else
    failures+=("ECR repository ${repository}")
  fi
done

log_step "Local images"
if command -v docker >/dev/null 2>&1; then
  while IFS= read -r image; do
    [[ -n "${image}" ]] || continue
    # Local copies only; a missing one is not an error.
    run docker image rm "${image}" >/dev/null 2>&1 || log_info "${image}: not present locally"
  done < <(state_get '.images // {} | .[]')
fi
state_delete '.images'

if ${DRY_RUN}; then
  log_step "Dry run: nothing was deleted."
  exit 0
fi
rm -rf "${MANIFEST_DIR}"
if ((${#failures[@]} > 0)); then
  die "not removed: $(printf '%s; ' "${failures[@]}")re-run ${SCRIPT_NAME} once the cause is fixed."
fi
log_step "Build and deployment removed; the environment stays (infra-scripts/9-cleanup-env.sh removes it)"
