# shellcheck shell=bash
# Cases for the real `ally` shell, run by ../run-pty-tests (default binary: .build/debug/ally).
# Every case starts `ally --empty --today 2026-01-15` with a small portfolio defined in the
# start-up file ~/.allyrc (HOME is the case's scratch folder), so completion candidates are known.
# Completion cases type a word, press Tab, then type `X`: the line shows exactly what Tab
# inserted, including the one space after a single match.

PTY_ARGS+=(--empty --today 2026-01-15)

write_rc() {
    cat >"$PTY_HOME/.allyrc" <<'ALLY'
partner mercy { name: "Mercy Health", kind: health_system, region: "US-Midwest", country: "US", home: true }
partner medtech { name: "MedTech GmbH", kind: device_maker, region: "EU", country: "DE" }
partner stateu { name: "State University", kind: academic, country: "US" }
agreement research { title: "Device Research", form: consortium, status: active, parties: [stateu, medtech], value: 1.2M }
stakeholder ann { name: "Ann Lee", org: mercy, group: executive, influence: 5, interest: 5 }
metric total_value = agreements | summarize sum(value)
ALLY
}

start() {
    write_rc
    pty_start "$@" || fail "no prompt"
}

# ---- completion -----------------------------------------------------------------------------

case_completes_statement_keyword() {
    start
    pty_type "compa"; pty_send Tab; pty_type "X"
    expect_line "ally> compare X"
}

case_completes_stage_after_pipe() {
    start
    pty_type "partners | wh"; pty_send Tab; pty_type "X"
    expect_line "ally> partners | where X"
}

case_completes_field_of_entity_in_scope() {
    start
    pty_type "partners | where regi"; pty_send Tab; pty_type "X"
    expect_line "ally> partners | where region X"
}

case_completes_computed_field_after_relation_stage() {
    start
    pty_type "partners | agreements | where health_s"; pty_send Tab; pty_type "X"
    expect_line "ally> partners | agreements | where health_score X"
}

case_completes_enum_case_after_comparison() {
    start
    pty_type "partners | where kind == acad"; pty_send Tab; pty_type "X"
    expect_line "ally> partners | where kind == academic X"
}

case_completes_partner_id() {
    start
    pty_type "partner me"; pty_send Tab Tab # two candidates: Tab Tab lists them
    expect_screen "medtech  mercy"
    expect_line "ally> partner me"
    pty_type "r"; pty_send Tab; pty_type "X"
    expect_line "ally> partner mercy X"
}

case_completes_scenario_after_use() {
    start
    pty_type "use bas"; pty_send Tab; pty_type "X"
    expect_line "ally> use baseline X"
}

case_completes_metric_after_on() {
    start
    pty_type "compare baseline, baseline on tot"; pty_send Tab; pty_type "X"
    expect_line "ally> compare baseline, baseline on total_value X"
}

case_completes_dot_command_and_argument() {
    start
    pty_type ".form"; pty_send Tab; pty_type "js"; pty_send Tab; pty_type "X"
    expect_line "ally> .format json X"
}

case_completes_file_names_only_inside_load_string() {
    : >"$PTY_HOME/zzz_file.ally"
    start
    pty_type 'load "zzz'; pty_send Tab; pty_type "X"
    expect_line 'ally> load "zzz_file.ally"X' # readline closes the string after a whole file name
    pty_send C-u; pty_type "zzz"; pty_send Tab; pty_type "X"
    expect_line "ally> zzzX"
    pty_send C-u; pty_type 'partners | where name == "zzz'; pty_send Tab; pty_type "X"
    expect_line 'ally> partners | where name == "zzzX'
}

case_completes_on_continuation_line() {
    start
    pty_type "partners |"; pty_send Enter
    expect_line "...>"
    pty_type "where kind == hos"; pty_send Tab; pty_type "X"
    expect_line "...> where kind == hospital X"
}

# ---- multi-line statements ------------------------------------------------------------------

