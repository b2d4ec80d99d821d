#!/usr/bin/env bash
# Run a command against a throwaway moto server on a free 127.0.0.1 port, stopping it afterwards.
set -euo pipefail

# Usage: scripts/with-moto.sh CMD [ARG...]
# The command sees MOTO_ENDPOINT=http://127.0.0.1:PORT and dummy AWS credentials, so
# nothing it does can reach a real AWS account. moto_server is taken from PATH, else from
# the project's .venv (`make venv`). The server log is kept in .run/moto.log.

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARG...]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
run_dir="$root/.run"
log="$run_dir/moto.log"
ready_timeout="${MOTO_READY_TIMEOUT:-30}"
mkdir -p "$run_dir"

if command -v moto_server >/dev/null 2>&1; then
  moto_server="$(command -v moto_server)"
elif [[ -x "$root/.venv/bin/moto_server" ]]; then
  moto_server="$root/.venv/bin/moto_server"
else
  echo "with-moto: moto_server not found; run 'make venv' first" >&2
  exit 1
fi
# The interpreter next to moto_server is one we know can open sockets and speak HTTP.
python="$(dirname "$moto_server")/python3"
[[ -x "$python" ]] || python="python3"

moto_pid=""
# shellcheck disable=SC2317 # only reached through the traps set by on_exit
stop_moto() {
  stop_process "$moto_pid"
  moto_pid=""
}
on_exit stop_moto

answers() {
  "$python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2).read()
PY
}

show_log() {
  echo "---- $log ----" >&2
  cat "$log" >&2 || true
  echo "---- end of moto log ----" >&2
}

# A port picked free can be taken before moto binds it; try a few before giving up.
port=""
for attempt in 1 2 3; do
  candidate="$(free_port "$python")"
  "$moto_server" -H 127.0.0.1 -p "$candidate" >"$log" 2>&1 &
  moto_pid=$!
  deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$moto_pid" 2>/dev/null; then
      wait "$moto_pid" 2>/dev/null || true
      moto_pid=""
      break
    fi
    if answers "http://127.0.0.1:$candidate/moto-api/"; then
      port="$candidate"
      break 2
    fi
    sleep 0.3
  done
  if [[ -n "$moto_pid" ]]; then
    echo "with-moto: moto did not answer on 127.0.0.1:$candidate within ${ready_timeout}s" >&2
    show_log
    exit 1
  fi
  echo "with-moto: moto exited during start-up (attempt $attempt)" >&2
done

if [[ -z "$port" ]]; then
  echo "with-moto: could not start moto_server" >&2
  show_log
  exit 1
fi

export MOTO_ENDPOINT="http://127.0.0.1:$port"
# Pin the SDK to the local server's world: dummy keys, fixed region, no metadata probing.
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="$AWS_REGION"
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_EC2_METADATA_DISABLED=true
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_SECURITY_TOKEN

echo "with-moto: moto_server ready at $MOTO_ENDPOINT (log: ${log#"$root"/})" >&2

status=0
"$@" || status=$?
if ((status != 0)); then
  echo "with-moto: '$*' exited with status $status; last lines of the moto log:" >&2
  tail -n 40 "$log" >&2 || true
fi
exit "$status"
