//! The lesson controls of the TUI in a real pseudo-terminal (issue 11): a wrong answer lets the
//! learner try again and `s` shows the answer; the question is posed beside the replicas; a step
//! visited again shows its question answered; Ctrl-C on the command line drops the line; `go N`
//! jumps; and keys win over a fast `--auto`. Every wait is bounded.
#![cfg(unix)]

use expectrl::{Session, WaitStatus};
use std::io::ErrorKind;
use std::process::Command;
use std::time::{Duration, Instant};

const COLS: u16 = 80;
const ROWS: u16 = 24;
const WAIT: Duration = Duration::from_secs(20);
const RIGHT: &str = "\x1b[C";
const LEFT: &str = "\x1b[D";
const CTRL_C: &str = "\x03";

/// The binary in a pty at 80x24, with its screen as a terminal shows it.
struct Tui {
    session: Session,
    screen: vt100::Parser,
    _home: tempfile::TempDir,
}

impl Tui {
    fn start(args: &[&str]) -> Tui {
        let home = tempfile::tempdir().expect("a temporary home");
        let mut command = Command::new(env!("CARGO_BIN_EXE_crdt-lab"));
        command
            .args(args)
            .env("TERM", "xterm-256color")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CONFIG_HOME", home.path().join("config"));
        let mut session = Session::spawn(command).expect("crdt-lab starts in a pty");
        session
            .get_process_mut()
            .set_window_size(COLS, ROWS)
            .expect("the pty takes a size");
        Tui {
            session,
            screen: vt100::Parser::new(ROWS, COLS, 0),
            _home: home,
        }
    }

    fn pump(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        let mut got = false;
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return got,
                Ok(n) => {
                    self.screen.process(&buf[..n]);
                    got = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return got,
                Err(_) => return got,
            }
        }
    }

    fn text(&self) -> String {
        self.screen.screen().contents()
    }

    fn wait_for(&mut self, what: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump();
            let text = self.text();
            if text.contains(what) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited {WAIT:?} for {what}; the screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("keys are sent");
    }

    fn finish(&mut self) -> WaitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump();
            match self.session.get_process().status() {
                Ok(WaitStatus::StillAlive) => {}
                Ok(status) => return status,
                Err(e) => panic!("no exit status: {e}"),
            }
            assert!(
                Instant::now() < deadline,
                "crdt-lab did not exit; the screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process is still running.
    fn alive(&mut self) -> bool {
        self.pump();
        matches!(
            self.session.get_process().status(),
            Ok(WaitStatus::StillAlive)
        )
    }

    /// The lesson's first question: → until it is posed.
    fn step_to_question(&mut self) -> String {
        for _ in 0..8 {
            self.send(RIGHT);
            std::thread::sleep(Duration::from_millis(150));
            self.pump();
            if self.text().contains("Press 1 to") {
                return self.text();
            }
        }
        // A slow machine may still be drawing: extra presses cannot pass a waiting question.
        self.wait_for("Press 1 to")
    }
}

#[test]
fn a_wrong_answer_is_tried_again_beside_the_replicas_and_s_shows_the_answer() {
    let mut tui = Tui::start(&["play", "lww-tiebreak"]);
    tui.wait_for("step 0/4");
    let asked = tui.step_to_question();
    // Defect 3: the replica panels stay in view while the question is posed.
    assert!(
        asked.contains("Question") && asked.contains("adds    {x: 1}"),
        "{asked}"
    );
    assert!(asked.contains("removes {x: 5}"), "{asked}");
    // Defect 2: a wrong answer gives nothing away and lets the learner try again.
    tui.send("2");
    let wrong = tui.wait_for("Not quite, try again");
    assert!(wrong.contains("✗ 2.") && !wrong.contains("✓ 1."), "{wrong}");
    assert!(!wrong.contains("Both stamps are 5"), "{wrong}");
    assert!(wrong.contains("adds    {x: 1}"), "{wrong}");
    tui.send("3");
    let again = tui.wait_for("✗ 3.");
    assert!(again.contains("✗ 2.") && !again.contains("✓"), "{again}");
    tui.send("s");
    let shown = tui.wait_for("The answer:");
    assert!(
        shown.contains("✓ 1.") && shown.contains("Both stamps are 5"),
        "{shown}"
    );
    assert!(shown.contains("score 0/1"), "{shown}");
    tui.send("q");
    assert!(matches!(tui.finish(), WaitStatus::Exited(_, 0)));
}

#[test]
fn right_after_a_wrong_try_counts_as_wrong_first_time() {
    let mut tui = Tui::start(&["play", "lww-tiebreak"]);
    tui.wait_for("step 0/4");
    tui.step_to_question();
    tui.send("3");
    tui.wait_for("Not quite, try again");
    tui.send("1");
    let right = tui.wait_for("Right, this time.");
    assert!(
        right.contains("Score: 0 of 1 right the first time"),
        "{right}"
    );
    tui.send("q");
    tui.finish();
}

#[test]
fn a_step_visited_again_shows_its_question_answered_with_the_explanation() {
    let mut tui = Tui::start(&["play", "lww-tiebreak"]);
    tui.wait_for("step 0/4");
    tui.step_to_question();
    tui.send("1");
    tui.wait_for("Right.");
    tui.send(RIGHT);
    tui.wait_for("step 2/4");
    tui.send(LEFT);
    tui.wait_for("step 1/4");
    tui.send(RIGHT);
    let shown = tui.wait_for("Answered before, right the first time.");
    assert!(
        shown.contains("✓ 1.") && shown.contains("Both stamps are 5"),
        "{shown}"
    );
    assert!(shown.contains("step 1/4"), "{shown}");
    tui.send(RIGHT);
    tui.wait_for("step 2/4");
    tui.send("q");
    tui.finish();
}

#[test]
fn ctrl_c_on_the_command_line_drops_the_line_and_keeps_the_lesson() {
    let mut tui = Tui::start(&["play", "lww-tiebreak"]);
    tui.wait_for("step 0/4");
    tui.send(RIGHT);
    tui.wait_for("step 1/4");
    tui.send(":");
    tui.send("A add zebra");
    tui.wait_for("A add zebra");
    tui.send(CTRL_C);
    let text = tui.wait_for("press : to type a command");
    assert!(tui.alive(), "Ctrl-C on the command line does not quit");
    assert!(!text.contains("zebra"), "the line is dropped:\n{text}");
    assert!(text.contains("step 1/4"), "{text}");
    // A new line starts empty, and runs.
    tui.send(":");
    tui.send("go 3\r");
    tui.wait_for("step 3/4");
    // Off the command line, Ctrl-C still quits at once.
    tui.send(CTRL_C);
    assert!(matches!(tui.finish(), WaitStatus::Exited(_, 0)));
}

#[test]
fn keys_win_over_a_fast_auto_and_q_quits() {
    let mut tui = Tui::start(&["play", "lww-tiebreak", "--auto", "0.2"]);
    // The countdown (or, on a slow machine, auto already waiting on the question).
    tui.wait_for("▶ ");
    tui.send("p");
    tui.wait_for("⏸ paused (p)");
    tui.send("p");
    tui.send("q");
    assert!(matches!(tui.finish(), WaitStatus::Exited(_, 0)));
}
