/*
 * The one definition of the shell's C layer (see include/CReadline.h for why it exists and why
 * it is a .c file). The signal state below is file-scope: one copy in the process, whatever the
 * build mode.
 */
#include "CReadline.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* ---- Configuration ------------------------------------------------------------------------ */

/* Never produce matches on our behalf: no filename (or user name) fallback. */
static char *no_completion_entries(const char *text, int state) {
    (void)text;
    (void)state;
    return NULL;
}

void ally_rl_configure(const char *name, const char *word_breaks, rl_completion_func_t *complete) {
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0; /* do not export LINES/COLUMNS behind the engine's back */
    rl_instream = stdin;
    rl_attempted_completion_function = complete;
    rl_completion_entry_function = no_completion_entries;
    rl_basic_word_break_characters = word_breaks;
    rl_completer_word_break_characters = word_breaks;
    rl_completer_quote_characters = NULL; /* `"` is a word break; readline adds no quotes */
}

void ally_rl_set_output(int to_stderr) { rl_outstream = to_stderr ? stderr : stdout; }

void ally_rl_write(const char *text) {
    FILE *stream = rl_outstream ? rl_outstream : stdout;
    fputs(text, stream);
    fflush(stream);
}

/* ---- Completion --------------------------------------------------------------------------- */

void ally_rl_completion_begin(void) {
    rl_attempted_completion_over = 1; /* never fall back to rl_completion_entry_function */
    rl_filename_completion_desired = 0;
    rl_filename_quoting_desired = 0;
    rl_completion_suppress_quote = 1;
}

void ally_rl_completion_set_append_space(int append) {
    rl_completion_append_character = ' ';
    rl_completion_suppress_append = append ? 0 : 1;
}

const char *ally_rl_line_buffer(void) { return rl_line_buffer ? rl_line_buffer : ""; }
int ally_rl_point(void) { return rl_point; }
int ally_rl_end(void) { return rl_end; }

/* ---- The callback interface --------------------------------------------------------------- */

void ally_rl_install(const char *prompt, rl_vcpfunc_t *line_handler) {
    rl_callback_handler_install(prompt, line_handler);
}

void ally_rl_remove(void) { rl_callback_handler_remove(); }

void ally_rl_read_char(void) { rl_callback_read_char(); }

void ally_rl_cancel_line(void) {
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

void ally_rl_restore_line(const char *text, int point) {
    rl_replace_line(text, 0);
    rl_point = (point >= 0 && point <= rl_end) ? point : rl_end;
    rl_redisplay();
}

void ally_rl_resize(void) { rl_resize_terminal(); }

void ally_rl_stop_self(void) {
    struct sigaction default_action, current;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    if (sigaction(SIGTSTP, &default_action, &current) != 0) return;
    raise(SIGTSTP);
    sigaction(SIGTSTP, &current, NULL);
}

void ally_flush_output(void) {
    fflush(stdout);
    fflush(stderr);
}

/* ---- Signals ------------------------------------------------------------------------------ */

enum { SIGNAL_COUNT = 5, TSTP_INDEX = 4 };

static const int handled[SIGNAL_COUNT] = {SIGINT, SIGHUP, SIGTERM, SIGWINCH, SIGTSTP};
static struct sigaction previous[SIGNAL_COUNT]; /* their actions before ally_signal_start */
static int installed[SIGNAL_COUNT];             /* whether ours is in place */
static int pipes[4] = {-1, -1, -1, -1};         /* editing read, write; running read, write */
static volatile sig_atomic_t running;           /* 1 while a statement runs */

static void signal_handler(int signo) {
    int saved_errno = errno;
    unsigned char byte = (unsigned char)signo;
    int fd = (running && signo != SIGWINCH) ? pipes[3] : pipes[1];
    if (fd >= 0) {
        ssize_t written = write(fd, &byte, 1); /* a full pipe drops the byte: fine */
        (void)written;
    }
    errno = saved_errno;
}

static int make_pipe(int *fds) {
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    }
    return 0;
}

static int install_one(int index) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = signal_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; /* the engine's file I/O must not see EINTR */
    return sigaction(handled[index], &action, NULL);
}

int ally_signal_start(void) {
    if (pipes[0] >= 0) return 0;
    if (make_pipe(&pipes[0]) != 0) return -1;
    if (make_pipe(&pipes[2]) != 0) return -1;
    running = 0;
    for (int i = 0; i < SIGNAL_COUNT; i++) {
        installed[i] = 0;
        if (sigaction(handled[i], NULL, &previous[i]) != 0) continue;
        /* Respect an inherited "ignore" (nohup, no job control), except for Ctrl-C. */
        if (handled[i] != SIGINT && previous[i].sa_handler == SIG_IGN) continue;
        if (install_one(i) == 0) installed[i] = 1;
    }
    return 0;
}

void ally_signal_stop(void) {
    for (int i = 0; i < SIGNAL_COUNT; i++) {
        if (installed[i]) sigaction(handled[i], &previous[i], NULL);
        installed[i] = 0;
    }
    for (int i = 0; i < 4; i++) {
        if (pipes[i] >= 0) close(pipes[i]);
        pipes[i] = -1;
    }
}

void ally_signal_set_running(int now_running) {
    running = now_running ? 1 : 0;
    if (installed[TSTP_INDEX]) {
        if (now_running) sigaction(SIGTSTP, &previous[TSTP_INDEX], NULL);
        else install_one(TSTP_INDEX);
    }
}

int ally_signal_editing_fd(void) { return pipes[0]; }
int ally_signal_running_fd(void) { return pipes[2]; }

int ally_signal_take(int fd) {
    unsigned char byte;
    ssize_t got = read(fd, &byte, 1);
    return got == 1 ? (int)byte : 0;
}

void ally_signal_forward_to_editing(int signo) {
    unsigned char byte = (unsigned char)signo;
    int fd = pipes[1];
    if (fd >= 0) {
        ssize_t written = write(fd, &byte, 1);
        (void)written;
    }
}

int ally_signal_wait(int input_fd) {
    struct pollfd fds[2];
    fds[0].fd = input_fd;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    fds[1].fd = pipes[0];
    fds[1].events = POLLIN;
    fds[1].revents = 0;
    int ready = poll(fds, 2, -1);
    if (ready < 0) return errno == EINTR ? 0 : -1;
    int result = 0;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) result |= 1;
    if (fds[1].revents & POLLIN) result |= 2;
    return result;
}
