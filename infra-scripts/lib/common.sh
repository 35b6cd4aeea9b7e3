# shellcheck shell=bash
# Names and settings defined here are used by the scripts that source this file:
# shellcheck disable=SC2034
# The one library every infra-scripts/N-*.sh sources: logging, argument parsing, running commands
# (or only printing them under --dry-run), the state file, tool and credential checks, and the
# names every resource gets from the app prefix (the shell twin of packages/contracts/src/names.ts).
#
# Output: progress and the commands being run go to stderr; a dry run's plan goes to stdout (fd 3,
# so it is printed even from inside a $(...) capture).

set -Eeuo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "${INFRA_DIR}/.." && pwd)"
STATE_DIR="${CLUSTER_CONFIG_DIR:-${REPO_ROOT}/.cluster-config}"
STATE_FILE="${STATE_DIR}/cluster-resources.json"
SCRIPT_NAME="$(basename "$0")"
# Seconds between polls while waiting on AWS or Kubernetes (tests set 0).
POLL_SECONDS="${INFRA_POLL_SECONDS:-10}"

DEFAULT_APP_PREFIX="ts"
APP_PREFIX_PATTERN='^[a-z][a-z0-9-]{0,19}$'
DRY_RUN=false
ASSUME_YES=false
REGION_ARG=""
PREFIX_ARG=""
NAMESPACE_ARG=""
EXTRA_ARGS=()
# Set by resolve_context.
APP_PREFIX=""
REGION=""
NAMESPACE=""
ACCOUNT_ID=""
KUBECTL=()

exec 3>&1

# ----------------------------------------------------------------------------------------- logging

if [[ -t 2 ]]; then
  C_BOLD=$'\e[1m' C_DIM=$'\e[2m' C_RED=$'\e[31m' C_YELLOW=$'\e[33m' C_GREEN=$'\e[32m' C_RESET=$'\e[0m'
else
  C_BOLD="" C_DIM="" C_RED="" C_YELLOW="" C_GREEN="" C_RESET=""
fi

log_step() { printf '%s==> %s%s\n' "${C_BOLD}" "$*" "${C_RESET}" >&2; }
log_info() { printf '    %s\n' "$*" >&2; }
log_ok() { printf '    %sok%s %s\n' "${C_GREEN}" "${C_RESET}" "$*" >&2; }
log_warn() { printf '%swarning:%s %s\n' "${C_YELLOW}" "${C_RESET}" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "${C_RED}" "${C_RESET}" "$1" >&2
  exit "${2:-1}"
}

ERROR_REPORTED=false
on_error() {
  local status=$1 line=$2 command=$3
  # With errtrace the trap runs in every function the failure passes through; report it once.
  ${ERROR_REPORTED} && return 0
  ERROR_REPORTED=true
  printf '%serror:%s %s failed at line %s (exit %s): %s\n' "${C_RED}" "${C_RESET}" "${SCRIPT_NAME}" \
    "${line}" "${status}" "${command}" >&2
  if [[ -f "${STATE_FILE}" ]] && ! ${DRY_RUN}; then
    printf 'Everything created so far is recorded in %s; re-run the script to continue,\nor run infra-scripts/9-cleanup-env.sh to remove it.\n' \
      "${STATE_FILE}" >&2
  fi
}
trap 'on_error $? ${LINENO} "${BASH_COMMAND}"' ERR

# Every temporary file lives in one private directory (0700), made here in the script's own shell and
# removed when it exits. private_temp_file is called inside $(...), a subshell, so it could not add
# to a list of files to remove: the directory is what makes the cleanup reach them (request files
# holding the DB password among them).
PRIVATE_TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/infra-scripts.XXXXXX")"
chmod 700 "${PRIVATE_TMP_DIR}"
cleanup_temp_files() { rm -rf "${PRIVATE_TMP_DIR}"; }
trap cleanup_temp_files EXIT

# A private temporary file (0600) in PRIVATE_TMP_DIR; prints its path.
private_temp_file() {
  local file
  file="$(mktemp "${PRIVATE_TMP_DIR}/tmp.XXXXXX")"
  chmod 600 "${file}"
  printf '%s' "${file}"
}

# ------------------------------------------------------------------------------------- arguments

common_options_help() {
  cat <<EOF
Common options:
  --region REGION       AWS region (script 1: required unless AWS_REGION is set; later scripts
                        take it from the state file)
  --app-prefix PREFIX   prefix of every name (default: ${DEFAULT_APP_PREFIX}; later scripts take it from
                        the state file)
  --namespace NS        Kubernetes namespace for the workloads (default: default)
  --dry-run             print every aws / eksctl / kubectl / docker command instead of running it;
                        nothing is created and the state file is not changed
  --yes, -y             do not ask for confirmation
  --help, -h            this help
EOF
}

