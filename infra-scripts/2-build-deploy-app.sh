#!/usr/bin/env bash
# 2. Images and workloads: ECR repositories, the three images (tagged with the git commit, so every
# deploy is a real rollout), the MySQL Secret, and the manifests from k8s/templates applied to the
# cluster. Safe to re-run.
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SKIP_BUILD=false
TRAFFIC_RATE=5
ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-300}"
LB_TIMEOUT="${LB_TIMEOUT:-300}"
# The images, each a folder under services/ built from services/Dockerfile (the build context is
# the repository root: the workspace lockfile lives there).
COMPONENTS=(order-api delivery-api traffic-generator)
DOCKERFILE=services/Dockerfile

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [--skip-build] [--traffic-rate N] [options]

Builds and pushes the Order API, Delivery API and traffic generator images to ECR, stores the
MySQL credentials in the Secret <prefix>-mysql, renders k8s/templates into .cluster-config/manifests
and applies them, waits for both APIs to roll out, and prints the Order API's load balancer URL.
The traffic generator is deployed with 0 replicas (script 5 starts it); a re-run keeps its count.

Options:
  --skip-build          deploy the images the last run pushed (recorded in the state file)
  --traffic-rate N      orders per second the traffic generator sends once started (default: 5)
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --skip-build) SKIP_BUILD=true && shift ;;
    --traffic-rate) TRAFFIC_RATE="$(option_value "$1" "${2-}")" && shift 2 ;;
    *) unknown_option "$1" ;;
  esac
