#!/usr/bin/env bash
# 1. The environment: EKS cluster, RDS MySQL (password in SSM SecureString), the pool parameters in
# SSM, least-privilege IAM policies and the Delivery API's IRSA role. Safe to re-run: what exists is
# found and reused, and each resource is recorded in .cluster-config/cluster-resources.json as soon
# as it is created, so a run that fails part-way can be continued or cleaned up (script 9).
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

CLUSTER_NAME_ARG=""
KUBERNETES_VERSION="1.33"
NODE_TYPE="t3.large"
RDS_TIMEOUT="${RDS_CREATE_TIMEOUT:-1800}"

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} --region REGION [--cluster-name NAME] [options]

Creates (or finds and reuses) everything the demo needs in one AWS region:
  EKS cluster (managed node group of 2 x ${NODE_TYPE}, OIDC provider), RDS MySQL 8.4 in the cluster's
  VPC reachable only from the cluster, SSM parameters under /<prefix>-sample-app/mysql/, the DB
  password as an SSM SecureString, IAM policies for the Delivery API and the console, and the
  Delivery API's IRSA role. Takes 20-30 minutes on a fresh account (EKS and RDS).

Options:
  --cluster-name NAME   EKS cluster to create or reuse (default: <prefix>-appsignals). A cluster that
                        already exists is used as it is and never deleted by 9-cleanup-env.sh.
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --cluster-name) CLUSTER_NAME_ARG="$(option_value "$1" "${2-}")" && shift 2 ;;
    *) unknown_option "$1" ;;
  esac
done

require_tools aws eksctl kubectl
resolve_context create
require_aws_identity
if ! ${DRY_RUN}; then
  lookup aws ec2 describe-regions --region-names "${REGION}" --region "${REGION}" --output json >/dev/null ||
    die "'${REGION}' is not a region this account can use" 2
fi

# ------------------------------------------------------------------------------------ state file

if state_exists; then
  CLUSTER_NAME="$(state_get '.cluster.name')"
  matches_state --cluster-name "${CLUSTER_NAME_ARG}" "${CLUSTER_NAME}"
  [[ "$(state_get '.cluster.account_id')" == "${ACCOUNT_ID}" ]] ||
    die "the state file belongs to account $(state_get '.cluster.account_id'), but the credentials are for ${ACCOUNT_ID}" 2
else
  CLUSTER_NAME="${CLUSTER_NAME_ARG:-${APP_PREFIX}-appsignals}"
  [[ "${CLUSTER_NAME}" =~ ^[a-zA-Z][a-zA-Z0-9-]{0,98}[a-zA-Z0-9]$ ]] ||
    die "cluster name '${CLUSTER_NAME}' must start with a letter and hold only letters, digits and '-' (max 100)" 2
fi

log_step "Plan: prefix ${APP_PREFIX}, cluster ${CLUSTER_NAME}, region ${REGION}, namespace ${NAMESPACE}"
confirm "Create or reuse these resources in account ${ACCOUNT_ID}? EKS, RDS and the load balancer cost money while they exist."

if ! state_exists; then
  jq -n --arg prefix "${APP_PREFIX}" --arg namespace "${NAMESPACE}" --arg name "${CLUSTER_NAME}" \
    --arg region "${REGION}" --arg account "${ACCOUNT_ID}" --arg created "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{app_prefix: $prefix, namespace: $namespace, created_at: $created,
      cluster: {name: $name, region: $region, account_id: $account, kube_context: ($prefix + "-appsignals")},
      resources: {}}' >"${STATE_FILE}"
  chmod 600 "${STATE_FILE}"
fi
KUBE_CONTEXT="$(state_get '.cluster.kube_context')"
KUBECTL=(kubectl --context "${KUBE_CONTEXT}" --namespace "${NAMESPACE}")

# ------------------------------------------------------------------------------------------- EKS

log_step "EKS cluster ${CLUSTER_NAME}"
if cluster_json="$(lookup aws eks describe-cluster --name "${CLUSTER_NAME}" --region "${REGION}" --output json)"; then
  log_ok "exists (status $(jq -r '.cluster.status' <<<"${cluster_json}")), reused"
  state_record_once eks_cluster "$(jq -n --arg name "${CLUSTER_NAME}" '{name: $name}')"
else
  cluster_config="${STATE_DIR}/cluster.yaml"
  if ${DRY_RUN}; then cluster_config="$(private_temp_file)"; fi
  cat >"${cluster_config}" <<EOF
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: ${CLUSTER_NAME}
  region: ${REGION}
  version: "${KUBERNETES_VERSION}"
  tags:
    Project: appsignals-demo
    AppPrefix: ${APP_PREFIX}
    ManagedBy: infra-scripts
iam:
  withOIDC: true
accessConfig:
  authenticationMode: API_AND_CONFIG_MAP
  bootstrapClusterCreatorAdminPermissions: true
