//! Saved progress through every entry point: the TUI's home screen, `play` (with its resume
//! prompt), the sandbox, `--auto`, `play --plain`, `run` and `crdt-lab lessons`. Each starts
//! with a progress file and must leave what it held intact; a corrupt file is set aside with
//! one warning. HOME and the XDG directories point at a temporary folder. Every wait is bounded.
#![cfg(unix)]

use expectrl::WaitStatus;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;

use support::{Tui, at_home, crdt_lab};

const RIGHT: &str = "\x1b[C";

/// A learner's progress: G-Set finished (1 of 2 right), the OR-Set lesson left at step 2.
const SAVED: &str = r#"{
  "version": 1,
  "lessons": {
    "gset-apple-banana": {"done": true, "furthest": 4, "last": 4, "answers": {"2": true, "4": false}},
    "orset-add-wins": {"done": false, "furthest": 2, "last": 2, "answers": {}}
  }
}
"#;

/// A home folder of its own, with the state, data and config directories inside it.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("a temporary home"),
        }
    }

    /// A home whose progress file holds `text`.
    fn with(text: &str) -> Home {
        let home = Home::new();
        let file = home.progress();
        std::fs::create_dir_all(file.parent().expect("a folder")).expect("made");
        std::fs::write(&file, text).expect("written");
        home
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    fn progress(&self) -> PathBuf {
        self.path("state/crdt-lab/progress.json")
    }

    fn read(&self) -> String {
        std::fs::read_to_string(self.progress()).expect("the progress file is there")
    }

    /// The saved progress as JSON.
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.read()).expect("the progress file is JSON")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = crdt_lab(args);
        at_home(&mut command, self.dir.path());
        command.env("NO_COLOR", "1");
        command
    }

    /// Run without a terminal, with `stdin` as input.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut input = child.stdin.take().expect("a stdin");
        input.write_all(stdin.as_bytes()).expect("written");
        drop(input);
        child.wait_with_output().expect("it ends")
    }

    /// The TUI in a pseudo-terminal of 100×30.
    fn tui(&self, args: &[&str]) -> Tui {
        Tui::spawn_sized(self.command(args), (100, 30))
    }
}

/// Wait for the TUI to end, and check it ended well.
fn finish(tui: &mut Tui) {
    let status = tui.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
}

fn lesson_file(name: &str) -> String {
    format!("{}/lessons/{name}.md", env!("CARGO_MANIFEST_DIR"))
}

/// What the G-Set lesson's saved record must still say.
fn assert_gset_kept(home: &Home) {
    let saved = home.json();
    let gset = &saved["lessons"]["gset-apple-banana"];
    assert_eq!(gset["done"], true, "{saved}");
    assert_eq!(gset["answers"]["2"], true, "{saved}");
    assert_eq!(gset["answers"]["4"], false, "{saved}");
}

#[test]
fn the_home_screen_shows_done_marks_scores_and_where_to_go_on_and_changes_nothing() {
    let home = Home::with(SAVED);
    let mut tui = home.tui(&[]);
    let screen = tui.wait_for("✓ done · 1/2 right");
    let gset = screen
        .lines()
        .find(|l| l.contains("G-Set: apple and banana"))
        .expect("the G-Set lesson is listed");
    assert!(gset.contains("✓ done · 1/2 right"), "{screen}");
    // Lesson 12 further down the list.
    tui.send(&"j".repeat(11));
    let screen = tui.wait_for("continue at step 2");
    let add_wins = screen.lines().find(|l| l.contains("continue at step 2"));
    assert!(
        add_wins.is_some_and(|l| l.contains("OR-Set: remove against add")),
        "{screen}"
    );
    // Opened from here, it offers to resume; Esc declines, and q goes home, then quits.
    tui.send("\r");
    tui.wait_for("You left this lesson at step 2 of 4.");
    tui.send("\x1b");
    tui.wait_for("starting over");
    tui.send("q");
    tui.wait_for("Enter open");
    tui.send("q");
    finish(&mut tui);
    assert_eq!(home.read(), SAVED, "the file is not even rewritten");
}

#[test]
fn playing_offers_to_resume_and_records_the_step_without_losing_the_rest() {
    let home = Home::with(SAVED);
    let mut tui = home.tui(&["play", "orset-add-wins"]);
    tui.wait_for("You left this lesson at step 2 of 4.");
    tui.send("s");
    tui.wait_for("starting over");
    tui.send(RIGHT);
    tui.wait_for("step 1/4");
    tui.send("q");
    finish(&mut tui);
    let saved = home.json();
    let add_wins = &saved["lessons"]["orset-add-wins"];
    assert_eq!(add_wins["last"], 1, "{saved}");
    assert_eq!(add_wins["furthest"], 2, "the furthest step stays: {saved}");
    assert_gset_kept(&home);

    let mut tui = home.tui(&["play", "12"]);
    tui.wait_for("You left this lesson at step 1 of 4.");
    tui.send("\r");
    tui.wait_for("resumed at step 1 of 4");
    tui.send("q");
    finish(&mut tui);
    assert_gset_kept(&home);
}