case_trailing_pipe_shows_continuation_prompt() {
    start
    pty_type "partners |"; pty_send Enter
    expect_line "...>"
    pty_type "where kind == academic | select id"; pty_send Enter
    expect_screen "│ stateu │"
    expect_line "ally>"
}

case_open_brace_continues_a_definition() {
    start
    pty_type "partner p1 {"; pty_send Enter
    expect_line "...>"
    pty_type 'name: "P", kind: clinic'; pty_send Enter
    expect_line "...>"
    pty_type "}"; pty_send Enter
    expect_screen "defined partner p1"
    pty_type "partners | count"; pty_send Enter
    expect_line "ally>"
    expect_screen "4"
}

case_up_recalls_multiline_statement_as_one() {
    start
    pty_type "partners |"; pty_send Enter
    pty_type "where kind == academic | count"; pty_send Enter
    expect_line "ally>"
    pty_send Up
    expect_line "where kind == academic | count"
    expect_screen "ally> partners |" 2
    pty_send Enter
    expect_line "ally>"
    [[ $(pty_capture | grep -cx '1') == 2 ]] || fail "the recalled statement did not run again"
}

case_pasted_statements_all_run_in_order() {
    start
    pty_type $'partners | count\nagreements | count\nstakeholders | count\n'
    expect_line "ally>"
    local results
    results=$(pty_capture | grep -E '^[0-9]+$' | tr '\n' ';')
    [[ $results == "3;1;1;" ]] || fail "results in this order: $results"
}

# ---- Ctrl-C and Ctrl-D ----------------------------------------------------------------------

case_ctrl_c_clears_half_typed_line() {
    start
    pty_type "partners | wh"
    expect_line "ally> partners | wh"
    pty_send C-c
    expect_line "ally>"
    expect_alive
    pty_type "agreements | count"; pty_send Enter
    expect_screen "1"
    expect_line "ally>"
}

case_ctrl_c_clears_continuation() {
    start
    pty_type "partners |"; pty_send Enter
    expect_line "...>"
    pty_type "where kind == acad"
    pty_send C-c
    expect_line "ally>"
    expect_alive
    pty_type "partners | count"; pty_send Enter
    expect_screen "3"
    expect_line "ally>"
    expect_absent "acadpartners"
}

# now_ms: the wall clock in milliseconds.
now_ms() { date +%s%3N; }

# start_big N [VAR=VALUE...]: the shell on a generated portfolio of N partners, generated once
# per run and shared by the cases. Work that must outlast a sleep runs `centrality exact` on
# 30,000 partners: many seconds on two cores, whatever the build.
big_portfolio() {
    local data="${PTY_HOME%/*}/big-$1.ally"
    if [[ ! -s $data ]]; then
        "$PTY_BIN" generate --partners "$1" --seed 3 --today 2026-01-15 >"$data.tmp" || fail "generate failed"
        mv "$data.tmp" "$data"
    fi
    echo "$data"
}
start_big() {
    local data
    data=$(big_portfolio "$1") || fail "generate failed"
    shift
    PTY_ARGS+=(--data "$data")
    PTY_TIMEOUT=120 pty_start "$@" || fail "no prompt"
}

# ctrl_c_stops_within MS: Ctrl-C, then the statement reports it changed nothing within MS.
ctrl_c_stops_within() {
    local sent waited
    sent=$(now_ms)
    pty_send C-c
    PTY_TIMEOUT=3 expect_screen "interrupted: the statement changed nothing"
    waited=$(($(now_ms) - sent))
    ((waited < $1)) || fail "the statement stopped ${waited} ms after Ctrl-C (over $1 ms)"
}

case_ctrl_c_cancels_running_statement() {
    start_big 30000
    pty_type "let hubs = partners | centrality exact | where betweenness > 0 | count"; pty_send Enter
    sleep 1
    expect_absent "interrupted"
    ctrl_c_stops_within 1000
    expect_line "ally>"
    expect_alive
    pty_type "hubs"; pty_send Enter # the interrupted let bound nothing
    expect_screen "unknown name"
    pty_type "partners | count"; pty_send Enter
    expect_screen "30,000"
    expect_line "ally>"
}

