/*
 * CReadline: GNU readline for Ally's interactive shell, behind small C functions.
 *
 * Why a C layer: readline is configured through mutable C globals (rl_point, rl_line_buffer,
 * rl_attempted_completion_over, ...). Swift 6 strict concurrency rejects every use of a
 * mutable C global, and a signal handler must be plain C anyway, so Swift calls only the
 * `ally_*` functions below (and readline's plain functions such as add_history).
 *
 * Why a real C target (a .c file) and not header-only inline functions: the shell's signal
 * state (the self-pipes and the saved actions) must exist exactly once in the process. A
 * `static` inside a header's inline function exists once per object file that uses it, and
 * which copies the optimizer keeps differs between debug and release builds: the release
 * shell once wrote Ctrl-C into one copy of the pipe while polling another. CReadline.c owns
 * that state; this header only declares.
 */
#ifndef ALLY_CREADLINE_H
#define ALLY_CREADLINE_H

#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/* ---- Configuration ------------------------------------------------------------------------ */

/*
 * One-time set-up. `name` and `word_breaks` must stay alive for the whole process (readline
 * keeps the pointers). Readline's own signal handlers are switched off: the shell handles
 * SIGINT, SIGWINCH, SIGTSTP, SIGHUP and SIGTERM itself (see the signal section below).
 */
void ally_rl_configure(const char *name, const char *word_breaks, rl_completion_func_t *complete);

/*
 * Where prompts and the edited line go: stdout, or stderr when stdout is redirected to a file
 * (`ally > results.txt`), so that the user still sees what they type and results stay clean.
 */
void ally_rl_set_output(int to_stderr);

/* Writes terminal cosmetics (the newline after Ctrl-D, ...) where readline writes. */
void ally_rl_write(const char *text);

/* ---- Completion (called from inside rl_attempted_completion_function) -------------------- */

/* Readline resets these before every completion; set ours each time. */
void ally_rl_completion_begin(void);

/* Whether readline appends a space after a single match. */
void ally_rl_completion_set_append_space(int append);

/* The whole edit buffer (it may hold newlines when a multi-line history entry was recalled). */
const char *ally_rl_line_buffer(void);
int ally_rl_point(void);
int ally_rl_end(void);

/* ---- The callback interface --------------------------------------------------------------- */

/* Preps the terminal and prints the prompt (readline copies `prompt`). */
void ally_rl_install(const char *prompt, rl_vcpfunc_t *line_handler);

/* Unpreps the terminal; safe to call from inside the line handler. */
void ally_rl_remove(void);

/* Reads and handles the available input; calls the line handler when a line is complete. */
void ally_rl_read_char(void);

/*
 * Ctrl-C while editing: show `^C` after the text, abandon the line (and any incremental
 * search or numeric argument in progress), move to a new line and unprep the terminal.
 * The caller installs a fresh prompt afterwards.
 */
void ally_rl_cancel_line(void);

/* Puts text back into a freshly installed line (after Ctrl-Z) and redraws it. */
void ally_rl_restore_line(const char *text, int point);

/* The terminal changed size (SIGWINCH). */
void ally_rl_resize(void);

/* Ctrl-Z: stop the process as the default action would, carry on when continued. */
void ally_rl_stop_self(void);

/* Output must reach the terminal in order: results before the next prompt. */
void ally_flush_output(void);

/* ---- Signals: a self-pipe per phase -------------------------------------------------------- */

/*
 * The handler only writes the signal number into a pipe (write(2) is async-signal-safe):
 *  - while the user edits, into the "editing" pipe, which the shell loop polls next to stdin;
 *  - while a statement runs, into the "running" pipe, which a watcher thread reads to call
 *    ShellBackend.interrupt(). SIGWINCH always goes to the editing pipe.
 * SIGTSTP is caught only while editing (the shell unpreps the terminal, then stops); while a
 * statement runs it keeps its previous (default) action.
 */

/* Creates the pipes and installs the handler. Returns 0, or -1 with errno set. */
int ally_signal_start(void);

/* Restores the previous actions and closes the pipes. */
void ally_signal_stop(void);

/* 1 while a statement runs, 0 while the user edits. */
void ally_signal_set_running(int running);

int ally_signal_editing_fd(void);
int ally_signal_running_fd(void);

/* The next signal number waiting in `fd`, or 0 when there is none. */
int ally_signal_take(int fd);

/* Hands a signal seen while running over to the shell loop (e.g. SIGHUP: leave after the statement). */
void ally_signal_forward_to_editing(int signo);

/*
 * Waits until `input_fd` or the editing signal pipe is readable.
 * Returns a bit set (1: input, 2: signal), 0 when interrupted, -1 on error (errno set).
 */
int ally_signal_wait(int input_fd);

#endif /* ALLY_CREADLINE_H */
