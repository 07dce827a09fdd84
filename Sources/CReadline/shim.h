/*
 * CReadline: GNU readline for Ally's interactive shell, behind small C shims.
 *
 * Why shims: readline is configured through mutable C globals (rl_point, rl_line_buffer,
 * rl_attempted_completion_over, ...). Swift 6 strict concurrency rejects every use of a
 * mutable C global, and a signal handler must be plain C anyway, so Swift calls only the
 * `ally_*` functions below (and readline's plain functions such as add_history).
 *
 * Why everything is `static inline`: a system-library target has no C sources of its own.
 * The consequence: the signal state (`ally_signal_state()`) exists once per object file that
 * calls into it, so every `ally_signal_*` function must be called from ONE Swift file
 * (AllyShell/Terminal/SignalPipe.swift). The `ally_rl_*` functions only touch readline's own
 * (extern, single) globals and may be called from anywhere.
 */
#ifndef ALLY_CREADLINE_SHIM_H
#define ALLY_CREADLINE_SHIM_H

#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------------ */
/* Configuration                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* Never produce matches on our behalf: no filename (or user name) fallback. */
static inline char *ally_rl_no_completion_entries(const char *text, int state) {
    (void)text;
    (void)state;
    return NULL;
}

/*
 * One-time set-up. `name` and `word_breaks` must stay alive for the whole process (readline
 * keeps the pointers). Readline's own signal handlers are switched off: the shell handles
 * SIGINT, SIGWINCH, SIGTSTP, SIGHUP and SIGTERM itself (see the signal section below).
 */
static inline void ally_rl_configure(const char *name, const char *word_breaks,
                                     rl_completion_func_t *complete) {
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0; /* do not export LINES/COLUMNS behind the engine's back */
    rl_instream = stdin;
    rl_attempted_completion_function = complete;
    rl_completion_entry_function = ally_rl_no_completion_entries;
    rl_basic_word_break_characters = word_breaks;
    rl_completer_word_break_characters = word_breaks;
    rl_completer_quote_characters = NULL; /* `"` is a word break; readline adds no quotes */
}

/*
 * Where prompts and the edited line go: stdout, or stderr when stdout is redirected to a file
 * (`ally > results.txt`), so that the user still sees what they type and results stay clean.
 */
static inline void ally_rl_set_output(int to_stderr) { rl_outstream = to_stderr ? stderr : stdout; }

/* Writes terminal cosmetics (the newline after Ctrl-D, ...) where readline writes. */
static inline void ally_rl_write(const char *text) {
    FILE *stream = rl_outstream ? rl_outstream : stdout;
    fputs(text, stream);
    fflush(stream);
}

/* ------------------------------------------------------------------------------------------ */
/* Completion (called from inside rl_attempted_completion_function)                          */
/* ------------------------------------------------------------------------------------------ */

/* Readline resets these before every completion; set ours each time. */
static inline void ally_rl_completion_begin(void) {
    rl_attempted_completion_over = 1; /* never fall back to rl_completion_entry_function */
    rl_filename_completion_desired = 0;
    rl_filename_quoting_desired = 0;
    rl_completion_suppress_quote = 1;
}

/* Whether readline appends a space after a single match. */
static inline void ally_rl_completion_set_append_space(int append) {
    rl_completion_append_character = ' ';
    rl_completion_suppress_append = append ? 0 : 1;
}

/* The whole edit buffer (it may hold newlines when a multi-line history entry was recalled). */
static inline const char *ally_rl_line_buffer(void) { return rl_line_buffer ? rl_line_buffer : ""; }
static inline int ally_rl_point(void) { return rl_point; }
static inline int ally_rl_end(void) { return rl_end; }

/* ------------------------------------------------------------------------------------------ */
/* The callback interface                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Preps the terminal and prints the prompt (readline copies `prompt`). */
static inline void ally_rl_install(const char *prompt, rl_vcpfunc_t *line_handler) {
    rl_callback_handler_install(prompt, line_handler);
}

