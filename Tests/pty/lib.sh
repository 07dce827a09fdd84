# shellcheck shell=bash
#
# Helpers that drive an interactive program in a real pseudo-terminal (a tmux pane).
# Sourced by run-pty-tests; independent of the cases, so that the same helpers can drive
# shell-demo or the real `ally` binary.
#
# Settings (set before calling pty_start; run-pty-tests sets them from its options):
#   PTY_BIN        the program to run (required)
#   PTY_ARGS       its arguments (a bash array; default none)
#   PTY_HOME       a scratch folder used as HOME and as the working folder (required)
#   PTY_ENV        extra environment for every start, as NAME=VALUE words (a bash array)
#   PTY_PROMPT     text that shows the program is ready for input (default "ally> ")
#   PTY_TIMEOUT    seconds wait_for waits before giving up (default 10: a loaded 2-core machine is slow)
#   PTY_SOCKET     tmux server socket name (default ally-pty-PID; one private server)
#   PTY_CONF       the tmux configuration file written for that server
#   PTY_SESSION    the tmux session the helpers talk to (default "pty"); switch it to drive
#                  two programs at once
#
# The program runs under `env -i` with only: HOME, ALLY_HISTORY=$PTY_HOME/history, TERM=screen
# (what tmux emulates), LANG=C.UTF-8, PATH, INPUTRC (an empty file, so readline runs with its
# built-in defaults), then PTY_ENV, then the arguments of pty_start. `NAME=` (empty) removes
# NAME from the environment.

PTY_TIMEOUT=${PTY_TIMEOUT:-10}
PTY_SOCKET=${PTY_SOCKET:-ally-pty-$$}
PTY_SESSION=${PTY_SESSION:-pty}
PTY_PROMPT=${PTY_PROMPT:-"ally> "}
PTY_WIDTH=${PTY_WIDTH:-100}
PTY_HEIGHT=${PTY_HEIGHT:-30}
PTY_CONF=${PTY_CONF:-${TMPDIR:-/tmp}/$PTY_SOCKET.tmux.conf}
# Keep a pane after its program exits, to read the exit status and last words.
printf 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n' >"$PTY_CONF"

# tmux on our private server, ignoring the user's configuration except ours.
pty_tmux() {
    tmux -L "$PTY_SOCKET" -f "$PTY_CONF" "$@"
}

