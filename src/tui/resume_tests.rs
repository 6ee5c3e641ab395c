//! Screen tests of saved progress: the home screen with done marks, scores and where to go on,
//! the resume prompt over a lesson's title page, and what resuming and starting over record.

use crate::progress::{Opened, Progress, Store};
use crate::tui::app::{App, Mode};
use crate::tui::tests::{drive_script, key, lesson, screen, theme};
use ratatui::crossterm::event::KeyCode;

/// Progress as a learner leaves it: lesson 1 finished with 1 of 2 right, lesson 12 left at
/// step 2 with its step-2 question answered right.
fn saved() -> Progress {
    let mut p = Progress::default();
    p.record("gset-apple-banana", (4, 4, 2), [(2, true), (4, false)]);
    p.record("orset-add-wins", (2, 4, 2), [(2, true)]);
    p
}

/// Give an app saved progress, without a file (nothing is saved).
fn with_progress(app: &mut App, progress: Progress) {
    app.ui.done.extend(progress.done());
    app.ui.progress = progress;
    app.offer_resume();
}

#[test]
fn the_home_screen_shows_done_marks_scores_and_where_to_go_on() {
    let mut app = App::home(theme(), saved().done());
    with_progress(&mut app, saved());
    let text = screen(&mut app, 100, 30);
    let line = |title: &str| {
        let found = text.lines().find(|l| l.contains(title));
        found.unwrap_or_default().to_string()
    };
    assert!(line("G-Set: apple and banana").contains("✓ done · 1/2 right"));
    assert!(!line("The naive set").contains("done"), "{text}");
    insta::assert_snapshot!(text);
    // Lesson 12, further down.
    let (_, terminal) = drive_script(&mut app, vec![key(KeyCode::Down); 11], 100, 30);
    let text = terminal.backend().to_string();
    let chosen = text.lines().find(|l| l.contains("▶"));
    assert!(
        chosen.is_some_and(|l| l.contains("continue at step 2 · 1/1 right")),
        "{text}"
    );
    // Opening it from here offers to resume too.
    drive_script(&mut app, vec![key(KeyCode::Enter)], 100, 30);
    assert_eq!(app.mode(), Mode::Resume);
    let (_, terminal) = drive_script(&mut app, vec![key(KeyCode::Enter)], 100, 30);
    assert!(terminal.backend().to_string().contains("step 2/4"));
}

#[test]
fn the_resume_prompt_over_a_lesson() {
    let mut app = lesson("orset-add-wins");
    with_progress(&mut app, saved());
    assert_eq!(app.mode(), Mode::Resume);
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("You left this lesson at step 2 of 4.")
            && text.contains("Score so far: 1 of 1 right the first time.")
            && text.contains("resume at step 2"),
        "{text}"
    );
    insta::assert_snapshot!(text);

    let (_, terminal) = drive_script(&mut app, vec![key(KeyCode::Enter)], 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("step 2/4"), "Enter resumes:\n{text}");
    assert_eq!(app.session.player().map(|p| p.step()), Some(2));
    assert_eq!(
        app.ui.progress,
        saved(),
        "resuming where it was changes nothing"
    );
}

#[test]
fn starting_over_keeps_what_was_saved_until_the_learner_moves() {
    let mut app = lesson("orset-add-wins");
    with_progress(&mut app, saved());
    drive_script(&mut app, vec![key(KeyCode::Char('s'))], 80, 24);
    assert_eq!(app.mode(), Mode::Lab);
    assert_eq!(app.session.player().map(|p| p.step()), Some(0));
    assert_eq!(app.ui.progress, saved(), "the saved step stays saved");
    drive_script(&mut app, vec![key(KeyCode::Right)], 80, 24);
    let record = app.ui.progress.get("orset-add-wins").cloned();
    let record = record.expect("still recorded");
    assert_eq!((record.last, record.furthest), (1, 2));
    assert_eq!(record.score(), (1, 1), "the first answer is kept");
}

#[test]
fn end_in_a_lesson_does_not_mark_it_done_until_its_questions_are_answered() {
    let mut app = lesson("orset-add-wins");
    drive_script(&mut app, vec![key(KeyCode::End)], 80, 24);
    let record = app.ui.progress.get("orset-add-wins").cloned();
    assert!(
        record.as_ref().is_some_and(|r| !r.done && r.last == 4),
        "{record:?}"
    );
    assert!(!app.ui.done.contains("orset-add-wins"));
    // Back to step 2's question and on to the last one: answered, the lesson is done.
    let inputs = [
        vec![
            key(KeyCode::Char('g')),
            key(KeyCode::Right),
            key(KeyCode::Right),
        ],
        vec![
            key(KeyCode::Right),
            key(KeyCode::Char('1')),
            key(KeyCode::Right),
        ],
        vec![
            key(KeyCode::Right),
            key(KeyCode::Right),
            key(KeyCode::Char('s')),
        ],
    ]
    .concat();
    drive_script(&mut app, inputs, 80, 24);
    let record = app.ui.progress.get("orset-add-wins").cloned();
    assert!(record.as_ref().is_some_and(|r| r.done), "{record:?}");
    assert!(app.ui.done.contains("orset-add-wins"));
}

#[test]
fn a_saved_step_past_the_end_of_an_edited_lesson_is_its_last() {
    let mut app = lesson("orset-add-wins");
    let mut progress = Progress::default();
    progress.record("orset-add-wins", (9, 12, 2), []);
    with_progress(&mut app, progress);
    assert_eq!(app.ui.resume, Some(4));
    drive_script(&mut app, vec![key(KeyCode::Enter)], 80, 24);
    assert_eq!(app.session.player().map(|p| p.step()), Some(4));
}

#[test]
fn no_prompt_for_a_finished_lesson_under_auto_or_without_progress() {
    let mut done = lesson("gset-apple-banana");
    with_progress(&mut done, saved());
    assert_eq!(done.mode(), Mode::Lab);
    let mut auto = lesson("orset-add-wins");
    auto.ui.auto = Some(std::time::Duration::from_secs(4));
    with_progress(&mut auto, saved());
    assert_eq!(auto.mode(), Mode::Lab, "--auto plays from the start");
    let mut fresh = lesson("orset-add-wins");
    with_progress(&mut fresh, Progress::default());
    assert_eq!(fresh.mode(), Mode::Lab);
}

#[test]
fn the_terminal_face_saves_what_the_player_reached() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("progress.json");
    let mut app = lesson("2pset-lattice");
    let opened: Opened = Store::open_at(path.clone(), None);
    super::attach(&mut app, opened);
    drive_script(&mut app, vec![key(KeyCode::Right); 2], 80, 24);
    let again = Store::open_at(path, None).progress;
    let record = again.get("2pset-lattice").expect("saved as it went");
    assert_eq!((record.last, record.done), (2, false));
}
