# Shell helpers shared by scripts/with-moto.sh and scripts/invoke.sh; sourced, not run.
# shellcheck shell=bash

# Prints a TCP port on 127.0.0.1 that is free right now, using the Python interpreter given
# (default python3). Another process may still take it before the caller binds it.
free_port() {
  "${1:-python3}" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Stops a background process and reaps it: TERM, up to 5 s to exit, then KILL. With
# --group, the whole process group led by PID (one started with setsid) is signalled, so
# the children it started go with it. A PID that already exited is only reaped.
stop_process() {
  local target="$1" pid="${2:-$1}"
  if [[ "$1" == "--group" ]]; then
    pid="$2"
    target="-$2"
  fi
  [[ -n "$pid" ]] || return 0
  kill -TERM -- "$target" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "$target" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Runs CLEANUP (a function name) however the script ends: normally, on an error, or on
# Ctrl-C / TERM, which then exit with the conventional 130 / 143.
on_exit() {
  # shellcheck disable=SC2064 # expand the function name now
  trap "$1" EXIT
  trap "$1; exit 130" INT
  trap "$1; exit 143" TERM
}
