//! The TUI's terminal conventions in a real pseudo-terminal: Ctrl-Z hands the terminal back and
//! stops the process under a job-control shell, and `fg` brings it back redrawn; a bracketed
//! paste lands on the command line (one line) or runs as a batch (several); the command history
//! is the REPL's file, read at start and appended as each line is entered. Every wait is bounded.
#![cfg(unix)]

use expectrl::WaitStatus;
use std::path::Path;
use std::process::Command;

mod support;

use support::{Tui, crdt_lab};

/// `crdt-lab sandbox orset A B` at 80x24 with its home in `home`.
fn sandbox(home: &Path) -> Tui {
    Tui::spawn(crdt_lab(&["sandbox", "orset", "A", "B"]), home)
}

#[test]
fn ctrl_z_gives_the_terminal_back_stops_and_fg_redraws() {
    let home = tempfile::tempdir().expect("a home");
    // A job-control shell: the lab is its foreground job, Ctrl-Z stops it, the shell says so
    // on the normal screen, then `fg` continues it.
    let script = r#"set -m
"$0" sandbox orset A B
echo "[stopped: status $?]"
sleep 0.3
fg
echo "[the lab ended]""#;
    let mut command = Command::new("bash");
    command.args(["-c", script, env!("CARGO_BIN_EXE_crdt-lab")]);
    let mut tui = Tui::spawn(command, home.path());
    tui.wait_for("network whole");
    tui.send(":A add x\r");
    tui.wait_for("✓ A add x");
    tui.send("\x1b");
    tui.wait_for("press : to type a command");
    tui.send("\x1a");
    tui.wait_for("[stopped: status 148]");
    assert!(
        !tui.screen.screen().alternate_screen(),
        "the shell's screen is back while stopped:\n{}",
        tui.text()
    );
    tui.wait_until("fg to redraw the lab", |t| {
        t.screen.screen().alternate_screen() && t.text().contains("network whole")
    });
    let text = tui.text();
    assert!(text.contains("{x}"), "the lab is as it was:\n{text}");
    assert!(!text.contains("undid"), "Ctrl-Z did not undo:\n{text}");
    tui.send("u");
    tui.wait_for("undid A add x");
    tui.send("q");
    tui.wait_for("[the lab ended]");
    let status = tui.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
}

#[test]
fn a_bracketed_paste_lands_on_the_command_line_or_runs_as_a_batch() {
    let home = tempfile::tempdir().expect("a home");
    let mut tui = sandbox(home.path());
    tui.wait_for("network whole");
    assert!(
        tui.raw_text().contains("\x1b[?2004h"),
        "bracketed paste is switched on"
    );
    tui.send("\x1b[200~A add pasted\x1b[201~");
    tui.wait_for("A › A add pasted");
    assert!(!tui.text().contains("{pasted}"), "one line waits for Enter");
    tui.send("\r");
    tui.wait_for("✓ A add pasted");
    tui.send("\x1b[200~A add x\r\nA add y\nB merge A\nC add z\n\x1b[201~");
    tui.wait_for("ran 4 of 4 pasted lines; 1 refused");
    let text = tui.text();
    assert!(text.contains("{pasted, x, y}"), "{text}");
    tui.send("q");
    tui.finish();
    assert!(
        tui.raw_text().contains("\x1b[?2004l"),
        "bracketed paste is switched off again"
    );
}

#[test]
fn the_command_line_reads_and_appends_the_repls_history_file() {
    let home = tempfile::tempdir().expect("a home");
    let file = home
        .path()
        .join("state")
        .join("crdt-lab")
        .join("history.txt");
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("the state directory");
    std::fs::write(&file, "A add from-the-repl\n").expect("a history");
    let mut tui = sandbox(home.path());
    tui.wait_for("network whole");
    tui.send(":\x1b[A");
    tui.wait_for("A › A add from-the-repl");
    tui.send("\r");
    tui.wait_for("✓ A add from-the-repl");
    tui.send(":B add y\r");
    tui.wait_for("✓ B add y");
    let kept = std::fs::read_to_string(&file).expect("the history file");
    assert!(
        kept.lines().any(|l| l == "B add y"),
        "appended as it was entered, before quitting: {kept:?}"
    );
    assert_eq!(
        kept.matches("A add from-the-repl").count(),
        1,
        "a line entered again is not kept twice: {kept:?}"
    );
    tui.send("\x1b");
    tui.wait_for("press : to type a command");
    tui.send("q");
    tui.finish();
}

#[test]
fn no_mouse_leaves_the_mouse_to_the_terminal_and_m_takes_it() {
    let home = tempfile::tempdir().expect("a home");
    let command = crdt_lab(&["sandbox", "orset", "A", "B", "--no-mouse"]);
    let mut tui = Tui::spawn(command, home.path());
    tui.wait_for("network whole");
    assert_eq!(
        tui.screen.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
    tui.send("M");
    tui.wait_for("the mouse is back");
    assert_ne!(
        tui.screen.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
    tui.send("M");
    tui.wait_for("the mouse is released");
    assert_eq!(
        tui.screen.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
    tui.send("q");
    tui.finish();
}
