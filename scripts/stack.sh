#!/usr/bin/env bash
# scripts/stack.sh: the one way to run Pulumi against a stack, for people and for the GitHub workflows alike.
#
#   scripts/stack.sh <command> <stack> [extra pulumi args...]
#
#   preview   pulumi preview --diff, with the policy pack and policies/<stack>.json
#   up        pulumi up, with the policy pack and policies/<stack>.json (--yes when CI is set or stdin is no tty)
#   refresh   pulumi refresh (adopts out-of-band changes into the state)
#   drift     refresh --preview-only --expect-no-changes, then preview --expect-no-changes; changes nothing
#   check     the preflight alone
#
# A fast preflight runs first and fails in seconds, listing every problem with its fix:
#   1. the stack file and its policy enforcement file exist;
#   2. the credentials this stack needs are set (derived from its config, never from its name): a Pulumi backend,
#      the secrets passphrase, FLY_API_TOKEN (platform fly), GITHUB_TOKEN (github config), SENTRY_AUTH_TOKEN
#      (sentry config), a Docker engine (platform local);
#   3. the config is valid and the policy gate passes offline (`npm run plan -- <stack>`; STACK_SKIP_PLAN=1 skips);
#   4. the stack exists in the backend and its secrets decrypt.
# Only the presence of credentials is checked; their values are never printed.
#
# Stacks on platform `local` (dev) use a file backend in <repo>/.pulumi-state unless PULUMI_BACKEND_URL is set,
# are created on first use, and may use an empty passphrase. In Pulumi Cloud, stack names resolve in the token's
# default organization (an organization token's own).
#
# Exit codes: 0 ok; 2 usage (unknown command or stack); 3 drift found; 4 preflight failed; otherwise pulumi's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

readonly COMMANDS="preview up refresh drift check"
readonly EXIT_USAGE=2 EXIT_DRIFT=3 EXIT_PREFLIGHT=4
# Pulumi words this differently across versions ("...were proposed", "...occurred", "...for refresh...").
readonly DRIFT_PATTERN='no changes were expected.* but changes (were proposed|occurred)'

usage() {
    cat >&2 <<EOF
usage: scripts/stack.sh <command> <stack> [extra pulumi args...]
  commands: ${COMMANDS// /, }
  stacks:   $(known_stacks)
EOF
}

known_stacks() {
    local names=() f
    for f in Pulumi.*.yaml; do
        [ -e "$f" ] || continue
        f="${f#Pulumi.}"
        names+=("${f%.yaml}")
    done
    if [ "${#names[@]}" -eq 0 ]; then echo "(none: no Pulumi.<stack>.yaml in $ROOT)"; else echo "${names[*]}"; fi
}

fail_usage() {
    echo "stack.sh: $1" >&2
    usage
    exit "$EXIT_USAGE"
}

is_set() { [ -n "${!1:-}" ]; }

# `timeout` is GNU coreutils; macOS has none, so run unbounded there.
with_timeout() {
    local seconds="$1"
    shift
    if command -v timeout >/dev/null 2>&1; then timeout "$seconds" "$@"; else "$@"; fi
}

# ---------------------------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------------------------
COMMAND="${1:-}"
STACK="${2:-}"
[ -n "$COMMAND" ] || fail_usage "missing command"
case " $COMMANDS " in
*" $COMMAND "*) ;;
*) fail_usage "unknown command \"$COMMAND\"" ;;
esac
[ -n "$STACK" ] || fail_usage "missing stack name"
shift 2
EXTRA_ARGS=("$@")

# Pulumi's stack name rule (config/stackName.ts STACK_NAME), checked before the name becomes part of a file path.
readonly STACK_NAME_PATTERN='^[A-Za-z0-9_.-]{1,100}$'
if ! [[ "$STACK" =~ $STACK_NAME_PATTERN ]]; then
    fail_usage "invalid stack name \"$STACK\": Pulumi allows 1 to 100 letters, digits, '.', '_' and '-' (e.g. staging)"
fi
STACK_FILE="Pulumi.$STACK.yaml"
POLICY_CONFIG="policies/$STACK.json"
if [ ! -f "$STACK_FILE" ]; then
    echo "stack.sh: unknown stack \"$STACK\": there is no $STACK_FILE in $ROOT." >&2
    echo "  known stacks: $(known_stacks)" >&2
    echo "  to add one, follow docs/runbooks/add-environment.md" >&2
    exit "$EXIT_USAGE"
fi

# ---------------------------------------------------------------------------------------------------------------
# Preflight
# ---------------------------------------------------------------------------------------------------------------
PROBLEMS=()
problem() { PROBLEMS+=("$1"$'\n'"      fix: $2"); }