done
[[ "${TRAFFIC_RATE}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--traffic-rate must be a number of orders per second" 2

if ${SKIP_BUILD}; then require_tools aws kubectl; else require_tools aws kubectl docker; fi
resolve_context existing
require_aws_identity
db_endpoint="$(state_get '.resources.rds_instance.endpoint')"
delivery_role_arn="$(state_get '.resources.delivery_role.arn')"
[[ -n "${db_endpoint}" && -n "${delivery_role_arn}" ]] ||
  die "the state file has no database endpoint or Delivery API role: finish infra-scripts/1-create-env.sh first" 2

registry="${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com"

# The commit, so a new build is a new image reference and a real rollout; a dirty tree gets a time.
image_tag() {
  local commit
  if commit="$(git -C "${REPO_ROOT}" rev-parse --short=12 HEAD 2>/dev/null)"; then
    if [[ -n "$(git -C "${REPO_ROOT}" status --porcelain 2>/dev/null)" ]]; then
      commit="${commit}-dirty-$(date -u +%Y%m%d%H%M%S)"
    fi
    printf '%s' "${commit}"
  else
    printf 'build-%s' "$(date -u +%Y%m%d%H%M%S)"
  fi
}

# --------------------------------------------------------------------------------------- images

log_step "ECR repositories"
for name in "${COMPONENTS[@]}"; do
  repository="${APP_PREFIX}-${name}" key="ecr_${name//-/_}"
  if lookup aws ecr describe-repositories --repository-names "${repository}" --region "${REGION}" --output json >/dev/null; then
    log_ok "${repository} exists, reused"
    state_record_once "${key}" "$(jq -n --arg name "${repository}" '{name: $name}')"
  else
    state_record_created "${key}" "$(jq -n --arg name "${repository}" '{name: $name}')"
    run aws ecr create-repository --repository-name "${repository}" --image-scanning-configuration scanOnPush=true \
      --tags "${AWS_TAGS[@]}" --region "${REGION}" --output json >/dev/null
  fi
done

if ${SKIP_BUILD}; then
  log_step "Using the images recorded by the last build"
  for name in "${COMPONENTS[@]}"; do
    [[ -n "$(state_get ".images.\"${name}\"")" ]] ||
      die "no ${name} image recorded in the state file: run without --skip-build" 2
  done
else
  tag="$(image_tag)"
  log_step "Building and pushing images ${registry}/${APP_PREFIX}-*:${tag}"
  show_command aws ecr get-login-password --region "${REGION}"
  show_command docker login --username AWS --password-stdin "${registry}"
  if ! ${DRY_RUN}; then
    aws ecr get-login-password --region "${REGION}" | docker login --username AWS --password-stdin "${registry}" >/dev/null
  fi
  for name in "${COMPONENTS[@]}"; do
    image="${registry}/${APP_PREFIX}-${name}:${tag}"
    # EKS nodes are x86_64 (t3); build for them even on an arm64 laptop.
    run docker build --platform linux/amd64 --file "${REPO_ROOT}/${DOCKERFILE}" --build-arg "SERVICE=${name}" \
      --tag "${image}" "${REPO_ROOT}"
    run docker push "${image}"
    state_set_string ".images.\"${name}\"" "${image}"
  done
fi

# ------------------------------------------------------------------------------------ the secret

log_step "Secret ${DB_SECRET} (MySQL user and password, from SSM)"
password_json="$(capture '{"Parameter":{"Value":"PLACEHOLDER"}}' aws ssm get-parameter --name "${PARAM_DB_PASSWORD}" \
  --with-decryption --region "${REGION}" --output json)"
# Through a pipe, never an argument: the password stays out of `ps` and out of every log.
show_command "${KUBECTL[@]}" create secret generic "${DB_SECRET}" "--from-literal=username=${DB_USER}" \
  --from-file=password=/dev/stdin --dry-run=client --output yaml
show_command "${KUBECTL[@]}" apply --filename -
if ! ${DRY_RUN}; then
  jq -j '.Parameter.Value' <<<"${password_json}" |
    "${KUBECTL[@]}" create secret generic "${DB_SECRET}" "--from-literal=username=${DB_USER}" \
      --from-file=password=/dev/stdin --dry-run=client --output yaml |
    "${KUBECTL[@]}" apply --filename - >/dev/null
fi
unset password_json

# ---------------------------------------------------------------------------------- the workloads

log_step "Rendering k8s/templates into ${MANIFEST_DIR}"
traffic_replicas=0
if traffic_json="$(lookup "${KUBECTL[@]}" get deployment "${TRAFFIC_GENERATOR}" --output json)"; then
  traffic_replicas="$(jq -r '.spec.replicas // 0' <<<"${traffic_json}")"
  log_info "the traffic generator runs ${traffic_replicas} replica(s); kept"
fi
manifest_dir="${MANIFEST_DIR}"
if ${DRY_RUN}; then manifest_dir="$(private_temp_file)" && rm -f "${manifest_dir}"; fi
mkdir -p "${manifest_dir}"
common_values=("PREFIX=${APP_PREFIX}" "NAMESPACE=${NAMESPACE}")
order_image="$(state_get '.images."order-api"')"
delivery_image="$(state_get '.images."delivery-api"')"
traffic_image="$(state_get '.images."traffic-generator"')"
render_template "${REPO_ROOT}/k8s/templates/delivery-api.yaml" "${manifest_dir}/delivery-api.yaml" "${common_values[@]}" \
  "IMAGE_DELIVERY_API=${delivery_image}" "AWS_REGION=${REGION}" "MYSQL_HOST=${db_endpoint}" \
  "DELIVERY_ROLE_ARN=${delivery_role_arn}"
render_template "${REPO_ROOT}/k8s/templates/order-api.yaml" "${manifest_dir}/order-api.yaml" "${common_values[@]}" \
  "IMAGE_ORDER_API=${order_image}"
render_template "${REPO_ROOT}/k8s/templates/traffic-generator.yaml" "${manifest_dir}/traffic-generator.yaml" \
  "${common_values[@]}" "IMAGE_TRAFFIC_GENERATOR=${traffic_image}" "TRAFFIC_RATE=${TRAFFIC_RATE}" \
  "TRAFFIC_REPLICAS=${traffic_replicas}"
render_template "${REPO_ROOT}/k8s/templates/console-rbac.yaml" "${manifest_dir}/console-rbac.yaml" "${common_values[@]}"

log_step "Applying the manifests"
for manifest in delivery-api order-api traffic-generator console-rbac; do
  run "${KUBECTL[@]}" apply --filename "${manifest_dir}/${manifest}.yaml"
done
state_set '.deployed' true

log_step "Waiting for the rollouts (up to ${ROLLOUT_TIMEOUT} s each)"
for deployment in "${DELIVERY_API}" "${ORDER_API}"; do
  run "${KUBECTL[@]}" rollout status "deployment/${deployment}" "--timeout=${ROLLOUT_TIMEOUT}s"
done

log_step "Order API load balancer"
lb_host=""
load_balancer_ready() {
  lb_host="$("${KUBECTL[@]}" get service "${ORDER_API}" --output json | jq -r '.status.loadBalancer.ingress[0].hostname // empty')"
  [[ -n "${lb_host}" ]]
}
show_command "${KUBECTL[@]}" get service "${ORDER_API}" --output json
if ${DRY_RUN}; then
  log_info "(would wait up to ${LB_TIMEOUT} s for the load balancer's host name)"
elif wait_until "${LB_TIMEOUT}" load_balancer_ready; then
  state_set_string '.order_api_url' "http://${lb_host}"
  log_ok "http://${lb_host}/api/orders (DNS can take a few minutes to resolve)"
else
  log_warn "the load balancer has no host name after ${LB_TIMEOUT} s; see: kubectl get service ${ORDER_API}"
fi
if ${DRY_RUN}; then
  log_step "Dry run: nothing was built, pushed or applied."
else
  log_info "next: infra-scripts/3-setup-cloudwatch-agent.sh"
fi
