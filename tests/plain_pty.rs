//! `crdt-lab play --plain` in a real pseudo-terminal: step forward, experiment (and see it
//! rolled back), answer a question wrongly then rightly, go back and quit. Every wait is bounded.
#![cfg(unix)]

use expectrl::{Eof, Session};
use std::process::Command;
use std::time::Duration;

/// `play <lesson> --plain` in a pty, with HOME and the XDG directories in a temporary folder
/// (kept while the session lives), so that saved progress stays out of the user's.
fn play(lesson: &str) -> (Session, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("a temporary home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_crdt-lab"));
    command
        .args(["play", lesson, "--plain"])
        .env("NO_COLOR", "1")
        .env("HOME", home.path());
    for var in ["XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"] {
        command.env(var, home.path().join(var));
    }
    let mut session = Session::spawn(command).expect("crdt-lab starts in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    (session, home)
}

/// Wait for `text`, and return everything printed up to and including it.
fn wait(session: &mut Session, text: &str) -> String {
    match session.expect(text) {
        Ok(found) => String::from_utf8_lossy(found.before()).into_owned() + text,
        Err(e) => panic!("waiting for {text:?}: {e}"),
    }
}

fn say(session: &mut Session, line: &str) {
    session.send_line(line).expect("a line is sent");
}

#[test]
fn a_learner_answers_wrongly_then_rightly_and_experiments_are_rolled_back() {
    let (mut s, _home) = play("gset-apple-banana");
    let title = wait(&mut s, "[step 0/4] > ");
    assert!(
        title.contains("Lesson: G-Set: apple and banana (4 steps, 2 questions)"),
        "{title}"
    );
    assert!(title.contains("Enter: next step"), "{title}");

    say(&mut s, "");
    let step = wait(&mut s, "[step 1/4] > ");
    assert!(step.contains("Step 1 of 4: A adds apple"), "{step}");
    assert!(step.contains("A = {apple}; elements {apple}"), "{step}");

    say(&mut s, "A add kiwi");
    wait(&mut s, "A = {apple, kiwi}");
    wait(&mut s, "[step 1/4] > ");

    say(&mut s, "");
    let step = wait(&mut s, "[answer 2/4] > ");
    assert!(
        step.contains("Rolled back your experiment: A add kiwi"),
        "{step}"
    );
    assert!(step.contains("Step 2 of 4: B adds banana"), "{step}");
    assert!(
        step.contains("A = {apple}; elements {apple}"),
        "the lesson's own state, not the experiment: {step}"
    );
    assert!(step.contains("Question: The replicas now sync"), "{step}");
    assert!(step.contains("  3. both hold {apple, banana}"), "{step}");

    say(&mut s, "");
    wait(
        &mut s,
        "a question is waiting: answer it with a number from 1 to 3 first",
    );
    wait(&mut s, "[answer 2/4] > ");

    say(&mut s, "1");
    wait(&mut s, "Not quite: 1 is not it. Try again.");
    wait(&mut s, "[answer 2/4] > ");

    say(&mut s, "3");
    let right = wait(&mut s, "[step 2/4] > ");
    assert!(right.contains("Right: 3."), "{right}");
    assert!(right.contains("A union keeps everything"), "{right}");

    say(&mut s, "");
    let step = wait(&mut s, "[step 3/4] > ");
    assert!(
        step.contains("Step 3 of 4: sync (union both ways)"),
        "{step}"
    );
    assert!(step.contains("B = {apple, banana}"), "{step}");

    say(&mut s, "b");
    let back = wait(&mut s, "[step 2/4] > ");
    assert!(back.contains("Step 2 of 4: B adds banana"), "{back}");
    assert!(
        !back.contains("Question:"),
        "an answered question is not asked again: {back}"
    );

    say(&mut s, "q");
    wait(&mut s, "Bye. Score: 0 of 1 answered right the first time.");
    s.expect(Eof).expect("the player exits");
}

#[test]
fn a_number_with_no_question_waiting_says_how_to_jump() {
    let (mut s, _home) = play("1");
    wait(&mut s, "[step 0/4] > ");
    say(&mut s, "3");
    wait(
        &mut s,
        "No question is waiting. To jump to step 3, type: go 3",
    );
    say(&mut s, "go 3");
    let step = wait(&mut s, "[step 3/4] > ");
    assert!(
        step.contains("Step 3 of 4: sync (union both ways)"),
        "{step}"
    );
    say(&mut s, "b");
    wait(&mut s, "[answer 2/4] > ");
    say(&mut s, "q");
    wait(&mut s, "Bye. Score: 0 of 0");
    s.expect(Eof).expect("the player exits");
}