managedNodeGroups:
  - name: ng-1
    instanceType: ${NODE_TYPE}
    desiredCapacity: 2
    minSize: 1
    maxSize: 3
    privateNetworking: true
    iam:
      attachPolicyARNs:
        - arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy
        - arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy
        - arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly
addons:
  - name: vpc-cni
  - name: coredns
  - name: kube-proxy
cloudWatch:
  clusterLogging:
    enableTypes: [api, audit, authenticator]
EOF
  # Recorded before the create: a create that fails half-way leaves CloudFormation stacks that
  # 9-cleanup-env.sh removes with eksctl delete cluster.
  state_record_created eks_cluster "$(jq -n --arg name "${CLUSTER_NAME}" '{name: $name}')"
  run eksctl create cluster -f "${cluster_config}"
  cluster_json="$(capture '{"cluster":{"resourcesVpcConfig":{"vpcId":"vpc-PLACEHOLDER","subnetIds":["subnet-A","subnet-B"],"clusterSecurityGroupId":"sg-CLUSTER"}}}' \
    aws eks describe-cluster --name "${CLUSTER_NAME}" --region "${REGION}" --output json)"
fi
run aws eks update-kubeconfig --name "${CLUSTER_NAME}" --region "${REGION}" --alias "${KUBE_CONTEXT}"
# Idempotent; needed for IRSA when the cluster was made without it.
run eksctl utils associate-iam-oidc-provider --cluster "${CLUSTER_NAME}" --region "${REGION}" --approve