case_ctrl_c_cancels_sampled_centrality() {
    # 30,000 partners, 20,000 sampled sources: many seconds; Ctrl-C stops every worker thread.
    start_big 30000
    pty_type "partners | centrality sample 20000 | count"; pty_send Enter
    sleep 2
    expect_absent "interrupted"
    ctrl_c_stops_within 1000
    expect_line "ally>"
    expect_alive
}

case_ctrl_c_cancels_exits() {
    # 30,000 partners on one thread: an exits ranking takes many seconds, in any build.
    start_big 30000 ALLY_THREADS=1
    pty_type "metric av = agreements | where status == active | summarize sum(value)"; pty_send Enter
    expect_line "ally>"
    pty_type "let ranked = exits rank by av"; pty_send Enter
    PTY_TIMEOUT=20 expect_screen "exits: "
    expect_absent "interrupted"
    ctrl_c_stops_within 500
    expect_line "ally>"
    expect_alive
    pty_type "ranked"; pty_send Enter # the interrupted let bound nothing
    expect_screen "unknown name"
    pty_type "let kept = scenarios | count"; pty_send Enter
    pty_type "print \"scenarios: \" + kept"; pty_send Enter
    expect_screen "scenarios: 1"
    pty_type "partners | count"; pty_send Enter
    expect_screen "30,000"
}

# ---- progress on long work (issue #26 §3) ----------------------------------------------------

case_progress_line_while_centrality_runs() {
    start_big 30000
    pty_type "partners | centrality exact | count"; pty_send Enter
    PTY_TIMEOUT=20 expect_screen "centrality: "
    expect_screen " sources, "
    pty_send C-c # the line is erased however the work ends
    PTY_TIMEOUT=3 expect_screen "interrupted: the statement changed nothing"
    expect_line "ally>"
    expect_absent "centrality: "
}

case_no_progress_line_with_ally_progress_0_or_stderr_a_file() {
    local data
    data=$(big_portfolio 30000) || fail "generate failed"
    # stderr a file (not a terminal): the note only, no indicator.
    "$PTY_BIN" --today 2026-01-15 --data "$data" -c "partners | centrality sample 800 | count" \
        >"$PTY_HOME/out" 2>"$PTY_HOME/err" || fail "ally failed"
    ! grep -q $'\r' "$PTY_HOME/err" || fail "a progress line was written to a file"
    grep -q "estimated from 800 of 30,000" "$PTY_HOME/err" || fail "no note on stderr"
    start_big 30000 ALLY_PROGRESS=0
    pty_type "partners | centrality exact | count"; pty_send Enter
    sleep 3
    expect_absent "centrality: "
    pty_send C-c
    PTY_TIMEOUT=3 expect_screen "interrupted: the statement changed nothing"
}

# more_stakeholders: a CSV of 600,000 stakeholders (with ties) of big_portfolio 30000's
# partners, under new ids: its stakeholders copied twice, ids and ties prefixed `t` and `u`.
# An import of it runs for seconds in any build (a release build on a quiet machine: about 2 s).
more_stakeholders() {
    local data csv="${PTY_HOME%/*}/more-stakeholders.csv"
    if [[ ! -s $csv ]]; then
        data=$(big_portfolio 30000) || fail "generate failed"
        (cd "$PTY_HOME" && "$PTY_BIN" --today 2026-01-15 --data "$data" -c 'export stakeholders to "own.csv"') ||
            fail "export failed"
        # (The export ends its records with CR LF.)
        awk -F, -v OFS=, '{ sub(/\r$/, "") } NR == 1 { print; next }
            { for (copy = 0; copy < 2; copy++) {
                p = copy ? "u" : "t"; line = $0; out = ""
                if ($NF != "") { n = split($NF, ties, ";"); for (i = 1; i <= n; i++) out = out (i > 1 ? ";" : "") p ties[i] }
                $1 = p $1; $NF = out; print; $0 = line } }' "$PTY_HOME/own.csv" >"$csv.tmp" || fail "awk failed"
        mv "$csv.tmp" "$csv"
    fi
    echo "$csv"
}

