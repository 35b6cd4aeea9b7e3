#!/usr/bin/env bash
# 3. Application Signals: discovery (which creates its service-linked role), the CloudWatch agent's
# IRSA role, and the amazon-cloudwatch-observability EKS add-on (CloudWatch agent + the operator
# that injects the ADOT distro into annotated pods). Safe to re-run.
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ADDON="amazon-cloudwatch-observability"
UPGRADE_ADDON=false

usage() {
  cat <<EOF
Usage: ${SCRIPT_NAME} [--upgrade-addon] [options]

Turns on Application Signals in the region and installs the ${ADDON} add-on with an
IRSA role for the CloudWatch agent (CloudWatchAgentServerPolicy, AWSXrayWriteOnlyAccess).
An add-on that is already installed is left as it is unless --upgrade-addon is given.

Options:
  --upgrade-addon       update an installed add-on to the newest version for the cluster
$(common_options_help)
EOF
}

parse_common_args "$@"
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while (($# > 0)); do
  case "$1" in
    --upgrade-addon) UPGRADE_ADDON=true && shift ;;
    *) unknown_option "$1" ;;
  esac
done

require_tools aws eksctl
resolve_context existing
require_aws_identity

log_step "Application Signals discovery (creates its service-linked role once)"
run aws application-signals start-discovery --region "${REGION}" --output json >/dev/null

log_step "IRSA role ${AGENT_ROLE} for amazon-cloudwatch/cloudwatch-agent"
agent_role_arn="arn:aws:iam::${ACCOUNT_ID}:role/${AGENT_ROLE}"
agent_role_json="$(jq -n --arg name "${AGENT_ROLE}" --arg arn "${agent_role_arn}" '{name: $name, arn: $arn}')"
if lookup aws iam get-role --role-name "${AGENT_ROLE}" --output json >/dev/null; then
  log_ok "exists, reused"
  state_record_once agent_role "${agent_role_json}"
else
  state_record_created agent_role "${agent_role_json}"
  run eksctl create iamserviceaccount --cluster "${CLUSTER_NAME}" --region "${REGION}" \
    --namespace amazon-cloudwatch --name cloudwatch-agent --role-name "${AGENT_ROLE}" --role-only \
    --attach-policy-arn arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy \
    --attach-policy-arn arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess --approve
fi

log_step "EKS add-on ${ADDON}"
addon_record="$(jq -n --arg name "${ADDON}" '{name: $name}')"
if addon_json="$(lookup aws eks describe-addon --cluster-name "${CLUSTER_NAME}" --addon-name "${ADDON}" \
  --region "${REGION}" --output json)"; then
  log_ok "installed: version $(jq -r '.addon.addonVersion' <<<"${addon_json}"), status $(jq -r '.addon.status' <<<"${addon_json}")"
  state_record_once cloudwatch_addon "${addon_record}"
  if ${UPGRADE_ADDON}; then
    run aws eks update-addon --cluster-name "${CLUSTER_NAME}" --addon-name "${ADDON}" \
      --service-account-role-arn "${agent_role_arn}" --resolve-conflicts OVERWRITE --region "${REGION}" --output json >/dev/null
  fi
else
  state_record_created cloudwatch_addon "${addon_record}"
  run aws eks create-addon --cluster-name "${CLUSTER_NAME}" --addon-name "${ADDON}" \
    --service-account-role-arn "${agent_role_arn}" --region "${REGION}" --output json >/dev/null
fi
log_info "waiting for the add-on to be ACTIVE (the AWS CLI waiter gives up after about 10 min)"
run aws eks wait addon-active --cluster-name "${CLUSTER_NAME}" --addon-name "${ADDON}" --region "${REGION}"
if ${DRY_RUN}; then
  log_step "Dry run: nothing was changed."
else
  log_ok "Application Signals is on; next: infra-scripts/4-annotate-workloads.sh"
fi
