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