/* Unpreps the terminal; safe to call from inside the line handler. */
static inline void ally_rl_remove(void) { rl_callback_handler_remove(); }

/* Reads and handles the available input; calls the line handler when a line is complete. */
static inline void ally_rl_read_char(void) { rl_callback_read_char(); }

/*
 * Ctrl-C while editing: show `^C` after the text, abandon the line (and any incremental
 * search or numeric argument in progress), move to a new line and unprep the terminal.
 * The caller installs a fresh prompt afterwards.
 */
static inline void ally_rl_cancel_line(void) {
    rl_callback_sigcleanup();
    rl_free_line_state();
    rl_point = rl_end;
    rl_redisplay();
    rl_echo_signal_char(SIGINT);
    rl_crlf();
    rl_replace_line("", 0);
    rl_point = 0;
    rl_mark = 0;
    rl_callback_handler_remove();
}

/* Puts text back into a freshly installed line (after Ctrl-Z) and redraws it. */
static inline void ally_rl_restore_line(const char *text, int point) {
    rl_replace_line(text, 0);
    rl_point = (point >= 0 && point <= rl_end) ? point : rl_end;
    rl_redisplay();
}

/* The terminal changed size (SIGWINCH). */
static inline void ally_rl_resize(void) { rl_resize_terminal(); }

/* Ctrl-Z: stop the process as the default action would, carry on when continued. */
static inline void ally_rl_stop_self(void) {
    struct sigaction default_action, current;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    if (sigaction(SIGTSTP, &default_action, &current) != 0) return;
    raise(SIGTSTP);
    sigaction(SIGTSTP, &current, NULL);
}

/* Output must reach the terminal in order: results before the next prompt. */
static inline void ally_flush_output(void) {
    fflush(stdout);
    fflush(stderr);
}

/* ------------------------------------------------------------------------------------------ */
/* Signals: a self-pipe per phase (call only from SignalPipe.swift, see the top comment)      */
/* ------------------------------------------------------------------------------------------ */

/*
 * The handler only writes the signal number into a pipe (write(2) is async-signal-safe):
 *  - while the user edits, into the "editing" pipe, which the shell loop polls next to stdin;
 *  - while a statement runs, into the "running" pipe, which a watcher thread reads to call
 *    ShellBackend.interrupt(). SIGWINCH always goes to the editing pipe.
 * SIGTSTP is caught only while editing (the shell unpreps the terminal, then stops); while a
 * statement runs it keeps its previous (default) action.
 */
#define ALLY_SIGNAL_COUNT 5

struct ally_signal_state {
    int numbers[ALLY_SIGNAL_COUNT];                 /* the signals handled */
    struct sigaction previous[ALLY_SIGNAL_COUNT];   /* their actions before ally_signal_start */
    int installed[ALLY_SIGNAL_COUNT];               /* whether ours is in place */
    int pipes[4];                                   /* editing read, write; running read, write */
    volatile sig_atomic_t running;                  /* 1 while a statement runs */
};

/*
 * The state lives in a function-local static: Swift emits a header's static inline functions
 * on demand, and file-scope statics they use are not always emitted with them (undefined
 * symbols at link time), while a function's own statics always are.
 */
static inline struct ally_signal_state *ally_signal_state(void) {
    static struct ally_signal_state state = {
        {SIGINT, SIGHUP, SIGTERM, SIGWINCH, SIGTSTP}, {{{0}}}, {0}, {-1, -1, -1, -1}, 0,
    };
    return &state;
}

static inline void ally_signal_handler(int signo) {
    int saved_errno = errno;
    struct ally_signal_state *state = ally_signal_state();
    unsigned char byte = (unsigned char)signo;
    int fd = (state->running && signo != SIGWINCH) ? state->pipes[3] : state->pipes[1];
    if (fd >= 0) {
        ssize_t written = write(fd, &byte, 1); /* a full pipe drops the byte: fine */
        (void)written;
    }
    errno = saved_errno;
}