# pty_start [NAME=VALUE ...]: starts PTY_BIN in a new PTY_WIDTH x PTY_HEIGHT pane in session
# PTY_SESSION, and waits for PTY_PROMPT. Returns 1 if the prompt does not appear.
pty_start() {
    mkdir -p "$PTY_HOME"
    : >"$PTY_HOME/.inputrc"
    local -a environment=(
        "HOME=$PTY_HOME" "ALLY_HISTORY=$PTY_HOME/history" "TERM=screen" "LANG=C.UTF-8"
        "PATH=$PATH" "INPUTRC=$PTY_HOME/.inputrc"
    )
    environment+=("${PTY_ENV[@]}" "$@")
    # Later words override earlier ones; NAME= removes NAME.
    local -A value=()
    local -a order=()
    local word name
    for word in "${environment[@]}"; do
        name=${word%%=*}
        [[ -v "value[$name]" ]] || order+=("$name")
        value[$name]=${word#*=}
    done
    # A small sh between tmux and the program records the program's exit status in a file:
    # tmux can report a pane dead seconds before it has reaped the process. The sh catches
    # (not ignores) SIGINT, so that Ctrl-C does not end it; the program starts with SIGINT in
    # its default state.
    rm -f "$(pty_status_file)"
    local command="exec env -i"
    for name in "${order[@]}"; do
        [[ -n ${value[$name]} ]] && command+=" $(printf '%q' "$name=${value[$name]}")"
    done
    command+=" /bin/sh -c 'trap : INT; status_file=\$1; shift; \"\$@\"; echo \$? >\"\$status_file\"' sh"
    command+=" $(printf '%q' "$(pty_status_file)") $(printf '%q' "$PTY_BIN")"
    for word in "${PTY_ARGS[@]}"; do command+=" $(printf '%q' "$word")"; done
    pty_tmux new-session -d -s "$PTY_SESSION" -x "$PTY_WIDTH" -y "$PTY_HEIGHT" -c "$PTY_HOME" "$command" || return 1
    pty_wait_for "$PTY_PROMPT"
}

# pty_send KEY...: tmux key names (Enter, Tab, Up, C-c, C-d, ...), or text without spaces.
pty_send() {
    pty_tmux send-keys -t "$PTY_SESSION" "$@"
}

# pty_type TEXT: types TEXT literally (a newline in TEXT is a line feed, which accepts a line).
pty_type() {
    pty_tmux send-keys -t "$PTY_SESSION" -l -- "$1"
}

# pty_paste TEXT: pastes TEXT as a terminal would (bracketed, if the program asked for it).
pty_paste() {
    pty_tmux set-buffer -b pty-paste -- "$1" && pty_tmux paste-buffer -p -d -b pty-paste -t "$PTY_SESSION"
}

# pty_capture: the whole pane, scrollback included, trailing blank lines removed.
pty_capture() {
    pty_tmux capture-pane -p -J -S - -t "$PTY_SESSION" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# pty_current_line: the line the cursor is on, without trailing spaces.
pty_current_line() {
    local row
    row=$(pty_tmux display-message -p -t "$PTY_SESSION" '#{cursor_y}') || return 1
    pty_tmux capture-pane -p -t "$PTY_SESSION" -S "$row" -E "$row" | sed 's/[[:space:]]*$//'
}

# pty_wait_for TEXT [COUNT] [TIMEOUT]: waits until TEXT (fixed string) occurs COUNT times (default 1)
# on the pane. Returns 1 on timeout.
pty_wait_for() {
    local text=$1 count=${2:-1} timeout=${3:-$PTY_TIMEOUT}
    local deadline=$((SECONDS + timeout)) seen
    while :; do
        seen=$(pty_capture | grep -cF -- "$text")
        ((seen >= count)) && return 0
        ((SECONDS >= deadline)) && return 1
        sleep 0.05
    done
}

# pty_wait_line TEXT [TIMEOUT]: waits until the cursor's line is TEXT (trailing spaces ignored).
pty_wait_line() {
    local text timeout=${2:-$PTY_TIMEOUT}
    text=$(printf '%s' "$1" | sed 's/[[:space:]]*$//')
    local deadline=$((SECONDS + timeout))
    while :; do
        [[ $(pty_current_line) == "$text" ]] && return 0
        ((SECONDS >= deadline)) && return 1
        sleep 0.05
    done
}

# pty_alive: true while the program runs.
pty_alive() {
    [[ ! -e $(pty_status_file) ]] &&
        [[ $(pty_tmux display-message -p -t "$PTY_SESSION" '#{pane_dead}' 2>/dev/null) == 0 ]]
}

# pty_status_file: where the exit status of the program in PTY_SESSION is written.
pty_status_file() {
    echo "$PTY_HOME/.exit-status-$PTY_SESSION"
}

# pty_wait_exit [TIMEOUT]: waits for the program to exit and prints its exit status.
pty_wait_exit() {
    local deadline=$((SECONDS + ${1:-$PTY_TIMEOUT})) file
    file=$(pty_status_file)
    while [[ ! -s $file ]]; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.05
    done
    cat "$file"
}

# pty_pid: the program's process id (the child of the pane's sh).
pty_pid() {
    local pane
    pane=$(pty_tmux display-message -p -t "$PTY_SESSION" '#{pane_pid}') || return 1
    pgrep -P "$pane" | head -n 1
}

# pty_signal SIGNAL: sends SIGNAL (TERM, HUP, TSTP, CONT, ...) to the program, by its process id.
pty_signal() {
    local pid
    pid=$(pty_pid) && [[ -n $pid ]] && kill -s "$1" "$pid"
}

# pty_wait_stopped [TIMEOUT]: waits until the program is stopped (Ctrl-Z).
pty_wait_stopped() {
    local deadline=$((SECONDS + ${1:-$PTY_TIMEOUT})) pid
    pid=$(pty_pid) || return 1
    until [[ $(ps -o stat= -p "$pid") == T* ]]; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.05
    done
}

# pty_resize WIDTH HEIGHT: resizes the terminal (the program gets SIGWINCH).
pty_resize() {
    pty_tmux resize-window -t "$PTY_SESSION" -x "$1" -y "$2"
}

# pty_stop: ends the session (and the program, if it still runs).
pty_stop() {
    pty_tmux kill-session -t "$PTY_SESSION" 2>/dev/null || true
}

# pty_shutdown: ends our private tmux server (only ours: it is addressed by PTY_SOCKET).
pty_shutdown() {
    pty_tmux kill-server 2>/dev/null || true
}
