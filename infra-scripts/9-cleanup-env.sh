#!/usr/bin/env bash
# 9. Removes what the state file lists as created by the scripts, in dependency order, and nothing
# else: a resource the scripts found and reused (an existing RDS instance, policy, repository...) is
# left in place and only dropped from the state file.
# A resource that is already gone counts as removed; a deletion that fails is reported and the rest
# goes on; each removed resource leaves the state file at once, so a second run finishes the job.
# Waits have explicit timeouts. A cluster the scripts did not create is left in place.
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ADDON="amazon-cloudwatch-observability"
RDS_DELETE_TIMEOUT="${RDS_DELETE_TIMEOUT:-1200}"
ADDON_DELETE_TIMEOUT="${ADDON_DELETE_TIMEOUT:-600}"
K8S_DELETE_TIMEOUT="${K8S_DELETE_TIMEOUT:-180}"

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [options]

Deletes, in this order: the workloads and the Order API's load balancer, the ${ADDON}
add-on and its namespace, the IRSA roles, the IAM policies, the SSM parameters (pool values and the DB
password), the RDS instance (waiting up to ${RDS_DELETE_TIMEOUT} s), its security group and subnet group, ECR
repositories left by script 2, and the EKS cluster if script 1 created it. Then .cluster-config/.
Only what .cluster-config/cluster-resources.json lists as created by these scripts is deleted; what
they found and reused is left in place.
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
(($# == 0)) || unknown_option "$1"

require_tools aws eksctl kubectl
resolve_context existing
require_aws_identity

log_step "Removing environment ${APP_PREFIX}: cluster ${CLUSTER_NAME} in ${REGION}, account ${ACCOUNT_ID}"
jq -r '.resources | keys[] | "    - \(.)"' "${STATE_FILE}" >&2
confirm "Delete all of the above? This cannot be undone (the database is deleted without a snapshot)."

REMAINING=()
resource() { state_get ".resources.$1.$2"; }
# Whether the scripts created a recorded resource (a record without the flag was written before
# the scripts kept it, and is not assumed to be theirs).
created() { [[ "$(resource "$1" created_by_scripts)" == true ]]; }
# Drops a resource the scripts only reused from the state file, leaving the resource itself.
leave() {
  log_step "$2: not created by these scripts, left in place"
  state_delete ".resources.$1"
}
# Deletes with "$@" and drops .resources.<key> from the state file, or records the failure.
remove() {
  local key=$1 label=$2
  shift 2
  log_step "${label}"
  if delete_resource "$@"; then
    state_delete ".resources.${key}"
  else
    REMAINING+=("${label}")
  fi
}

cluster_reachable=false
if lookup aws eks describe-cluster --name "${CLUSTER_NAME}" --region "${REGION}" --output json >/dev/null; then
  cluster_reachable=true
fi
${DRY_RUN} && cluster_reachable=true

# ------------------------------------------------------------------------- inside the cluster

if ${cluster_reachable}; then
  # The LoadBalancer Service first: its ELB and security group would block the VPC's deletion.
  log_step "Workloads and the Order API load balancer"
  for manifest in traffic-generator order-api delivery-api console-rbac; do
    file="${MANIFEST_DIR}/${manifest}.yaml"
    [[ -f "${file}" ]] || continue
    delete_resource "${KUBECTL[@]}" delete --filename "${file}" --ignore-not-found --wait=true \
      "--timeout=${K8S_DELETE_TIMEOUT}s" || REMAINING+=("workloads in ${file}")
  done
  if [[ "$(state_get '.deployed')" == true ]]; then
    delete_resource "${KUBECTL[@]}" delete secret "${DB_SECRET}" --ignore-not-found || REMAINING+=("secret ${DB_SECRET}")
  fi

  if [[ -n "$(resource cloudwatch_addon name)" ]] && ! created cloudwatch_addon; then
    leave cloudwatch_addon "EKS add-on ${ADDON}"
  elif [[ -n "$(resource cloudwatch_addon name)" ]]; then
    log_step "EKS add-on ${ADDON}"
    if delete_resource aws eks delete-addon --cluster-name "${CLUSTER_NAME}" --addon-name "${ADDON}" \
      --region "${REGION}" --output json; then
      addon_gone() {
        ! lookup aws eks describe-addon --cluster-name "${CLUSTER_NAME}" --addon-name "${ADDON}" \
          --region "${REGION}" --output json >/dev/null 2>&1
      }
      if wait_until "${ADDON_DELETE_TIMEOUT}" addon_gone; then
        state_delete '.resources.cloudwatch_addon'
        delete_resource kubectl --context "$(state_get '.cluster.kube_context')" delete namespace amazon-cloudwatch \
          --ignore-not-found "--timeout=${K8S_DELETE_TIMEOUT}s" || REMAINING+=("namespace amazon-cloudwatch")
      else
        log_warn "the add-on is still being deleted after ${ADDON_DELETE_TIMEOUT} s"
        REMAINING+=("add-on ${ADDON}")
      fi
    else
      REMAINING+=("add-on ${ADDON}")
    fi
  fi

  for key in agent_role delivery_role; do
    role="$(resource "${key}" name)"
    [[ -n "${role}" ]] || continue
    if ! created "${key}"; then
      leave "${key}" "IRSA role ${role}"
      continue
    fi
    if [[ "${key}" == agent_role ]]; then namespace=amazon-cloudwatch sa=cloudwatch-agent; else
      namespace="${NAMESPACE}" sa="${DELIVERY_API}"
    fi
    # eksctl made the role with a CloudFormation stack; deleting through eksctl removes both.
    remove "${key}" "IRSA role ${role}" eksctl delete iamserviceaccount --cluster "${CLUSTER_NAME}" \
      --region "${REGION}" --namespace "${namespace}" --name "${sa}" --wait
  done
else
  log_warn "cluster ${CLUSTER_NAME} is not there; skipping what lives inside it"
  for key in cloudwatch_addon agent_role delivery_role; do
    # Without the cluster, eksctl cannot find these roles' stacks; a role left behind is named here.
    if [[ -n "$(resource "${key}" name)" && "${key}" != cloudwatch_addon ]] &&
      lookup aws iam get-role --role-name "$(resource "${key}" name)" --output json >/dev/null; then
      REMAINING+=("IAM role $(resource "${key}" name) (delete its eksctl CloudFormation stack)")
    else
      state_delete ".resources.${key}"
    fi
  done
fi

# ------------------------------------------------------------------------------- IAM and SSM

for key in delivery_policy operator_policy; do
  arn="$(resource "${key}" arn)"
  [[ -n "${arn}" ]] || continue
  if ! created "${key}"; then
    leave "${key}" "IAM policy ${arn##*/}"
    continue
  fi
  log_step "IAM policy ${arn##*/}"
  # Non-default versions must go before the policy itself.
  if versions="$(lookup aws iam list-policy-versions --policy-arn "${arn}" --output json)"; then
    for version in $(jq -r '.Versions[] | select(.IsDefaultVersion | not) | .VersionId' <<<"${versions}"); do
      delete_resource aws iam delete-policy-version --policy-arn "${arn}" --version-id "${version}" || true
    done
  fi
  if delete_resource aws iam delete-policy --policy-arn "${arn}"; then
    state_delete ".resources.${key}"
  else
    REMAINING+=("IAM policy ${arn} (detach it from users, groups or roles first)")
  fi
done

if [[ -n "$(resource ssm_parameters path)" ]]; then
  mapfile -t created_parameters < <(state_get '.resources.ssm_parameters.created[]?')
  if ((${#created_parameters[@]} == 0)); then
    leave ssm_parameters "SSM parameters under ${PARAMETER_PATH}/"
  else
    log_step "SSM parameters the scripts created under ${PARAMETER_PATH}/"
    # DeleteParameters reports names that do not exist as InvalidParameters, not as an error.
    if delete_resource aws ssm delete-parameters --names "${created_parameters[@]}" --region "${REGION}" --output json; then
      state_delete '.resources.ssm_parameters'
    else
      REMAINING+=("SSM parameters under ${PARAMETER_PATH}")
    fi
  fi
fi
if [[ -n "$(resource db_password_parameter name)" ]] && ! created db_password_parameter; then
  leave db_password_parameter "SSM parameter ${PARAM_DB_PASSWORD}"
elif [[ -n "$(resource db_password_parameter name)" ]]; then
  remove db_password_parameter "SSM parameter ${PARAM_DB_PASSWORD}" \
    aws ssm delete-parameter --name "${PARAM_DB_PASSWORD}" --region "${REGION}" --output json
fi

# --------------------------------------------------------------------------------------- RDS

if [[ -n "$(resource rds_instance id)" ]] && ! created rds_instance; then
  # Above all an existing database: these scripts never delete one they did not make.
  leave rds_instance "RDS instance ${DB_INSTANCE}"
fi
if [[ -n "$(resource rds_instance id)" ]]; then
  log_step "RDS instance ${DB_INSTANCE}"
  if delete_resource aws rds delete-db-instance --db-instance-identifier "${DB_INSTANCE}" --skip-final-snapshot \
    --delete-automated-backups --region "${REGION}" --output json; then
    db_gone() {
      ! lookup aws rds describe-db-instances --db-instance-identifier "${DB_INSTANCE}" --region "${REGION}" \
        --output json >/dev/null 2>&1
    }
    log_info "waiting until it is gone (up to ${RDS_DELETE_TIMEOUT} s; 5-10 min is usual)"
    if wait_until "${RDS_DELETE_TIMEOUT}" db_gone; then
      state_delete '.resources.rds_instance'
      log_ok "deleted"
    else
      log_warn "${DB_INSTANCE} is still being deleted after ${RDS_DELETE_TIMEOUT} s; re-run this script later"
      REMAINING+=("RDS instance ${DB_INSTANCE} (deleting)")
    fi
  else
    REMAINING+=("RDS instance ${DB_INSTANCE}")
  fi
fi

# The security group before the cluster: its rule names the cluster's security group, which EKS
# could not delete while it is referenced.
if [[ -n "$(resource rds_instance id)" ]]; then
  log_warn "keeping the DB security group and subnet group until the instance is gone"
else
  if [[ -n "$(resource db_security_group id)" ]] && ! created db_security_group; then
    leave db_security_group "Security group $(resource db_security_group name)"
  elif [[ -n "$(resource db_security_group id)" ]]; then
    remove db_security_group "Security group $(resource db_security_group name)" \
      aws ec2 delete-security-group --group-id "$(resource db_security_group id)" --region "${REGION}"
  fi
  if [[ -n "$(resource db_subnet_group name)" ]] && ! created db_subnet_group; then
    leave db_subnet_group "DB subnet group ${DB_SUBNET_GROUP}"
  elif [[ -n "$(resource db_subnet_group name)" ]]; then
    remove db_subnet_group "DB subnet group ${DB_SUBNET_GROUP}" \
      aws rds delete-db-subnet-group --db-subnet-group-name "${DB_SUBNET_GROUP}" --region "${REGION}"
  fi
fi

# --------------------------------------------------------------------------------- ECR and EKS

for key in ecr_order_api ecr_delivery_api ecr_traffic_generator; do
  repository="$(resource "${key}" name)"
  [[ -n "${repository}" ]] || continue
  if ! created "${key}"; then
    leave "${key}" "ECR repository ${repository}"
    continue
  fi
  remove "${key}" "ECR repository ${repository}" \
    aws ecr delete-repository --repository-name "${repository}" --force --region "${REGION}" --output json
done

if [[ -n "$(resource eks_cluster name)" ]]; then
  if [[ -n "$(resource rds_instance id)$(resource db_security_group id)$(resource db_subnet_group name)" ]]; then
    # The database's network interfaces and security group sit in the cluster's VPC, which eksctl
    # deletes with the cluster; that would fail half-way.
    log_step "EKS cluster ${CLUSTER_NAME}: kept until the database and its network are gone"
    REMAINING+=("EKS cluster ${CLUSTER_NAME} (after the database)")
  elif created eks_cluster; then
    # eksctl waits for its CloudFormation stacks (it has its own 25 min timeout).
    remove eks_cluster "EKS cluster ${CLUSTER_NAME} (10-15 min)" \
      eksctl delete cluster --name "${CLUSTER_NAME}" --region "${REGION}" --wait
  else
    leave eks_cluster "EKS cluster ${CLUSTER_NAME}"
  fi
fi

# ------------------------------------------------------------------------------------- report

if ${DRY_RUN}; then
  log_step "Dry run: nothing was deleted."
  exit 0
fi
if ((${#REMAINING[@]} > 0)); then
  log_warn "still there (kept in ${STATE_FILE}):"
  printf '    - %s\n' "${REMAINING[@]}" >&2
  die "cleanup incomplete; fix the causes above and re-run ${SCRIPT_NAME}"
fi
if kubectl config get-contexts "$(state_get '.cluster.kube_context')" >/dev/null 2>&1; then
  run kubectl config delete-context "$(state_get '.cluster.kube_context')" >/dev/null || true
fi
rm -rf "${STATE_DIR}"
log_step "Everything the scripts created is gone; ${STATE_DIR} removed."