report_problems() {
    [ "${#PROBLEMS[@]}" -eq 0 ] && return 0
    local n="${#PROBLEMS[@]}" p
    {
        echo "Preflight failed for stack \"$STACK\" ($n problem$([ "$n" -eq 1 ] || echo s)); nothing was run."
        for p in "${PROBLEMS[@]}"; do echo "  - $p"; done
        echo "  (CI: add missing values as secrets of the job's GitHub environment, never of the repository; see docs/delivery.md)"
    } >&2
    exit "$EXIT_PREFLIGHT"
}

# Facts about the stack from its config and the Pulumi home, as key=value lines (no values of secrets).
read_facts() {
    node -e '
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const [stackFile, projectFile, pulumiHome] = process.argv.slice(1);
const out = {};
const project = YAML.parse(fs.readFileSync(projectFile, "utf8"))?.name;
const doc = YAML.parse(fs.readFileSync(stackFile, "utf8")) ?? {};
const config = doc.config ?? {};
const get = (key) => config[`${project}:${key}`];
out.project = project;
out.platform = get("platform") ?? "";
out.fly_org = get("fly")?.org ?? "";
out.github = get("github") ? 1 : 0;
out.sentry = get("sentry") ? 1 : 0;
out.encryptionsalt = doc.encryptionsalt ? 1 : 0;
out.secrets_provider = String(doc.secretsprovider ?? "").split(":")[0];
try {
    const creds = JSON.parse(fs.readFileSync(path.join(pulumiHome, "credentials.json"), "utf8"));
    // Only which backend is current and whether a token is stored for it; never the token.
    out.login_current = creds.current ?? "";
    out.login_has_token = creds.current && creds.accessTokens?.[creds.current] ? 1 : 0;
} catch {
    out.login_current = "";
    out.login_has_token = 0;
}
for (const [k, v] of Object.entries(out)) console.log(`${k}=${String(v).replace(/[^A-Za-z0-9_.:\/@+-]/g, "")}`);
' "$STACK_FILE" Pulumi.yaml "${PULUMI_HOME:-$HOME/.pulumi}"
}

FACTS_ERR="$(mktemp)"
trap 'rm -f "$FACTS_ERR"' EXIT
if ! FACTS="$(read_facts 2>"$FACTS_ERR")"; then
    echo "stack.sh: cannot read $STACK_FILE or Pulumi.yaml:" >&2
    sed -n '1,5p' "$FACTS_ERR" >&2
    echo "  fix: make sure both are valid YAML and that dependencies are installed (npm ci)" >&2
    exit "$EXIT_PREFLIGHT"
fi
PROJECT="" PLATFORM="" FLY_ORG="" HAS_GITHUB=0 HAS_SENTRY=0 HAS_SALT=0 SECRETS_PROVIDER="" LOGIN_CURRENT="" LOGIN_HAS_TOKEN=0
while IFS='=' read -r key value; do
    case "$key" in
    project) PROJECT="$value" ;;
    platform) PLATFORM="$value" ;;
    fly_org) FLY_ORG="$value" ;;
    github) HAS_GITHUB="$value" ;;
    sentry) HAS_SENTRY="$value" ;;
    encryptionsalt) HAS_SALT="$value" ;;
    secrets_provider) SECRETS_PROVIDER="$value" ;;
    login_current) LOGIN_CURRENT="$value" ;;
    login_has_token) LOGIN_HAS_TOKEN="$value" ;;
    esac
done <<<"$FACTS"

# 1. Files the command needs.
if [ "$COMMAND" != refresh ] && [ ! -f "$POLICY_CONFIG" ]; then
    problem "$POLICY_CONFIG is missing: every stack needs its policy enforcement config." \
        "cp policies/staging.json $POLICY_CONFIG   (advisory), or copy policies/prod.json for mandatory enforcement"
fi
if [ "$COMMAND" != refresh ] && [ -f policies/package.json ] && [ ! -d policies/node_modules ]; then
    problem "the policy pack's dependencies are not installed (policies/node_modules)." "npm ci --prefix policies"
fi
if [ -z "$PLATFORM" ]; then
    problem "$STACK_FILE sets no $PROJECT:platform." "pulumi config set --stack $STACK platform fly   (or local)"
fi

# 2. Backend and secrets provider.
LOCAL_BACKEND=0
if [ "$PLATFORM" = local ] && ! is_set PULUMI_BACKEND_URL; then
    export PULUMI_BACKEND_URL="file://$ROOT/.pulumi-state"
    LOCAL_BACKEND=1