case_progress_line_while_import_runs() {
    local csv
    csv=$(more_stakeholders) || fail "no CSV"
    start_big 30000
    pty_type "import stakeholders from \"$csv\""; pty_send Enter
    PTY_TIMEOUT=30 expect_screen "importing more-stakeholders.csv: "
    expect_screen " rows ("
    PTY_TIMEOUT=300 expect_screen "imported 600000 stakeholders" # a debug build on a busy machine: a minute or more
    expect_line "ally>"
    expect_absent "importing more-stakeholders.csv: " # erased before the confirmation
}

case_no_progress_line_during_import_with_ally_progress_0_or_stderr_a_file() {
    local csv data
    csv=$(more_stakeholders) || fail "no CSV"
    data=$(big_portfolio 30000) || fail "generate failed"
    # stderr a file (not a terminal): the confirmation only, no indicator.
    "$PTY_BIN" --today 2026-01-15 --data "$data" -c ".timer on" -c "import stakeholders from \"$csv\"" \
        >"$PTY_HOME/out" 2>"$PTY_HOME/err" || fail "ally failed: $(cat "$PTY_HOME/err")"
    local ms
    ms=$(sed -n 's/^time: \([0-9]*\)\..* ms$/\1/p' "$PTY_HOME/err" | tail -1)
    ((ms > 1200)) || fail "the import took $ms ms: too short to show whether an indicator would be drawn"
    ! grep -q $'\r' "$PTY_HOME/err" || fail "a progress line was written to a file"
    ! grep -q "importing" "$PTY_HOME/err" || fail "progress text in the file: $(cat -A "$PTY_HOME/err" | head -3)"
    start_big 30000 ALLY_PROGRESS=0
    pty_type "import stakeholders from \"$csv\""; pty_send Enter
    PTY_TIMEOUT=300 expect_screen "imported 600000 stakeholders" # a debug build on a busy machine: a minute or more
    expect_absent "importing more-stakeholders.csv: "
    expect_line "ally>"
}

# SIGTERM and SIGHUP end the shell as they end other shells (exit 128 + the signal number),
# with the history of the session saved.
signal_leaves_and_saves_history() {  # signal_leaves_and_saves_history SIGNAL STATUS
    start
    pty_type "agreements | count"; pty_send Enter
    expect_line "ally>"
    pty_type "partners | wh" # a half-typed line is not history
    pty_signal "$1"
    expect_exit "$2"
    [[ $(cat "$PTY_HOME/history" 2>/dev/null) == "agreements | count" ]] ||
        fail "history file holds: $(cat -A "$PTY_HOME/history" 2>/dev/null)"
}

case_sigterm_leaves_with_143_and_saves_history() {
    signal_leaves_and_saves_history TERM 143
}

case_sighup_leaves_with_129_and_saves_history() {
    signal_leaves_and_saves_history HUP 129
}

case_sigterm_while_running_cancels_and_leaves() {
    start_big 30000
    pty_type "partners | centrality exact | count"; pty_send Enter
    sleep 1
    pty_signal TERM
    PTY_TIMEOUT=3 expect_exit 143
    [[ $(cat "$PTY_HOME/history" 2>/dev/null) == "partners | centrality exact | count" ]] ||
        fail "history file holds: $(cat -A "$PTY_HOME/history" 2>/dev/null)"
}

case_ctrl_d_on_empty_line_exits_and_saves_history() {
    start
    pty_type "partners |"; pty_send Enter
    pty_type "where kind == academic | count"; pty_send Enter
    pty_type "agreements | count"; pty_send Enter
    pty_type "agreements | count"; pty_send Enter # an immediate duplicate
    expect_line "ally>"
    pty_send C-d
    expect_exit 0
    local file=$PTY_HOME/history
    [[ -f $file ]] || fail "no history file"
    [[ $(stat -c %a "$file") == 600 ]] || fail "history file mode $(stat -c %a "$file")"
    local expected
    expected=$(printf '%s\n' 'partners |\nwhere kind == academic | count' 'agreements | count')
    [[ $(cat "$file") == "$expected" ]] || fail "history file holds: $(cat -A "$file")"
}