#[test]
fn the_sandbox_never_touches_progress() {
    let home = Home::with(SAVED);
    // The old list of finished lessons, which the sandbox once emptied.
    let old = home.path("data/crdt-lab/lessons-done.txt");
    std::fs::create_dir_all(old.parent().expect("a folder")).expect("made");
    std::fs::write(&old, "orset-readd\n").expect("written");
    for args in [&["sandbox", "orset", "A", "B"][..], &["sandbox"]] {
        let mut tui = home.tui(args);
        tui.wait_for("quit");
        tui.send("q");
        finish(&mut tui);
        assert_eq!(home.read(), SAVED, "{args:?}");
        let kept = std::fs::read_to_string(&old).expect("still there");
        assert_eq!(kept, "orset-readd\n", "{args:?}");
    }
}

#[test]
fn auto_play_replays_a_finished_lesson_without_unfinishing_it() {
    let home = Home::with(SAVED);
    let mut tui = home.tui(&["play", "gset-apple-banana", "--auto", "0.3"]);
    tui.wait_for("step 2/4");
    // Paused on the question: close it and quit before the next tick.
    tui.send("qq");
    finish(&mut tui);
    assert_gset_kept(&home);
    let saved = home.json();
    assert_eq!(saved["lessons"]["gset-apple-banana"]["last"], 2, "{saved}");
    assert_eq!(saved["lessons"]["orset-add-wins"]["last"], 2, "{saved}");
}

#[test]
fn play_plain_says_where_to_go_on_and_records_answers() {
    let home = Home::with(SAVED);
    let out = home.run(&["play", "orset-add-wins", "--plain"], "go 2\n1\nq\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("You left this lesson at step 2. Type go 2 to go on there"),
        "{stdout}"
    );
    let saved = home.json();
    let add_wins = &saved["lessons"]["orset-add-wins"];
    assert_eq!(add_wins["answers"]["2"], true, "{saved}");
    assert_eq!(add_wins["last"], 2, "{saved}");
    assert_gset_kept(&home);
}

#[test]
fn run_and_the_lesson_list_leave_the_file_as_it_is() {
    let home = Home::with(SAVED);
    let run = home.run(&["run", &lesson_file("orset-add-wins")], "");
    assert!(run.status.success());
    assert_eq!(home.read(), SAVED, "run records nothing");
    let list = home.run(&["lessons"], "");
    let stdout = String::from_utf8_lossy(&list.stdout);
    let line = |name: &str| {
        let found = stdout.lines().find(|l| l.contains(name));
        found.unwrap_or_default().to_string()
    };
    assert!(
        line("gset-apple-banana").contains("✓ done · 1/2 right"),
        "{stdout}"
    );
    assert!(
        line("orset-add-wins").contains("continue at step 2"),
        "{stdout}"
    );
    assert!(!line("naive-zombie").contains("done"), "{stdout}");
    assert_eq!(home.read(), SAVED);
}

#[test]
fn a_corrupt_file_is_kept_aside_with_one_warning() {
    let home = Home::with("{\"version\": 1, \"lessons\": {\"gset");
    let out = home.run(&["lessons"], "");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one warning: {stderr}");
    assert!(
        stderr.contains("could not be read") && stderr.contains("progress.json.corrupt-1"),
        "{stderr}"
    );
    let aside = home.path("state/crdt-lab/progress.json.corrupt-1");
    let kept = std::fs::read_to_string(aside).expect("kept aside");
    assert_eq!(kept, "{\"version\": 1, \"lessons\": {\"gset");

    // In the TUI the warning is on screen; the second corrupt file goes beside the first.
    std::fs::write(home.progress(), "not JSON").expect("written");
    let mut tui = home.tui(&[]);
    tui.wait_for("could not be read");
    tui.send("q");
    finish(&mut tui);
    let second = home.path("state/crdt-lab/progress.json.corrupt-2");
    assert_eq!(std::fs::read_to_string(second).expect("kept"), "not JSON");
}

#[test]
fn the_old_list_of_finished_lessons_is_read_once_and_kept() {
    let home = Home::new();
    let old = home.path("data/crdt-lab/lessons-done.txt");
    std::fs::create_dir_all(old.parent().expect("a folder")).expect("made");
    std::fs::write(&old, "orset-add-wins\n").expect("written");
    let out = home.run(&["lessons"], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.contains("orset-add-wins"));
    assert!(line.unwrap_or_default().contains("✓ done"), "{stdout}");
    assert_eq!(home.json()["lessons"]["orset-add-wins"]["done"], true);
    assert!(Path::new(&old).exists(), "the old file is kept");
}