static inline int ally_signal_make_pipe(int *fds) {
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    }
    return 0;
}

static inline int ally_signal_install_one(int index) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ally_signal_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; /* the engine's file I/O must not see EINTR */
    return sigaction(ally_signal_state()->numbers[index], &action, NULL);
}

/* Creates the pipes and installs the handler. Returns 0, or -1 with errno set. */
static inline int ally_signal_start(void) {
    struct ally_signal_state *state = ally_signal_state();
    if (state->pipes[0] >= 0) return 0;
    if (ally_signal_make_pipe(&state->pipes[0]) != 0) return -1;
    if (ally_signal_make_pipe(&state->pipes[2]) != 0) return -1;
    state->running = 0;
    for (int i = 0; i < ALLY_SIGNAL_COUNT; i++) {
        state->installed[i] = 0;
        if (sigaction(state->numbers[i], NULL, &state->previous[i]) != 0) continue;
        /* Respect an inherited "ignore" (nohup, no job control), except for Ctrl-C. */
        if (state->numbers[i] != SIGINT && state->previous[i].sa_handler == SIG_IGN) continue;
        if (ally_signal_install_one(i) == 0) state->installed[i] = 1;
    }
    return 0;
}

/* Restores the previous actions and closes the pipes. */
static inline void ally_signal_stop(void) {
    struct ally_signal_state *state = ally_signal_state();
    for (int i = 0; i < ALLY_SIGNAL_COUNT; i++) {
        if (state->installed[i]) sigaction(state->numbers[i], &state->previous[i], NULL);
        state->installed[i] = 0;
    }
    for (int i = 0; i < 4; i++) {
        if (state->pipes[i] >= 0) close(state->pipes[i]);
        state->pipes[i] = -1;
    }
}

/* 1 while a statement runs, 0 while the user edits. */
static inline void ally_signal_set_running(int running) {
    struct ally_signal_state *state = ally_signal_state();
    const int tstp = 4; /* index of SIGTSTP in numbers */
    state->running = running ? 1 : 0;
    if (state->installed[tstp]) {
        if (running) sigaction(SIGTSTP, &state->previous[tstp], NULL);
        else ally_signal_install_one(tstp);
    }
}

static inline int ally_signal_editing_fd(void) { return ally_signal_state()->pipes[0]; }
static inline int ally_signal_running_fd(void) { return ally_signal_state()->pipes[2]; }

/* The next signal number waiting in `fd`, or 0 when there is none. */
static inline int ally_signal_take(int fd) {
    unsigned char byte;
    ssize_t got = read(fd, &byte, 1);
    return got == 1 ? (int)byte : 0;
}

/* Hands a signal seen while running over to the shell loop (e.g. SIGHUP: leave after the statement). */
static inline void ally_signal_forward_to_editing(int signo) {
    unsigned char byte = (unsigned char)signo;
    int fd = ally_signal_state()->pipes[1];
    if (fd >= 0) {
        ssize_t written = write(fd, &byte, 1);
        (void)written;
    }
}

/*
 * Waits until `input_fd` or the editing signal pipe is readable.
 * Returns a bit set (1: input, 2: signal), 0 when interrupted, -1 on error (errno set).
 */
static inline int ally_signal_wait(int input_fd) {
    struct pollfd fds[2];
    fds[0].fd = input_fd;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    fds[1].fd = ally_signal_state()->pipes[0];
    fds[1].events = POLLIN;
    fds[1].revents = 0;
    int ready = poll(fds, 2, -1);
    if (ready < 0) return errno == EINTR ? 0 : -1;
    int result = 0;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) result |= 1;
    if (fds[1].revents & POLLIN) result |= 2;
    return result;
}

#endif /* ALLY_CREADLINE_SHIM_H */