case_new_session_sees_previous_history() {
    start
    pty_type "stakeholders | count"; pty_send Enter
    expect_line "ally>"
    pty_send C-d
    expect_exit 0
    pty_stop
    start
    pty_send Up
    expect_line "ally> stakeholders | count"
    pty_send C-u
    pty_type ".history"; pty_send Enter
    expect_screen "    1  stakeholders | count"
}

# ---- prompt and output ----------------------------------------------------------------------

case_prompt_shows_scenario_and_changes() {
    start
    pty_type "scenario no_medtech"; pty_send Enter
    expect_line "ally[no_medtech]>"
    pty_type "remove partner medtech"; pty_send Enter
    expect_screen "removed 1 partner; 1 agreement terminated"
    expect_line "ally[no_medtech*]>"
    pty_type "use baseline"; pty_send Enter
    expect_line "ally>"
}

case_quit_with_unsaved_scenarios_asks_once() {
    start
    # What the start-up file defined is not unsaved work: Ctrl-D would leave at once.
    pty_type "scenario no_medtech"; pty_send Enter
    pty_type "remove partner medtech"; pty_send Enter
    expect_line "ally[no_medtech*]>"
    pty_type ".quit"; pty_send Enter
    expect_screen '1 scenario has unsaved changes; .quit again to leave, or save scenarios to "F.ally"'
    expect_alive
    pty_type "save scenarios to \"all.ally\""; pty_send Enter
    expect_screen "saved 2 scenarios to all.ally"
    pty_type "update partner mercy set notes = \"x\""; pty_send Enter
    expect_line "ally[no_medtech*]>"
    pty_send C-d
    expect_screen "1 scenario has unsaved changes"
    expect_alive
    pty_send C-d
    expect_exit 0
    grep -q "scenario no_medtech from baseline" "$PTY_HOME/all.ally" || fail "all.ally holds: $(cat "$PTY_HOME/all.ally")"
}

case_quit_without_changes_leaves_at_once() {
    start
    pty_type "partners | count"; pty_send Enter
    pty_type ".quit"; pty_send Enter
    expect_exit 0
}

case_errors_show_caret_and_prompt_follows() {
    start
    pty_type "partners | where regoin == 1"; pty_send Enter
    expect_screen "is not a field of partner"
    expect_screen "did you mean \`region\`?"
    expect_line "ally>"
    pty_type "partners | count"; pty_send Enter
    expect_line "ally>"
}

case_startup_line_says_what_is_loaded_and_how_to_get_help() {
    start
    expect_screen "no data (--empty) (3 partners, 1 agreement, 1 stakeholder), today 2026-01-15. Type .help for help, .quit to leave."
    expect_line "ally>"
}

case_help_exit_quit_and_question_mark_point_to_dot_commands() {
    start
    pty_type "help"; pty_send Enter
    expect_screen "type \`.help\` for the statements"
    pty_type "?"; pty_send Enter
    expect_screen "\`.help NAME\`"
    pty_type "exit"; pty_send Enter
    expect_screen "type \`.quit\` (or press Ctrl-D) to leave"
    pty_type "quit"; pty_send Enter
    expect_line "ally>"
    pty_alive || fail "quit without a dot left the shell"
    pty_type "partners | summarize n = count()"; pty_send Enter
    expect_screen "(1 row)"
}

case_line_starting_with_pipe_says_to_end_the_previous_line_with_pipe() {
    start
    pty_type "partners"; pty_send Enter
    pty_type "| where kind == academic"; pty_send Enter
    expect_screen "a line cannot start with \`|\` at the prompt"
    expect_screen "end the previous line with \`|\`"
    expect_line "ally>"
}

