#!/usr/bin/env bash
# Send one sample event through the real Lambda runtime locally (cargo lambda watch + invoke).
set -euo pipefail

# Usage: scripts/invoke.sh events/<file>.json
# Without OFFERS_TOPIC_ARN in the environment the function runs with NOTIFIER_DRY_RUN=true
# and prints its notifications instead of publishing them. The emulator binds 127.0.0.1
# only; its log (including what the function printed) goes to .run/, which is gitignored
# and therefore not watched. The first run compiles a debug build and can take minutes.

function_name="marketplace-catalog-notifier"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
run_dir="$root/.run"
log="$run_dir/watch.log"
start_timeout="${INVOKE_START_TIMEOUT:-120}"
invoke_timeout="${INVOKE_TIMEOUT:-1200}"

if [[ $# -ne 1 ]]; then
  echo "usage: $0 events/<file>.json" >&2
  exit 2
fi
event="$1"
if [[ ! -f "$event" ]]; then
  echo "invoke: no such event file: $event" >&2
  exit 2
fi
event="$(cd "$(dirname "$event")" && pwd)/$(basename "$event")"

cd "$root"
export PATH="$root/.venv/bin:$PATH"
if ! cargo lambda --version >/dev/null 2>&1; then
  echo "invoke: cargo-lambda not found; run 'make venv' first" >&2
  exit 1
fi

if [[ -z "${OFFERS_TOPIC_ARN:-}" ]]; then
  export NOTIFIER_DRY_RUN=true
  # Nothing is published in a dry run; dummy keys keep the SDK from hunting for real ones.
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"
  echo "invoke: OFFERS_TOPIC_ARN is not set: dry run (notifications are printed, not published)"
fi
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_EC2_METADATA_DISABLED="${AWS_EC2_METADATA_DISABLED:-true}"

port="$(free_port)"

mkdir -p "$run_dir"
: >"$log"
watch_pid=""
invoke_pid=""
# shellcheck disable=SC2317 # only reached through the traps set by on_exit
stop_all() {
  stop_process "$invoke_pid"
  invoke_pid=""
  # watch runs in its own session; end it together with the cargo and function processes it started.
  if [[ -n "$watch_pid" ]]; then
    stop_process --group "$watch_pid"
  fi
  watch_pid=""
}
on_exit stop_all

show_function_output() {
  echo "---- function output (from ${log#"$root"/}) ----"
  # Compiler progress is noise here; keep what the emulator and the function printed.
  grep -vE '^\s*(Compiling|Checking|Finished|Running|Blocking|Building|Updating|Downloading|Downloaded|Locking|Adding) ' "$log" || true
}

# --ignore-changes: a one-shot invoke never wants a rebuild half-way through.
setsid cargo lambda watch --invoke-address 127.0.0.1 --invoke-port "$port" --ignore-changes \
  </dev/null >"$log" 2>&1 &
watch_pid=$!

echo "invoke: starting cargo lambda watch on 127.0.0.1:$port (log: ${log#"$root"/})"
deadline=$((SECONDS + start_timeout))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if ! kill -0 "$watch_pid" 2>/dev/null; then
    echo "invoke: cargo lambda watch exited before it was ready" >&2
    cat "$log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "invoke: cargo lambda watch did not listen on port $port within ${start_timeout}s" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done

echo "invoke: sending ${event#"$root"/} to $function_name (a cold debug build can take several minutes)"
response="$run_dir/invoke-response.txt"
cargo lambda invoke --invoke-address 127.0.0.1 --invoke-port "$port" \
  --data-file "$event" "$function_name" </dev/null >"$response" 2>&1 &
invoke_pid=$!

# The invoke client waits for as long as the function is not running, even when its build
# has failed; watch the emulator's log so a broken build or a dead function ends the run.
status=0
deadline=$((SECONDS + invoke_timeout))
while kill -0 "$invoke_pid" 2>/dev/null; do
  if grep -qE '^error(\[E[0-9]+\])?: |ERROR command exited' "$log"; then
    echo "invoke: the function failed to build or exited; see the log below" >&2
    status=1
    break
  fi
  if ((SECONDS >= deadline)); then
    echo "invoke: no response within ${invoke_timeout}s (INVOKE_TIMEOUT)" >&2
    status=124
    break
  fi
  sleep 0.5
done
if ((status == 0)); then
  wait "$invoke_pid" || status=$?
  invoke_pid=""
fi

show_function_output
echo "---- response ----"
cat "$response"
exit "$status"