# Takes the common options; anything else is left in EXTRA_ARGS for the script. Calls the script's
# usage function for --help.
parse_common_args() {
  while (($# > 0)); do
    case "$1" in
      --region | --app-prefix | --namespace)
        [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || die "$1 needs a value (see --help)" 2
        case "$1" in
          --region) REGION_ARG="$2" ;;
          --app-prefix) PREFIX_ARG="$2" ;;
          --namespace) NAMESPACE_ARG="$2" ;;
        esac
        shift 2
        ;;
      --dry-run) DRY_RUN=true && shift ;;
      --yes | -y) ASSUME_YES=true && shift ;;
      --help | -h)
        usage
        exit 0
        ;;
      *) EXTRA_ARGS+=("$1") && shift ;;
    esac
  done
}

# For a script option that takes a value: prints the value or stops with a usage error.
option_value() {
  [[ -n "${2-}" && "${2-}" != --* ]] || die "$1 needs a value (see --help)" 2
  printf '%s' "$2"
}

unknown_option() {
  die "unknown option: $1 (see ${SCRIPT_NAME} --help)" 2
}

# ------------------------------------------------------------------------------- running commands

# The command as a shell would read it back.
format_command() {
  local word out=()
  for word in "$@"; do
    if [[ "${word}" =~ ^[A-Za-z0-9_./:=@,+%^-]+$ ]]; then
      out+=("${word}")
    else
      out+=("$(printf '%q' "${word}")")
    fi
  done
  printf '%s' "${out[*]}"
}

show_command() {
  if ${DRY_RUN}; then
    printf '[dry-run] %s\n' "$(format_command "$@")" >&3
  else
    printf '%s+ %s%s\n' "${C_DIM}" "$(format_command "$@")" "${C_RESET}" >&2
  fi
}

# Runs a command that changes something (prints it only, under --dry-run).
run() {
  show_command "$@"
  ${DRY_RUN} && return 0
  "$@"
}

# Runs a read-only command and prints its output; under --dry-run prints the placeholder instead.
capture() {
  local placeholder=$1
  shift
  show_command "$@"
  if ${DRY_RUN}; then
    printf '%s\n' "${placeholder}"
    return 0
  fi
  "$@"
}

# What the tools say when the thing asked for does not exist: AWS error codes (DBInstanceNotFound,
# ParameterNotFound, RepositoryNotFoundException, InvalidGroup.NotFound, NoSuchEntity, ...) and
# kubectl's "Error from server (NotFound)".
NOT_FOUND_PATTERN='NotFound|NoSuchEntity|ResourceNotFoundException'

# Looks a resource up. Prints its description and succeeds when it exists; fails (status 1) when the
# tool says it does not exist; stops the script on any other error (access denied, throttling, no
# network), because taking those for "absent" would create duplicates. Under --dry-run everything
# is taken as absent, so the plan shows a fresh run.
lookup() {
  show_command "$@"
  ${DRY_RUN} && return 1
  local errors output status=0
  errors="$(private_temp_file)"
  output="$("$@" 2>"${errors}")" || status=$?
  if ((status == 0)); then
    printf '%s\n' "${output}"
    return 0
  fi
  if grep -Eq "${NOT_FOUND_PATTERN}" "${errors}"; then return 1; fi
  die "$(format_command "$@") failed (exit ${status}): $(head -c 600 "${errors}")"
}

# Runs a delete. Succeeds when the thing is gone, including when it was already gone; on any other
# error prints a warning and fails, so cleanup can go on with the rest and report what remains.
delete_resource() {
  show_command "$@"
  ${DRY_RUN} && return 0
  local errors status=0
  errors="$(private_temp_file)"
  "$@" >/dev/null 2>"${errors}" || status=$?
  if ((status == 0)); then return 0; fi
  if grep -Eq "${NOT_FOUND_PATTERN}" "${errors}"; then
    log_info "already gone"
    return 0
  fi
  log_warn "$(format_command "$@") failed (exit ${status}): $(head -c 600 "${errors}")"
  return 1
}

# Polls "$@" until it succeeds, every POLL_SECONDS, for at most $1 seconds.
wait_until() {
  local timeout=$1 waited=0
  shift
  ${DRY_RUN} && return 0
  until "$@"; do
    if ((waited >= timeout)); then return 1; fi
    sleep "${POLL_SECONDS}"
    waited=$((waited + (POLL_SECONDS > 0 ? POLL_SECONDS : 1)))
  done
}

confirm() {
  ${ASSUME_YES} && return 0
  ${DRY_RUN} && return 0
  [[ -t 0 ]] || die "$1 Re-run with --yes to confirm without a prompt." 2
  local answer
  read -r -p "$1 [y/N] " answer
  [[ "${answer}" =~ ^[Yy]([Ee][Ss])?$ ]] || die "stopped; nothing was changed by this step." 2
}