case_help_and_schema() {
    start
    pty_type ".help balance"; pty_send Enter
    expect_screen "decision_share"
    pty_type ".schema stakeholder"; pty_send Enter
    expect_screen "quadrant"
    expect_line "ally>"
}

# ---- long results -----------------------------------------------------------------------------

case_long_table_shows_first_and_last_rows_and_last_shows_all() {
    "$PTY_BIN" generate --partners 200 --seed 3 --today 2026-01-15 >"$PTY_HOME/mid.ally" || fail "generate failed"
    PTY_ARGS+=(--data "$PTY_HOME/mid.ally")
    PTY_HEIGHT=60 pty_start PAGER=cat || fail "no prompt"
    pty_type "partners | select id | sort id"; pty_send Enter
    expect_screen "(200 rows, 160 left out: \`.last\` shows them all)"
    expect_screen "│ …"
    expect_screen "│ p0 "
    expect_screen "│ p99 " # the last row in id order
    expect_absent "│ p50 "
    pty_type ".last"; pty_send Enter
    expect_screen "(200 rows)"
    expect_screen "│ p50 "
    pty_type ".maxrows 0"; pty_send Enter
    pty_type "partners | where starts_with(id, \"p1\") | select id"; pty_send Enter
    expect_screen "(111 rows)"
    expect_line "ally>"
}

# ---- completion in context ----------------------------------------------------------------------

case_completes_columns_made_by_summarize() {
    start
    pty_type "agreements | summarize amt = sum(value) by form | sort fo"; pty_send Tab; pty_type "X"
    expect_line "ally> agreements | summarize amt = sum(value) by form | sort form X"
    pty_send C-u; pty_type "agreements | summarize amt = sum(value) by form | sort am"; pty_send Tab; pty_type "X"
    expect_line "ally> agreements | summarize amt = sum(value) by form | sort amt X"
    pty_send C-u; pty_type "partners | select id, xq = name | where x"; pty_send Tab; pty_type "X"
    expect_line "ally> partners | select id, xq = name | where xq X"
}

case_completes_enum_cases_after_set() {
    start
    pty_type "update agreements set status = termi"; pty_send Tab; pty_type "X"
    expect_line "ally> update agreements set status = terminated X"
}

case_completes_within_after_renewals_and_timer_arguments() {
    start
    pty_type "renewals w"; pty_send Tab; pty_type "X"
    expect_line "ally> renewals within X"
    pty_send C-u; pty_type ".timer o"; pty_send Tab Tab
    expect_screen "off  on"
    pty_send C-u; pty_type ".help starts_w"; pty_send Tab; pty_type "X"
    expect_line "ally> .help starts_with X"
}

case_completes_only_stages_that_take_the_rows() {
    start
    pty_type "partners | ti"; pty_send Tab; pty_type "X"
    expect_line "ally> partners | tiX" # timeline takes agreements
    pty_send C-u; pty_type "agreements | ti"; pty_send Tab; pty_type "X"
    expect_line "ally> agreements | timeline X"
    pty_send C-u; pty_type "partners | ce"; pty_send Tab; pty_type "X"
    expect_line "ally> partners | centrality X"
    pty_send C-u; pty_type "agreements | count"; pty_send Enter
    expect_line "ally>"
}

case_completes_only_agreements_of_the_party_removed() {
    write_rc
    cat >>"$PTY_HOME/.allyrc" <<'ALLY'
agreement rx_mou { title: "Mercy and MedTech", form: mou, parties: [mercy, medtech] }
agreement rx_lab { title: "State lab", form: mou, parties: [mercy, stateu] }
ALLY
    pty_start || fail "no prompt"
    pty_type "remove party medtech from rx"; pty_send Tab; pty_type "X"
    expect_line "ally> remove party medtech from rx_mou X" # rx_lab is not medtech's
    pty_send C-u; pty_type "remove party stateu from r"; pty_send Tab Tab
    expect_screen "research  rx_lab"
}