fi
BACKEND="${PULUMI_BACKEND_URL:-${LOGIN_CURRENT:-}}"
if [ -z "$BACKEND" ] && is_set PULUMI_ACCESS_TOKEN; then BACKEND="https://api.pulumi.com"; fi
case "$BACKEND" in
"")
    problem "PULUMI_ACCESS_TOKEN is not set, nor PULUMI_BACKEND_URL, and you are not logged in: there is no Pulumi backend for the state." \
        "export PULUMI_ACCESS_TOKEN=<token from app.pulumi.com/account/tokens>   (or export PULUMI_BACKEND_URL=s3://<bucket>, or pulumi login)"
    ;;
http://* | https://*)
    BACKEND_KIND=cloud
    if ! is_set PULUMI_ACCESS_TOKEN && { [ "$LOGIN_CURRENT" != "$BACKEND" ] || [ "$LOGIN_HAS_TOKEN" != 1 ]; }; then
        problem "PULUMI_ACCESS_TOKEN is not set: the stack's state is in Pulumi Cloud ($BACKEND)." \
            "export PULUMI_ACCESS_TOKEN=<token from app.pulumi.com/account/tokens>   (or pulumi login)"
    fi
    ;;
*) BACKEND_KIND=diy ;;
esac

NEEDS_PASSPHRASE=0
case "$SECRETS_PROVIDER" in
passphrase) NEEDS_PASSPHRASE=1 ;;
"") if [ "$HAS_SALT" = 1 ] || [ "${BACKEND_KIND:-}" = diy ]; then NEEDS_PASSPHRASE=1; fi ;;
esac
if [ "$NEEDS_PASSPHRASE" = 1 ]; then
    if [ "$PLATFORM" = local ]; then
        # dev only: an empty passphrase is allowed so `npm run up -- dev` works from a fresh clone.
        if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && ! is_set PULUMI_CONFIG_PASSPHRASE_FILE; then
            export PULUMI_CONFIG_PASSPHRASE=""
        fi
    elif ! is_set PULUMI_CONFIG_PASSPHRASE && ! is_set PULUMI_CONFIG_PASSPHRASE_FILE; then
        problem "PULUMI_CONFIG_PASSPHRASE is not set (or empty): stack \"$STACK\" encrypts its secrets with a passphrase." \
            "export PULUMI_CONFIG_PASSPHRASE=<the stack's passphrase>   (or PULUMI_CONFIG_PASSPHRASE_FILE=<file>)"
    fi
fi

# 3. Provider credentials, from what the config uses.
if [ "$PLATFORM" = fly ] && ! is_set FLY_API_TOKEN; then
    problem "FLY_API_TOKEN is not set: stack \"$STACK\" runs on Fly.io (platform: fly)." \
        "export FLY_API_TOKEN=\"\$(fly tokens create org --org ${FLY_ORG:-<org>})\""
fi
if [ "$HAS_GITHUB" = 1 ] && ! is_set GITHUB_TOKEN; then
    problem "GITHUB_TOKEN is not set: stack \"$STACK\" manages a GitHub environment (config key github)." \
        "export GITHUB_TOKEN=\"\$(gh auth token)\"   (needs repo admin to manage environments)"
fi
if [ "$HAS_SENTRY" = 1 ] && ! is_set SENTRY_AUTH_TOKEN; then
    problem "SENTRY_AUTH_TOKEN is not set: stack \"$STACK\" manages a Sentry project (config key sentry)." \
        "export SENTRY_AUTH_TOKEN=<token from sentry.io/settings/account/api/auth-tokens/ with project:admin>"
fi
if [ "$PLATFORM" = local ]; then
    if ! command -v docker >/dev/null 2>&1; then
        problem "docker is not installed: stack \"$STACK\" runs on local Docker (platform: local)." \
            "install Docker Desktop or Docker Engine, then start it"
    elif ! with_timeout 10 docker info >/dev/null 2>&1; then
        problem "the Docker engine is not reachable: stack \"$STACK\" runs on local Docker (platform: local)." \
            "start Docker (Docker Desktop, or: sudo systemctl start docker) and check with: docker info"
    fi
fi
report_problems

# 4. Offline config validation and policy gate: the same harness as `npm run plan -- <stack>`.
if [ "${STACK_SKIP_PLAN:-0}" != 1 ]; then
    PLAN_OUT="$(mktemp)"
    trap 'rm -f "$FACTS_ERR" "$PLAN_OUT"' EXIT
    if NO_COLOR=1 node --import tsx scripts/plan.ts "$STACK" >"$PLAN_OUT" 2>&1; then
        echo "preflight: config of \"$STACK\" is valid and the offline policy gate passed (npm run plan -- $STACK)"
    else
        {
            echo "Preflight failed for stack \"$STACK\": npm run plan -- $STACK rejected it; nothing was run."
            sed -e 's/^/  /' "$PLAN_OUT" | tail -n 60
        } >&2
        exit "$EXIT_PREFLIGHT"
    fi
fi

