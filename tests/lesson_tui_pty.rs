//! The lesson controls of the TUI in a real pseudo-terminal (issue 11): a wrong answer lets the
//! learner try again and `s` shows the answer; the question is posed beside the replicas; a step
//! visited again shows its question answered; Ctrl-C on the command line drops the line; `go N`
//! jumps; and keys win over a fast `--auto`. Every wait is bounded.
#![cfg(unix)]

use expectrl::WaitStatus;
use std::time::Duration;

mod support;

use support::Tui;

const RIGHT: &str = "\x1b[C";
const LEFT: &str = "\x1b[D";
const CTRL_C: &str = "\x03";

/// The lesson's first question: → until it is posed.
fn step_to_question(tui: &mut Tui) -> String {
    for _ in 0..8 {
        tui.send(RIGHT);
        std::thread::sleep(Duration::from_millis(150));
        tui.pump();
        if tui.text().contains("Press 1 to") {
            return tui.text();
        }
    }
    // A slow machine may still be drawing: extra presses cannot pass a waiting question.
    tui.wait_for("Press 1 to")
}

#[test]
fn a_wrong_answer_is_tried_again_beside_the_replicas_and_s_shows_the_answer() {
    let mut tui = Tui::start(&["play", "lww-tiebreak"]);
    tui.wait_for("step 0/4");
    let asked = step_to_question(&mut tui);
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
    step_to_question(&mut tui);
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
    step_to_question(&mut tui);
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
