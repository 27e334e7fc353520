#!/usr/bin/env bash
# Checks a running Bitaqa server against openapi.yaml with schemathesis.
#
#   scripts/openapi_check.sh BASE_URL ADMIN_TOKEN CUSTOMER_JWT
#
#   BASE_URL      e.g. http://127.0.0.1:8080
#   ADMIN_TOKEN   the server's BITAQA_ADMIN_TOKEN (the `admin` security scheme)
#   CUSTOMER_JWT  a valid customer token for the server's JWT settings (the `customer` scheme)
#
# schemathesis is installed (pinned) into a venv at
# ${BITAQA_TOOLS_DIR:-.build/tools}/schemathesis-venv on first use. The run sends generated requests
# to every operation of the document (except paths listed in BITAQA_OPENAPI_EXCLUDE, a
# space-separated list of paths), with a fixed seed, a small number of examples (the whole run takes
# about 10 s) and no example database carried between runs, and checks:
#   - not_a_server_error            no 5xx answer
#   - status_code_conformance       every status is documented for its operation
#   - content_type_conformance      the Content-Type is documented for that status
#   - response_schema_conformance   the body matches the documented schema
#   - response_headers_conformance  the documented required headers are there and match
# It writes real orders (POST /v1/orders, POST /v1/orders/send): point it at a throwaway server,
# started in development mode (in-process OneClickDz sandbox) on an empty data directory. The
# customer routes are rate limited per client address (BITAQA_RATE_LIMIT_ADDRESS, 120/min by
# default); 429 is a documented answer, so the run passes either way, but a server started with
# BITAQA_RATE_LIMIT_ADDRESS=0 gets its customer routes exercised more fully.
#
# Env knobs:
#   BITAQA_TOOLS_DIR              where the venv lives (default .build/tools)
#   BITAQA_OPENAPI_MAX_EXAMPLES   examples per operation in the fuzzing phase (default 20)
#   BITAQA_OPENAPI_SEED           the seed (default 20250131)
#   BITAQA_OPENAPI_EXCLUDE        paths left out of the run (default: none)
#
# Exit code: 0 when every check passed, 1 when schemathesis found a failure (its report is
# printed), 2 for bad usage or a failed install.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5

usage() {
  echo "usage: $0 BASE_URL ADMIN_TOKEN CUSTOMER_JWT" >&2
  exit 2
}
[[ $# -eq 3 ]] || usage
BASE_URL=${1%/}
ADMIN_TOKEN=$2
CUSTOMER_JWT=$3
[[ -n "$BASE_URL" && -n "$ADMIN_TOKEN" && -n "$CUSTOMER_JWT" ]] || usage

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
DOCUMENT="$ROOT/openapi.yaml"
[[ -f "$DOCUMENT" ]] || { echo "openapi_check: $DOCUMENT is missing" >&2; exit 2; }

log() { printf '[openapi_check] %s\n' "$*" >&2; }

# ------------------------------------------------------------------ install --
TOOLS_DIR=${BITAQA_TOOLS_DIR:-$ROOT/.build/tools}
case "$TOOLS_DIR" in /*) ;; *) TOOLS_DIR="$ROOT/$TOOLS_DIR" ;; esac
VENV="$TOOLS_DIR/schemathesis-venv"
ST="$VENV/bin/schemathesis"
installed_version() {
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true
}
if [[ ! -x "$ST" || "$(installed_version)" != "$SCHEMATHESIS_VERSION" ]]; then
  log "installing schemathesis==$SCHEMATHESIS_VERSION into $VENV"
  mkdir -p "$TOOLS_DIR"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV" || { log "could not create the venv"; exit 2; }
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2 \
    || { log "could not install schemathesis==$SCHEMATHESIS_VERSION"; exit 2; }
fi

# ---------------------------------------------------------------------- run --
# The credentials go to schemathesis through the environment, named by a config file that holds no
# secret: one bearer token per security scheme of the document.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/schemathesis.toml" <<'EOF'
[auth.openapi.admin]
bearer = "${BITAQA_OPENAPI_ADMIN_TOKEN}"

[auth.openapi.customer]
bearer = "${BITAQA_OPENAPI_CUSTOMER_JWT}"
EOF
export BITAQA_OPENAPI_ADMIN_TOKEN="$ADMIN_TOKEN"
export BITAQA_OPENAPI_CUSTOMER_JWT="$CUSTOMER_JWT"

exclude=()
for path in ${BITAQA_OPENAPI_EXCLUDE-}; do
  exclude+=(--exclude-path "$path")
done

cmd=(
  "$ST" --config-file "$WORK/schemathesis.toml" run "$DOCUMENT"
  --url "$BASE_URL"
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
  --max-examples "${BITAQA_OPENAPI_MAX_EXAMPLES:-20}"
  --seed "${BITAQA_OPENAPI_SEED:-20250131}"
  --generation-database none
  --no-color
  "${exclude[@]}"
)
log "schemathesis $SCHEMATHESIS_VERSION against $BASE_URL"
status=0
# From the temp folder, so schemathesis's caches (.schemathesis/, .hypothesis/) never land in the repo.
(cd "$WORK" && "${cmd[@]}") || status=$?
if ((status != 0)); then
  log "FAILED (schemathesis exit $status)"
  exit 1
fi
log "passed"