vpc_id="$(jq -r '.cluster.resourcesVpcConfig.vpcId' <<<"${cluster_json}")"
cluster_sg="$(jq -r '.cluster.resourcesVpcConfig.clusterSecurityGroupId' <<<"${cluster_json}")"
mapfile -t subnet_ids < <(jq -r '.cluster.resourcesVpcConfig.subnetIds[]' <<<"${cluster_json}")
((${#subnet_ids[@]} >= 2)) || die "cluster ${CLUSTER_NAME} lists ${#subnet_ids[@]} subnet(s); RDS needs two in different zones"

# ----------------------------------------------------------------------------- network for RDS

log_step "DB subnet group ${DB_SUBNET_GROUP}"
subnet_group_json="$(jq -n --arg name "${DB_SUBNET_GROUP}" '{name: $name}')"
if lookup aws rds describe-db-subnet-groups --db-subnet-group-name "${DB_SUBNET_GROUP}" --region "${REGION}" --output json >/dev/null; then
  log_ok "exists, reused"
  state_record_once db_subnet_group "${subnet_group_json}"
else
  state_record_created db_subnet_group "${subnet_group_json}"
  run aws rds create-db-subnet-group --db-subnet-group-name "${DB_SUBNET_GROUP}" \
    --db-subnet-group-description "Orders database of ${APP_PREFIX} (appsignals-demo)" \
    --subnet-ids "${subnet_ids[@]}" --tags "${AWS_TAGS[@]}" --region "${REGION}" --output json >/dev/null
fi

log_step "Security group ${DB_SECURITY_GROUP} (MySQL from the cluster only)"
groups_json="$(capture '{"SecurityGroups":[]}' aws ec2 describe-security-groups --region "${REGION}" --output json \
  --filters "Name=group-name,Values=${DB_SECURITY_GROUP}" "Name=vpc-id,Values=${vpc_id}")"
db_sg="$(jq -r '.SecurityGroups[0].GroupId // empty' <<<"${groups_json}")"
if [[ -n "${db_sg}" ]]; then
  log_ok "exists (${db_sg}), reused"
  state_record_once db_security_group "$(jq -n --arg id "${db_sg}" --arg name "${DB_SECURITY_GROUP}" '{id: $id, name: $name}')"
else
  created_sg="$(capture '{"GroupId":"sg-PLACEHOLDER"}' aws ec2 create-security-group --group-name "${DB_SECURITY_GROUP}" \
    --description "MySQL for ${APP_PREFIX} from its EKS cluster" --vpc-id "${vpc_id}" --region "${REGION}" --output json \
    --tag-specifications "ResourceType=security-group,Tags=[{Key=Project,Value=appsignals-demo},{Key=AppPrefix,Value=${APP_PREFIX}}]")"
  db_sg="$(jq -r '.GroupId' <<<"${created_sg}")"
  state_record_created db_security_group "$(jq -n --arg id "${db_sg}" --arg name "${DB_SECURITY_GROUP}" '{id: $id, name: $name}')"
  run aws ec2 authorize-security-group-ingress --group-id "${db_sg}" --protocol tcp --port 3306 \
    --source-group "${cluster_sg}" --region "${REGION}" --output json >/dev/null
fi

# ------------------------------------------------------------------------------------------- RDS

log_step "Database password (SSM SecureString ${PARAM_DB_PASSWORD})"
# The password never appears on a command line or in output: it goes from /dev/urandom to a 0600 request
# file for the AWS CLI, and script 2 copies it from SSM into a Kubernetes Secret through a pipe.
db_password=""
password_json="$(jq -n --arg name "${PARAM_DB_PASSWORD}" '{name: $name}')"
if lookup aws ssm get-parameter --name "${PARAM_DB_PASSWORD}" --region "${REGION}" --output json >/dev/null; then
  log_ok "exists, reused"
  state_record_once db_password_parameter "${password_json}"
else
  db_password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  request="$(private_temp_file)"
  # The password reaches jq on stdin (--rawfile), never as an argument that `ps` would show.
  printf '%s' "${db_password}" | jq -n --arg name "${PARAM_DB_PASSWORD}" --rawfile value /dev/stdin --arg prefix "${APP_PREFIX}" \
    '{Name: $name, Type: "SecureString", Value: $value, Description: "MySQL admin password (appsignals-demo)",
      Tags: [{Key: "Project", Value: "appsignals-demo"}, {Key: "AppPrefix", Value: $prefix}]}' >"${request}"
  state_record_created db_password_parameter "${password_json}"
  run aws ssm put-parameter --cli-input-json "file://${request}" --region "${REGION}" --output json >/dev/null
fi

log_step "RDS MySQL ${DB_INSTANCE}"
if db_json="$(lookup aws rds describe-db-instances --db-instance-identifier "${DB_INSTANCE}" --region "${REGION}" --output json)"; then
  log_ok "exists (status $(jq -r '.DBInstances[0].DBInstanceStatus' <<<"${db_json}")), reused"
  state_record_once rds_instance "$(jq -n --arg id "${DB_INSTANCE}" '{id: $id, database: "orders_db", username: "admin"}')"
else
  if [[ -z "${db_password}" ]]; then
    db_password="$(capture '{"Parameter":{"Value":"PLACEHOLDER"}}' aws ssm get-parameter --name "${PARAM_DB_PASSWORD}" --with-decryption \
      --region "${REGION}" --output json | jq -r '.Parameter.Value')"
  fi
  request="$(private_temp_file)"
  printf '%s' "${db_password}" | jq -n --arg id "${DB_INSTANCE}" --arg db "${DB_NAME}" --arg user "${DB_USER}" \
    --rawfile password /dev/stdin --arg sg "${db_sg}" --arg subnets "${DB_SUBNET_GROUP}" --arg prefix "${APP_PREFIX}" \
    '{DBInstanceIdentifier: $id, Engine: "mysql", EngineVersion: "8.4", DBInstanceClass: "db.t3.micro",
      AllocatedStorage: 20, StorageType: "gp3", StorageEncrypted: true, DBName: $db,
      MasterUsername: $user, MasterUserPassword: $password, VpcSecurityGroupIds: [$sg],
      DBSubnetGroupName: $subnets, PubliclyAccessible: false, MultiAZ: false, BackupRetentionPeriod: 1,
      DeletionProtection: false,
      Tags: [{Key: "Project", Value: "appsignals-demo"}, {Key: "AppPrefix", Value: $prefix}]}' >"${request}"
  state_record_created rds_instance "$(jq -n --arg id "${DB_INSTANCE}" '{id: $id, database: "orders_db", username: "admin"}')"
  run aws rds create-db-instance --cli-input-json "file://${request}" --region "${REGION}" --output json >/dev/null
fi
unset db_password
log_info "waiting for the instance to be available (up to $((RDS_TIMEOUT / 60)) min; 5-15 min is usual)"
db_available() {
  db_json="$(aws rds describe-db-instances --db-instance-identifier "${DB_INSTANCE}" --region "${REGION}" --output json)"
  [[ "$(jq -r '.DBInstances[0].DBInstanceStatus' <<<"${db_json}")" == available ]]
}
show_command aws rds describe-db-instances --db-instance-identifier "${DB_INSTANCE}" --region "${REGION}" --output json
wait_until "${RDS_TIMEOUT}" db_available ||
  die "${DB_INSTANCE} is not available after ${RDS_TIMEOUT} s (status $(jq -r '.DBInstances[0].DBInstanceStatus' <<<"${db_json}")); re-run this script to keep waiting"
endpoint="${DB_INSTANCE}.PLACEHOLDER.${REGION}.rds.amazonaws.com"
if ! ${DRY_RUN}; then endpoint="$(jq -r '.DBInstances[0].Endpoint.Address' <<<"${db_json}")"; fi
state_merge rds_instance "$(jq -n --arg endpoint "${endpoint}" '{endpoint: $endpoint}')"

# ------------------------------------------------------------------------------------------- SSM

log_step "Pool parameters under ${PARAMETER_PATH}/"
# Which of the four these scripts created (now or in an earlier run): cleanup deletes only those.
created_parameters="$(state_get '.resources.ssm_parameters.created')"
created_parameters="${created_parameters:-[]}"
for entry in "${PARAM_POOL_SIZE}=10" "${PARAM_MAX_OVERFLOW}=20" "${PARAM_FAULT_INJECTION}=false" "${PARAM_FAULT_DELAY}=10"; do
  name="${entry%%=*}" value="${entry#*=}"
  if existing="$(lookup aws ssm get-parameter --name "${name}" --region "${REGION}" --output json)"; then
    # A value the presenter changed (or a fault left on) is kept; 7-restore-normal.sh resets it.
    log_ok "${name} exists (value $(jq -r '.Parameter.Value' <<<"${existing}")), kept"
  else
    created_parameters="$(jq -c --arg name "${name}" '. + [$name] | unique' <<<"${created_parameters}")"
    state_record ssm_parameters "$(jq -n --arg path "${PARAMETER_PATH}" --argjson created "${created_parameters}" '{path: $path, created: $created}')"
    # Tags only on create: the original's --overwrite together with --tags is rejected by SSM.
    run aws ssm put-parameter --name "${name}" --type String --value "${value}" --tags "${AWS_TAGS[@]}" \
      --region "${REGION}" --output json >/dev/null
  fi
done
state_record ssm_parameters "$(jq -n --arg path "${PARAMETER_PATH}" --argjson created "${created_parameters}" '{path: $path, created: $created}')"

# ------------------------------------------------------------------------------------------- IAM

# Creates the policy from infra-scripts/iam/<file> unless it exists, and records it.
ensure_policy() {
  local key=$1 name=$2 file=$3 arn="arn:aws:iam::${ACCOUNT_ID}:policy/$2" document record
  record="$(jq -n --arg name "${name}" --arg arn "${arn}" '{name: $name, arn: $arn}')"
  log_step "IAM policy ${name}"
  if lookup aws iam get-policy --policy-arn "${arn}" --output json >/dev/null; then
    log_ok "exists, reused"
    state_record_once "${key}" "${record}"
  else
    document="$(private_temp_file)"
    render_template "${INFRA_DIR}/iam/${file}" "${document}" "PREFIX=${APP_PREFIX}" "AWS_REGION=${REGION}" \
      "ACCOUNT_ID=${ACCOUNT_ID}" "${@:4}"
    state_record_created "${key}" "${record}"
    run aws iam create-policy --policy-name "${name}" --policy-document "file://${document}" \
      --description "appsignals-demo ${APP_PREFIX}: see infra-scripts/iam/${file}" --tags "${AWS_TAGS[@]}" --output json >/dev/null
  fi
}
ensure_policy delivery_policy "${DELIVERY_POLICY}" delivery-api-policy.json
ensure_policy operator_policy "${OPERATOR_POLICY}" console-operator-policy.json "CLUSTER_NAME=${CLUSTER_NAME}"

log_step "IRSA role ${DELIVERY_ROLE} for service account ${DELIVERY_API}"
if lookup aws iam get-role --role-name "${DELIVERY_ROLE}" --output json >/dev/null; then
  log_ok "exists, reused"
  state_record_once delivery_role "$(jq -n --arg name "${DELIVERY_ROLE}" --arg sa "${DELIVERY_API}" --arg ns "${NAMESPACE}" \
    '{name: $name, service_account: $sa, namespace: $ns}')"
else
  state_record_created delivery_role "$(jq -n --arg name "${DELIVERY_ROLE}" --arg sa "${DELIVERY_API}" --arg ns "${NAMESPACE}" \
    '{name: $name, service_account: $sa, namespace: $ns}')"
  # --role-only: the ServiceAccount itself comes from k8s/templates/delivery-api.yaml (script 2).
  run eksctl create iamserviceaccount --cluster "${CLUSTER_NAME}" --region "${REGION}" --namespace "${NAMESPACE}" \
    --name "${DELIVERY_API}" --role-name "${DELIVERY_ROLE}" --role-only \
    --attach-policy-arn "arn:aws:iam::${ACCOUNT_ID}:policy/${DELIVERY_POLICY}" --approve
fi
state_merge delivery_role "$(jq -n --arg arn "arn:aws:iam::${ACCOUNT_ID}:role/${DELIVERY_ROLE}" '{arn: $arn}')"

# ------------------------------------------------------------------------------------------ done

log_step "Checking the cluster answers"
run "${KUBECTL[@]}" get nodes --output wide
if ${DRY_RUN}; then
  log_step "Dry run: nothing was created and ${STATE_DIR} was not changed."
else
  log_step "Environment ready; recorded in ${STATE_FILE}"
  log_info "next: infra-scripts/2-build-deploy-app.sh"
fi
