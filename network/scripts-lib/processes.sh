# shellcheck shell=bash
# Background processes and their ports (sourced by common.sh; used by the nano route, which runs
# Fabric as local processes). One pid file per process under PID_DIR, one log under LOG_DIR.

# process_alive PID: PID runs and is not a zombie (exited, not yet reaped: kill -0 still succeeds).
process_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ "${state// /}" != Z* ]]
}

# recorded_pid NAME: the PID in NAME's pid file, alive or not.
recorded_pid() {
  local file="${PID_DIR}/$1.pid" pid
  [[ -f "$file" ]] || return 1
  read -r pid <"$file" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

# pid_of NAME: the recorded PID if that process is still alive and still runs PROGRAM.
pid_of() {
  local file="${PID_DIR}/$1.pid" pid program args
  [[ -f "$file" ]] || return 1
  { read -r pid; read -r program; } <"$file" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  process_alive "$pid" || return 1
  # Guard against a recycled PID: the process must still be the program we started.
  args="$(ps -p "$pid" -o args= 2>/dev/null)" || return 1
  [[ "$args" == *"$program"* ]] || return 1
  printf '%s\n' "$pid"
}

# start_process NAME PROGRAM [VAR=value...] -- COMMAND...: run COMMAND in the background with the
# given environment, stdout+stderr to LOG_DIR/NAME.log, its PID (and PROGRAM, used to recognise it
# later) to PID_DIR/NAME.pid. `exec env` keeps the PID: the recorded PID is the process itself.
# START_DIR, if set, is the working directory of COMMAND.
start_process() {
  local name="$1" program="$2"
  shift 2
  local vars=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do vars+=("$1"); shift; done
  [[ "${1:-}" == "--" ]] || die "start_process ${name}: missing -- before the command"
  shift
  mkdir -p "$PID_DIR" "$LOG_DIR"
  local pid
  if pid="$(pid_of "$name")"; then
    log "${name} already running (pid ${pid})"
    return 0
  fi
  ( if [[ -n "${START_DIR:-}" ]]; then cd "$START_DIR" || exit 1; fi; exec env ${vars[@]+"${vars[@]}"} "$@" ) >>"${LOG_DIR}/${name}.log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n%s\n' "$pid" "$program" >"${PID_DIR}/${name}.pid"
  log "started ${name} (pid ${pid}, log ${LOG_DIR}/${name}.log)"
}

# stop_process NAME: TERM, then KILL after 15 s, only the recorded PID.
stop_process() {
  local name="$1" pid i
  if pid="$(pid_of "$name")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
      process_alive "$pid" || break
      sleep 0.5
    done
    if process_alive "$pid"; then
      log "${name} (pid ${pid}) did not stop on TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped ${name} (pid ${pid})"
  fi
  rm -f "${PID_DIR}/${name}.pid"
}

# ---- ports ----

# port_answers PORT: a TCP connection to 127.0.0.1:PORT succeeds (bash /dev/tcp).
port_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# port_listeners PORT: one line "PID PROGRAM" per process listening on TCP PORT (any address);
# "- -" for a listener whose process this user may not see. From ss (Linux) or lsof (macOS);
# status 2 when neither is installed.
port_listeners() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    { ss -ltnp "sport = :${port}" 2>/dev/null || true; } | awk 'NR > 1 {
      n = 0; s = $0
      while (match(s, /\("[^"]*",pid=[0-9]+/)) {
        split(substr(s, RSTART + 2, RLENGTH - 2), a, "\",pid="); print a[2], a[1]; n++
        s = substr(s, RSTART + RLENGTH)
      }
      if (n == 0) print "-", "-"
    }' | sort -u
  elif command -v lsof >/dev/null 2>&1; then
    { lsof -nP -iTCP:"$port" -sTCP:LISTEN -Fpc 2>/dev/null || true; } \
      | awk '/^p/ { pid = substr($0, 2) } /^c/ { print pid, substr($0, 2) }' | sort -u
  else
    return 2
  fi
}

# port_in_use PORT: something listens on TCP PORT here (it answers on 127.0.0.1, or ss/lsof list it).
port_in_use() {
  local listeners
  port_answers "$1" && return 0
  listeners="$(port_listeners "$1" 2>/dev/null)" && [[ -n "$listeners" ]]
}

# port_holders PORT: who listens on PORT, in words ("node (pid 4242)"), for error messages.
port_holders() {
  local port="$1" listeners pid program words=()
  if ! listeners="$(port_listeners "$port")"; then
    printf 'a process (install ss or lsof to see which; ss -ltnp names it)\n'
    return 0
  fi
  while read -r pid program; do
    if [[ "$pid" == - ]]; then
      words+=("a process of another user (sudo ss -ltnp 'sport = :${port}' names it)")
    elif [[ -n "$pid" ]]; then
      words+=("${program} (pid ${pid})")
    fi
  done <<<"$listeners"
  local text="" word
  for word in ${words[@]+"${words[@]}"}; do text+="${text:+, }${word}"; done
  printf '%s\n' "${text:-an unknown process}"
}

# require_free_ports NAME:PORT...: fail, naming every busy port, the process that needs it and
# (when ss or lsof can tell) the process holding it, unless all the ports are free.
require_free_ports() {
  local spec busy=()
  for spec in "$@"; do
    if port_in_use "${spec##*:}"; then
      busy+=("port ${spec##*:} (needed by ${spec%%:*}) is in use by $(port_holders "${spec##*:}")")
    fi
  done
  [[ ${#busy[@]} -eq 0 ]] && return 0
  printf '[acetrace] error: %s\n' "${busy[@]}" >&2
  die "${#busy[@]} port(s) needed are in use; stop what holds them (for example the embedded network of npm start) and run again"
}

# wait_for_port NAME PORT PID: until PID (the process started as NAME) listens on PORT; fails
# at once, with the end of NAME's log, if PID exits or another process holds PORT, and after 60 s.
# Without ss and lsof, who listens cannot be seen: PID still alive a second after PORT answers
# counts (a process that cannot bind its port exits at once).
wait_for_port() {
  local name="$1" port="$2" pid="$3" log_file="${LOG_DIR}/$1.log" i listeners
  [[ "$pid" =~ ^[0-9]+$ ]] || die "wait_for_port ${name}: no PID (got '${pid}')"
  for ((i = 0; i < 120; i++)); do
    if ! process_alive "$pid"; then
      tail -n 30 "$log_file" >&2 || true
      die "${name} (pid ${pid}) exited before listening on port ${port}; see ${log_file}"
    fi
    if port_answers "$port"; then
      if listeners="$(port_listeners "$port")"; then
        grep -q "^${pid} " <<<"$listeners" && return 0
        if [[ -n "$listeners" ]]; then
          tail -n 30 "$log_file" >&2 || true
          die "port ${port} is held by $(port_holders "$port"), not by ${name} (pid ${pid}); see ${log_file}"
        fi
      else
        sleep 1
        process_alive "$pid" && return 0
      fi
    fi
    sleep 0.5
  done
  tail -n 30 "$log_file" >&2 || true
  die "${name} (pid ${pid}) is not listening on port ${port} after 60 s; see ${log_file}"
}

# wait_until_listening NAME PORT...: wait_for_port for each PORT with NAME's recorded PID.
wait_until_listening() {
  local name="$1" pid port
  shift
  pid="$(recorded_pid "$name")" || die "${name} has no pid file in ${PID_DIR}; see ${LOG_DIR}/${name}.log"
  for port in "$@"; do wait_for_port "$name" "$port" "$pid"; done
}
