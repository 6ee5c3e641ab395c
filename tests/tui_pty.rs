//! The TUI in a real pseudo-terminal, read through the vt100 crate as a terminal would show it:
//! a lesson stepped to a merge, a typed command, quitting back to a clean terminal; a panic and
//! a SIGTERM that also leave the terminal clean; and the message without a terminal. Every wait
//! is bounded.
#![cfg(unix)]

use expectrl::{Signal, WaitStatus};
use std::process::Command;

mod support;

use support::Tui;

const COLS: u16 = 80;

const RIGHT: &str = "\x1b[C";
const ESC: &str = "\x1b";

/// The terminal is back as it was: the main screen, no mouse reporting, the cursor shown,
/// and the last switch to the alternate screen was undone.
fn assert_restored(tui: &Tui) {
    let screen = tui.screen.screen();
    assert!(
        !screen.alternate_screen(),
        "still on the alternate screen:\n{}",
        tui.text()
    );
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse reporting is still on"
    );
    assert!(!screen.hide_cursor(), "the cursor is still hidden");
    let raw = String::from_utf8_lossy(&tui.raw);
    let entered = raw
        .rfind("\x1b[?1049h")
        .expect("the TUI used the alternate screen");
    let left = raw
        .rfind("\x1b[?1049l")
        .expect("the TUI left the alternate screen");
    assert!(
        left > entered,
        "the alternate screen was left after it was entered"
    );
}

/// The lines of replica A's panel (the left column of the first row of panels).
fn panel_a(text: &str) -> String {
    let lines: Vec<&str> = text.lines().skip(1).take(6).collect();
    lines
        .iter()
        .map(|l| l.chars().take(COLS as usize / 2).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_teacher_steps_a_lesson_to_its_merge_types_a_command_and_quits_cleanly() {
    let mut tui = Tui::start(&["play", "orset-add-wins"]);
    let title = tui.wait_for("step 0/4");
    assert!(title.contains("OR-Set: remove against add"), "{title}");
    let before = panel_a(&tui.wait_for("live       {x: {a1}}"));

    // → until the merge step; a question on the way is answered with its first choice.
    let (mut step, mut presses) = (0, 0);
    let merged = loop {
        presses += 1;
        assert!(
            presses <= 8,
            "no merge after {presses} presses:\n{}",
            tui.text()
        );
        tui.send(RIGHT);
        let next = format!("step {}/4", step + 1);
        let text = tui.wait_until("the next step or a question", |t| {
            let t = t.text();
            t.contains("Press 1 to") || t.contains(&next)
        });
        if text.contains("Press 1 to") {
            tui.send("1");
            tui.wait_for("Score: 1 of 1");
            continue;
        }
        step += 1;
        if text.contains(&format!("{step}. merge")) {
            break text;
        }
    };
    let after = panel_a(&merged);
    assert_ne!(before, after, "A's panel changed at the merge");
    assert!(
        after.contains("live       {x: {b1}}") && after.contains("tombstones {x: {a1}}"),
        "{after}"
    );
    assert!(
        after.contains("● changed"),
        "the merge is highlighted:\n{after}"
    );

    tui.send(":");
    tui.send("A add y\r");
    let typed = tui.wait_for("✓ A add y");
    assert!(panel_a(&typed).contains("{x, y}"), "{typed}");

    tui.send(ESC);
    tui.wait_for("→ next");
    tui.send("q");
    let status = tui.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    assert_restored(&tui);
}

#[test]
fn a_panic_restores_the_terminal_and_then_prints_its_message() {
    let mut tui = Tui::start_with(&["sandbox"], &[("CRDT_LAB_TEST_PANIC", "1")]);
    let status = tui.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 101)), "{status:?}");
    assert_restored(&tui);
    let raw = String::from_utf8_lossy(&tui.raw);
    let left = raw.find("\x1b[?1049l").unwrap_or(usize::MAX);
    let message = raw
        .find("a test asked for a panic")
        .expect("the panic message is printed");
    assert!(
        message > left,
        "the message comes after the terminal is restored, so it stays readable"
    );
    assert!(
        tui.text().contains("a test asked for a panic"),
        "{}",
        tui.text()
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut tui = Tui::start(&["sandbox", "orset", "A", "B", "C"]);
    tui.wait_for("network whole");
    tui.session
        .get_process_mut()
        .signal(Signal::SIGTERM)
        .expect("a signal is sent");
    let status = tui.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 143)), "{status:?}");
    assert_restored(&tui);
}

#[test]
fn without_a_terminal_each_tui_entry_point_says_so_and_exits_2() {
    for args in [&[][..], &["sandbox"][..], &["play", "orset-add-wins"][..]] {
        let out = Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
            .args(args)
            .output()
            .expect("crdt-lab runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("needs a terminal")
                && err.contains("crdt-lab repl")
                && err.contains("--plain"),
            "{args:?}: {err}"
        );
    }
}