# 5. The Pulumi CLI: the stack exists and its secrets decrypt.
if command -v pulumi >/dev/null 2>&1; then
    PULUMI=(pulumi)
elif [ -x node_modules/.bin/pulumi ]; then
    PULUMI=("$ROOT/node_modules/.bin/pulumi")
else
    echo "stack.sh: the Pulumi CLI was not found. fix: npm ci   (the pulumi npm package fetches the CLI on first use)" >&2
    exit "$EXIT_PREFLIGHT"
fi
export PULUMI_SKIP_UPDATE_CHECK=true

CLI_ERR="$(mktemp)"
trap 'rm -f "$FACTS_ERR" "${PLAN_OUT:-}" "$CLI_ERR"' EXIT
if [ "$LOCAL_BACKEND" = 1 ]; then
    mkdir -p "$ROOT/.pulumi-state"
    SELECT=(stack select --create "$STACK" --non-interactive)
else
    SELECT=(stack select "$STACK" --non-interactive)
fi
if ! "${PULUMI[@]}" "${SELECT[@]}" >/dev/null 2>"$CLI_ERR"; then
    {
        echo "Preflight failed: stack \"$STACK\" could not be selected in backend ${PULUMI_BACKEND_URL:-$BACKEND}:"
        sed -n '1,5p' "$CLI_ERR" | sed -e 's/^/    /'
        echo "      fix: create it with: pulumi stack init $STACK   (docs/runbooks/add-environment.md), or check PULUMI_BACKEND_URL and the token's organization"
    } >&2
    exit "$EXIT_PREFLIGHT"
fi
# The decrypted values go to /dev/null: only whether decryption works matters here.
if ! "${PULUMI[@]}" config --stack "$STACK" --show-secrets --json >/dev/null 2>"$CLI_ERR"; then
    {
        echo "Preflight failed: the secrets of stack \"$STACK\" do not decrypt:"
        sed -n '1,5p' "$CLI_ERR" | sed -e 's/^/    /'
        echo "      fix: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the stack's passphrase, or the credentials of its secrets provider"
    } >&2
    exit "$EXIT_PREFLIGHT"
fi
echo "preflight: stack \"$STACK\" selected, secrets decrypt"

# ---------------------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------------------
POLICY_ARGS=(--policy-pack policies --policy-pack-config "$POLICY_CONFIG")
YES=()
if [ -n "${CI:-}" ] || [ ! -t 0 ]; then YES=(--yes); fi

run() {
    echo "+ pulumi $*"
    "${PULUMI[@]}" "$@"
}

# Runs a pulumi command that expects no changes; returns 0, EXIT_DRIFT, or pulumi's failure code.
run_expecting_no_changes() {
    local out status=0
    out="$(mktemp)"
    run "$@" 2>&1 | tee "$out" || status="${PIPESTATUS[0]}"
    if [ "$status" -ne 0 ] && grep -Eq "$DRIFT_PATTERN" "$out"; then status="$EXIT_DRIFT"; fi
    rm -f "$out"
    return "$status"
}

case "$COMMAND" in
check)
    echo "preflight passed for stack \"$STACK\""
    ;;
preview)
    run preview --stack "$STACK" --diff "${POLICY_ARGS[@]}" ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}
    ;;
up)
    run up --stack "$STACK" ${YES[@]+"${YES[@]}"} "${POLICY_ARGS[@]}" ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}
    ;;
refresh)
    run refresh --stack "$STACK" ${YES[@]+"${YES[@]}"} ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}
    ;;
drift)
    # Both checks always run so one report shows out-of-band changes (refresh) and unapplied code (preview).
    refresh_status=0 preview_status=0
    run_expecting_no_changes refresh --stack "$STACK" --preview-only --expect-no-changes --diff ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"} || refresh_status=$?
    run_expecting_no_changes preview --stack "$STACK" --expect-no-changes --diff "${POLICY_ARGS[@]}" ${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"} || preview_status=$?
    for s in "$refresh_status" "$preview_status"; do
        if [ "$s" -ne 0 ] && [ "$s" -ne "$EXIT_DRIFT" ]; then
            echo "drift check of \"$STACK\" failed (exit $s); see the output above" >&2
            exit "$s"
        fi
    done
    if [ "$refresh_status" -eq "$EXIT_DRIFT" ] || [ "$preview_status" -eq "$EXIT_DRIFT" ]; then
        echo "DRIFT in stack \"$STACK\": cloud vs state $([ "$refresh_status" -eq 0 ] && echo clean || echo differs), program vs state $([ "$preview_status" -eq 0 ] && echo clean || echo differs)" >&2
        exit "$EXIT_DRIFT"
    fi
    echo "no drift in stack \"$STACK\""
    ;;
esac