# ------------------------------------------------------------------------------- tools and access

tool_hint() {
  case "$1" in
    aws) printf 'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html' ;;
    eksctl) printf 'https://eksctl.io/installation/' ;;
    kubectl) printf 'https://kubernetes.io/docs/tasks/tools/' ;;
    docker) printf 'https://docs.docker.com/engine/install/' ;;
    jq) printf 'apt-get install jq / brew install jq' ;;
    node) printf 'https://nodejs.org (24 LTS)' ;;
    *) printf 'your package manager' ;;
  esac
}

# Stops with one message naming every missing tool. jq and node render templates and edit the state
# file, so even a dry run needs them; the cloud tools are only warned about in a dry run.
require_tools() {
  local tool missing=()
  for tool in jq node "$@"; do
    command -v "${tool}" >/dev/null 2>&1 && continue
    if ${DRY_RUN} && [[ "${tool}" != jq && "${tool}" != node ]]; then
      log_warn "${tool} is not installed; a real run needs it ($(tool_hint "${tool}"))"
    else
      missing+=("${tool} ($(tool_hint "${tool}"))")
    fi
  done
  if ((${#missing[@]} > 0)); then
    die "${SCRIPT_NAME} needs tools that are not installed: $(printf '%s; ' "${missing[@]}")" 3
  fi
}

# Sets ACCOUNT_ID from the caller's identity, or stops with a message about credentials.
require_aws_identity() {
  if ${DRY_RUN}; then
    show_command aws sts get-caller-identity --output json
    ACCOUNT_ID="${ACCOUNT_ID:-123456789012}"
    return 0
  fi
  local errors identity
  errors="$(private_temp_file)"
  if ! identity="$(aws sts get-caller-identity --output json 2>"${errors}")"; then
    die "no usable AWS credentials (aws sts get-caller-identity: $(head -c 300 "${errors}" | tr '\n' ' ')). Configure them with 'aws configure', 'aws sso login' or AWS_PROFILE, then re-run." 4
  fi
  ACCOUNT_ID="$(jq -r '.Account' <<<"${identity}")"
  log_info "AWS account ${ACCOUNT_ID} as $(jq -r '.Arn' <<<"${identity}")"
}

# ------------------------------------------------------------------------------------ state file

# The state file lists what the scripts created, written as each resource is created, so a run
# that stops part-way can be continued or cleaned up. A dry run works on a throw-away copy.
state_prepare() {
  if ! ${DRY_RUN}; then
    mkdir -p "${STATE_DIR}"
    chmod 700 "${STATE_DIR}"
  else
    local copy
    copy="$(private_temp_file)"
    if [[ -f "${STATE_FILE}" ]]; then cp "${STATE_FILE}" "${copy}"; else rm -f "${copy}"; fi
    STATE_FILE="${copy}"
  fi
}

state_exists() { [[ -s "${STATE_FILE}" ]]; }

# Prints the value at a jq path, or nothing when it is absent or null.
state_get() { jq -r "$1 // empty" "${STATE_FILE}"; }

# Sets a jq path to a JSON value, atomically (write a temp file, then rename).
state_set() {
  local path=$1 value=$2 tmp
  tmp="$(mktemp "${STATE_FILE}.XXXXXX")"
  if ! jq --argjson value "${value}" "${path} = \$value" "${STATE_FILE}" >"${tmp}"; then
    rm -f "${tmp}"
    die "could not update ${STATE_FILE} at ${path}"
  fi
  chmod 600 "${tmp}"
  mv "${tmp}" "${STATE_FILE}"
}

state_set_string() { state_set "$1" "$(jq -n --arg value "$2" '$value')"; }

state_delete() {
  local tmp
  tmp="$(mktemp "${STATE_FILE}.XXXXXX")"
  jq "del($1)" "${STATE_FILE}" >"${tmp}"
  chmod 600 "${tmp}"
  mv "${tmp}" "${STATE_FILE}"
}

# Records one resource under .resources.<key>, exactly as given.
state_record() {
  state_set ".resources.$1" "$2"
  if ${DRY_RUN}; then log_info "(would record $1 in the state file)"; else log_ok "recorded $1 in the state file"; fi
}

# Every record says whether the scripts created the resource (created_by_scripts): 9-cleanup-env.sh
# deletes only what they created, and leaves what they found and reused.

# Records a resource the scripts are about to create (recorded first, so a create that fails
# half-way is still cleaned up).
state_record_created() {
  state_record "$1" "$(jq -c '. + {created_by_scripts: true}' <<<"$2")"
}

# Records a resource that was found rather than created, unless the state already lists it (an
# earlier run may have created it).
state_record_once() {
  [[ -n "$(state_get ".resources.$1")" ]] || state_record "$1" "$(jq -c '. + {created_by_scripts: false}' <<<"$2")"
}

# Adds fields to a recorded resource; whether the scripts created it stays as it was.
state_merge() {
  state_set ".resources.$1" "$(jq -c --arg key "$1" --argjson add "$2" '(.resources[$key] // {}) + $add' "${STATE_FILE}")"
}

# --------------------------------------------------------------------------------------- context

# Sets APP_PREFIX, REGION, NAMESPACE and the names. Script 1 passes "create" (the state file may not
# exist yet); the others pass "existing": they need the state file and refuse options that
# contradict it.
resolve_context() {
  local mode=$1
  state_prepare
  if state_exists; then
    APP_PREFIX="$(state_get '.app_prefix')"
    REGION="$(state_get '.cluster.region')"
    NAMESPACE="$(state_get '.namespace')"
    matches_state --app-prefix "${PREFIX_ARG}" "${APP_PREFIX}"
    matches_state --region "${REGION_ARG}" "${REGION}"
    matches_state --namespace "${NAMESPACE_ARG}" "${NAMESPACE}"
  elif [[ "${mode}" == create ]]; then
    APP_PREFIX="${PREFIX_ARG:-${DEFAULT_APP_PREFIX}}"
    REGION="${REGION_ARG:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}"
    NAMESPACE="${NAMESPACE_ARG:-default}"
    [[ -n "${REGION}" ]] || die "--region is required (or set AWS_REGION)" 2
  else
    die "no state file at ${STATE_FILE}: run infra-scripts/1-create-env.sh first" 2
  fi
  [[ "${APP_PREFIX}" =~ ${APP_PREFIX_PATTERN} ]] ||
    die "app prefix '${APP_PREFIX}' must match ${APP_PREFIX_PATTERN} (it becomes part of Kubernetes and AWS names)" 2
  [[ "${REGION}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || die "'${REGION}' is not an AWS region name" 2
  set_names
  if state_exists; then
    CLUSTER_NAME="$(state_get '.cluster.name')"
    ACCOUNT_ID="$(state_get '.cluster.account_id')"
    KUBECTL=(kubectl --context "$(state_get '.cluster.kube_context')" --namespace "${NAMESPACE}")
  fi
}

matches_state() {
  local option=$1 given=$2 recorded=$3
  if [[ -n "${given}" && "${given}" != "${recorded}" ]]; then
    die "${option} ${given} contradicts ${STATE_FILE} (${recorded}); one state file describes one environment." 2
  fi
}

# Every name derived from the prefix (DESIGN §3; packages/contracts/src/names.ts is the twin).
set_names() {
  ORDER_API="${APP_PREFIX}-order-api"
  DELIVERY_API="${APP_PREFIX}-delivery-api"
  TRAFFIC_GENERATOR="${APP_PREFIX}-traffic-generator"
  PARAMETER_PATH="/${APP_PREFIX}-sample-app/mysql"
  PARAM_POOL_SIZE="${PARAMETER_PATH}/pool-size"
  PARAM_MAX_OVERFLOW="${PARAMETER_PATH}/max-overflow"
  PARAM_FAULT_INJECTION="${PARAMETER_PATH}/fault-injection"
  PARAM_FAULT_DELAY="${PARAMETER_PATH}/fault-delay-seconds"
  # Outside the mysql/ path on purpose: neither the Delivery API nor the console may read it.
  PARAM_DB_PASSWORD="/${APP_PREFIX}-sample-app/secrets/mysql-password"
  DB_INSTANCE="${APP_PREFIX}-orders-db"
  DB_SUBNET_GROUP="${APP_PREFIX}-orders-db-subnets"
  DB_SECURITY_GROUP="${APP_PREFIX}-orders-db"
  DB_NAME="orders_db"
  DB_USER="admin"
  DB_SECRET="${APP_PREFIX}-mysql"
  DELIVERY_POLICY="${APP_PREFIX}-delivery-api-ssm-read"
  OPERATOR_POLICY="${APP_PREFIX}-console-operator"
  DELIVERY_ROLE="${APP_PREFIX}-delivery-api-irsa"
  AGENT_ROLE="${APP_PREFIX}-cloudwatch-agent-irsa"
  MANIFEST_DIR="${STATE_DIR}/manifests"
  AWS_TAGS=("Key=Project,Value=appsignals-demo" "Key=AppPrefix,Value=${APP_PREFIX}" "Key=ManagedBy,Value=infra-scripts")
}

# Renders a template with infra-scripts/lib/render-template.mjs (fails on any missing or unused value).
render_template() {
  local template=$1 output=$2
  shift 2
  node "${INFRA_DIR}/lib/render-template.mjs" "${template}" "$@" >"${output}"
}
