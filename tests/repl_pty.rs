//! The real `crdt-lab repl` in a pseudo-terminal: type commands, see the table, Tab-complete, Ctrl-D.

use expectrl::{ControlCode, Regex, Session};
use std::process::Command;
use std::time::Duration;

fn spawn() -> Session {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crdt-lab"));
    cmd.arg("repl")
        .env("NO_COLOR", "1")
        .env("HOME", std::env::temp_dir().join("crdt-lab-pty-home"));
    let mut session = Session::spawn(cmd).expect("the repl starts");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

#[test]
fn type_commands_see_tables_complete_with_tab_and_quit_with_ctrl_d() {
    let mut s = spawn();
    s.expect("crdt> ").expect("a prompt");
    s.send_line("A add x").unwrap();
    s.expect(Regex(r"live\s+.\s+\{x: \{a1\}\}"))
        .expect("the state table shows A's tag a1");
    s.expect("crdt> ").unwrap();
    s.send_line("sync").unwrap();
    s.expect("crdt> ").unwrap();
    // Tab completes a command word: "expl" + Tab becomes "explain".
    s.send("expl").unwrap();
    s.send(ControlCode::HorizontalTabulation).unwrap();
    s.send_line(" x").unwrap();
    s.expect("on B, x is present: its live tags are {a1}")
        .expect("explain ran after completion");
    s.expect("crdt> ").unwrap();
    s.send_line("A remve x").unwrap();
    s.expect("did you mean remove?").expect("a friendly error");
    s.expect("crdt> ").unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    s.expect(expectrl::Eof).expect("Ctrl-D exits");
    let status = s.get_process_mut().wait().expect("the process ends");
    assert_eq!(
        status,
        expectrl::WaitStatus::Exited(s.get_process().pid(), 0)
    );
}

/// The REPL in a pty with its own home, so its history file is the test's.
fn spawn_at(home: &std::path::Path, colour: bool) -> Session {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crdt-lab"));
    cmd.arg("repl")
        .env_remove("NO_COLOR")
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"));
    match colour {
        true => cmd.env("CLICOLOR_FORCE", "1"),
        false => cmd.env("NO_COLOR", "1"),
    };
    let mut session = Session::spawn(cmd).expect("the repl starts");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

#[test]
fn the_usage_hint_is_dimmed_and_right_arrow_does_not_paste_it_into_the_line() {
    let home = tempfile::tempdir().expect("a home");
    let mut s = spawn_at(home.path(), true);
    s.expect("crdt> ").expect("a prompt");
    s.send("sync ").unwrap();
    s.expect("\x1b[2m  (sync [<R> <S>])\x1b[0m")
        .expect("the usage, dimmed, after the cursor");
    s.send("\x1b[C").unwrap(); // → at the end of the line
    s.send_line("").unwrap();
    let answer = s
        .expect(Regex("already agreed|error[^\n]*"))
        .expect("an answer");
    let said = String::from_utf8_lossy(&answer[0]).into_owned();
    assert_eq!(said, "already agreed", "sync ran, and not the hint with it");
    s.expect("crdt> ").expect("the next prompt");
    s.send(ControlCode::EndOfTransmission).unwrap();
    s.expect(expectrl::Eof).expect("Ctrl-D exits");
}

#[test]
fn each_line_is_in_the_history_as_soon_as_it_is_entered() {
    let home = tempfile::tempdir().expect("a home");
    let file = home
        .path()
        .join("state")
        .join("crdt-lab")
        .join("history.txt");
    let mut s = spawn_at(home.path(), false);
    s.expect("crdt> ").expect("a prompt");
    s.send_line("A add kiwi").unwrap();
    // The answer, not a prompt: rustyline redraws the prompt while the line is typed, so a
    // prompt can be seen before Enter reached the REPL. The line is in the history before it runs.
    s.expect(Regex(r"live\s+.\s+\{kiwi: \{a1\}\}"))
        .expect("the line ran");
    s.expect("crdt> ").expect("the next prompt");
    // Closing the terminal: a hangup, no Ctrl-D.
    s.get_process_mut()
        .kill(expectrl::Signal::SIGHUP)
        .expect("hung up");
    let _ = s.expect(expectrl::Eof);
    let kept = std::fs::read_to_string(&file).expect("the history file is there");
    assert_eq!(kept.lines().collect::<Vec<_>>(), ["A add kiwi"]);

    // The next session offers it with ↑.
    let mut s = spawn_at(home.path(), false);
    s.expect("crdt> ").expect("a prompt");
    s.send("\x1b[A").unwrap();
    s.send_line("").unwrap();
    s.expect(Regex(r"live\s+.\s+\{kiwi: \{a1\}\}"))
        .expect("the line from the last session ran again");
    // Ctrl-D only once the prompt is back: rustyline is in raw mode by then.
    s.expect("crdt> ").expect("the next prompt");
    s.send(ControlCode::EndOfTransmission).unwrap();
    s.expect(expectrl::Eof).expect("Ctrl-D exits");
    let kept = std::fs::read_to_string(&file).expect("read");
    assert_eq!(
        kept.lines().collect::<Vec<_>>(),
        ["A add kiwi", "A add kiwi"]
    );
}
