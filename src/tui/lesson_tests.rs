//! Screen tests of the lesson controls: the question panel beside the replicas, jumping to a
//! step (`go N`, Home/End, g/G, a click on the history), the worked table (`w`) and `--auto`
//! (its countdown, pausing, an answer's full interval, narration scrolled before it is left).

use super::app::App;
use super::state::Overlay;
use super::tests::{Script, drive_script, key, lesson, sandbox};
use super::{Exit, Input, drive};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, MouseButton, MouseEvent, MouseEventKind};
use std::time::Duration;

fn press(app: &mut App, inputs: Vec<Input>) -> String {
    press_at(app, inputs, (80, 24))
}

fn press_at(app: &mut App, inputs: Vec<Input>, (w, h): (u16, u16)) -> String {
    drive_script(app, inputs, w, h).1.backend().to_string()
}

fn click(x: u16, y: u16) -> Input {
    Input::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x,
        row: y,
        modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
    })
}

fn step(app: &App) -> usize {
    app.session.player().map_or(usize::MAX, |p| p.step())
}

/// Let `ticks` ticks pass (and draw after each), with no key pressed, on a screen tall enough
/// that no narration has more below.
fn ticks(app: &mut App, ticks: usize) -> Exit {
    ticks_at(app, ticks, 160, 50)
}

fn ticks_at(app: &mut App, ticks: usize, width: u16, height: u16) -> Exit {
    app.resize(width, height);
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {});
    let mut events = Script {
        inputs: Default::default(),
        ticks,
    };
    drive(&mut terminal, app, &mut events).unwrap_or_else(|e| match e {})
}

#[test]
fn the_question_panel_leaves_every_replica_in_sight_at_80x24_and_100x30() {
    for size in [(80, 24), (100, 30)] {
        every_question_beside_the_replicas(size);
    }
}

fn every_question_beside_the_replicas(size: (u16, u16)) {
    let press = |app: &mut App, inputs| press_at(app, inputs, size);
    let lessons = crate::lesson::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut asked = 0;
    for l in lessons.iter().filter(|l| l.question_count() > 0) {
        let mut app = lesson(&l.name);
        let mut text = press(&mut app, vec![]);
        let mut first = true;
        // Every question of the lesson (the last step's too): → until it is posed, then s and →.
        for _ in 0..l.steps.len() * 2 + 2 {
            text = press(&mut app, vec![key(KeyCode::Right)]);
            if app.ui.overlay != Some(Overlay::Question) {
                continue;
            }
            asked += 1;
            for replica in &app.session.view.replicas {
                let top = format!(" {} ", replica.name);
                // The visible value's first entry (a long value wraps after it).
                let visible = replica.visible.to_string();
                let first = visible.split(", ").next().unwrap_or_default();
                assert!(
                    text.contains(&top) && text.contains(first),
                    "{}: replica {} is in sight beside the question:\n{text}",
                    l.name,
                    replica.name
                );
            }
            if l.name == "lww-tiebreak" && size == (80, 24) && std::mem::take(&mut first) {
                insta::assert_snapshot!("question_panel_beside_the_replicas_80x24", text);
                let wrong = press(&mut app, vec![key(KeyCode::Char('2'))]);
                assert!(
                    wrong.contains("✗ not quite, try again: 2 is not it"),
                    "the status line stays in sight under the question:\n{wrong}"
                );
            }
            press(&mut app, vec![key(KeyCode::Char('s'))]);
        }
        assert_eq!(step(&app), l.steps.len(), "{}: {text}", l.name);
    }
    let total: usize = lessons.iter().map(|l| l.question_count()).sum();
    assert_eq!(asked, total, "every question was posed once");
}

#[test]
fn home_end_g_and_shift_g_jump_to_the_first_and_last_step() {
    let mut app = lesson("orset-add-wins");
    press(&mut app, vec![key(KeyCode::End)]);
    assert_eq!(step(&app), 4);
    press(&mut app, vec![key(KeyCode::Home)]);
    assert_eq!(step(&app), 0);
    let text = press(&mut app, vec![key(KeyCode::Char('G'))]);
    assert!(text.contains("step 4/4"), "{text}");
    // Again where it stands: it says so, not "from step 4 to step 4".
    let text = press(&mut app, vec![key(KeyCode::Char('G'))]);
    assert!(text.contains("back to the start of step 4 of 4"), "{text}");
    let text = press(&mut app, vec![key(KeyCode::Char('g'))]);
    assert!(text.contains("step 0/4"), "{text}");
    let mut app = sandbox(Some("new orset A B"));
    let text = press(&mut app, vec![key(KeyCode::Char('G'))]);
    assert!(text.contains("the sandbox has no steps"), "{text}");
}

#[test]
fn a_last_step_with_its_question_still_to_come_says_that_right_asks_it() {
    let mut app = lesson("orset-add-wins");
    let text = press_at(&mut app, vec![key(KeyCode::End)], (100, 30));
    assert!(
        text.contains("The last step: → asks its question, q leaves"),
        "{text}"
    );
    let inputs = vec![key(KeyCode::Right), key(KeyCode::Char('1'))];
    press_at(&mut app, inputs, (100, 30));
    let text = press_at(&mut app, vec![key(KeyCode::Right)], (100, 30));
    assert_eq!(app.ui.overlay, None, "{text}");
    assert!(
        text.contains("The last step: q leaves, ← goes back.") && !text.contains("asks its"),
        "answered, nothing is left to ask:\n{text}"
    );
    // There is no next step to roll an experiment back: the status says what does.
    app.run_line("B remove x");
    let text = press_at(&mut app, vec![], (100, 30));
    assert!(
        text.contains("✓ B remove x  (an experiment: going to another step rolls it back)"),
        "{text}"
    );
    let text = press_at(&mut app, vec![key(KeyCode::Left)], (100, 30));
    assert!(
        text.contains("step 3/4") && !text.contains("B remove x"),
        "← rolled it back:\n{text}"
    );
}

#[test]
fn clicking_a_step_in_the_history_jumps_there() {
    let mut app = lesson("orset-add-wins");
    press(&mut app, vec![key(KeyCode::End), key(KeyCode::Home)]);
    // Every step was entered once, so the history lists them all (as ↷ after the title page).
    let text = press(&mut app, vec![]);
    let (row, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("§ merge"))
        .unwrap_or_else(|| panic!("the merge step is in the history:\n{text}"));
    let x = line.chars().position(|c| c == '§').unwrap_or(0) as u16;
    let text = press(&mut app, vec![click(x, row as u16)]);
    assert!(
        text.contains("step 3/4") && text.contains("3. merge"),
        "{text}"
    );
}

#[test]
fn the_worked_table_marks_the_current_step_and_enter_jumps_to_the_chosen_row() {
    let mut app = lesson("orset-add-wins");
    let text = press(
        &mut app,
        vec![
            key(KeyCode::Right),
            key(KeyCode::Right),
            key(KeyCode::Char('w')),
        ],
    );
    assert_eq!(app.ui.overlay, Some(Overlay::Worked));
    assert!(text.contains("Worked table"), "{text}");
    let marked: Vec<&str> = text.lines().filter(|l| l.contains("▶ ")).collect();
    assert!(
        marked.iter().any(|l| l.contains("▶ B adds x")),
        "the row of step 2 is marked:\n{text}"
    );
    for title in ["start", "A removes x", "merge", "Step"] {
        assert!(text.contains(title), "{title}:\n{text}");
    }
    insta::assert_snapshot!("worked_table_in_a_lesson_80x24", text);
    let text = press(&mut app, vec![key(KeyCode::Down), key(KeyCode::Enter)]);
    assert_eq!(app.ui.overlay, None);
    assert!(text.contains("step 3/4"), "{text}");
    // Up to the start row, and Enter: the title page.
    let inputs = vec![key(KeyCode::Char('w')), key(KeyCode::Up), key(KeyCode::Up)];
    press(&mut app, inputs);
    press(&mut app, vec![key(KeyCode::Up), key(KeyCode::Enter)]);
    assert_eq!(step(&app), 0);
}

#[test]
fn a_sandboxs_worked_table_has_the_rows_export_md_has() {
    let mut app = sandbox(Some("new orset A B"));
    for line in ["A add x", "B add y", "A merge B", "export md"] {
        app.run_line(line);
    }
    let exported = app.session.answer.clone().map(|a| a.worked);
    app.ui.overlay = None;
    let text = press(&mut app, vec![key(KeyCode::Char('w'))]);
    assert_eq!(Some(app.session.worked.tables.clone()), exported);
    assert!(
        text.contains("▶ A merge B"),
        "the last row is current:\n{text}"
    );
    let text = press(&mut app, vec![key(KeyCode::Enter)]);
    assert!(text.contains("a sandbox's rows are commands"), "{text}");
}

#[test]
fn auto_counts_down_in_the_title_bar_and_p_pauses_it() {
    let mut app = lesson("orset-add-wins");
    app.ui.auto = Some(Duration::from_secs(3));
    let text = press(&mut app, vec![]);
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.contains("▶ 3s (p pauses)")),
        "{text}"
    );
    ticks(&mut app, 1);
    let text = press(&mut app, vec![]);
    assert!(text.contains("▶ 2s"), "{text}");
    assert_eq!(step(&app), 0);
    let text = press(&mut app, vec![key(KeyCode::Char('p'))]);
    let title = text.lines().next().unwrap_or_default().to_string();
    assert!(title.contains("⏸ paused (p)"), "{text}");
    insta::assert_snapshot!("auto_paused_title_bar", title);
    assert_eq!(app.wait(), None, "paused: nothing ticks");
    press(&mut app, vec![key(KeyCode::Char('p'))]);
    assert_eq!(app.wait(), Some(Duration::from_secs(1)));
    ticks(&mut app, 3);
    assert_eq!(
        step(&app),
        1,
        "a whole interval after resuming, the next step"
    );
}

#[test]
fn left_pauses_auto_and_an_answer_stays_up_a_whole_interval() {
    let mut app = lesson("orset-add-wins");
    app.ui.auto = Some(Duration::from_secs(2));
    let text = press(&mut app, vec![key(KeyCode::Right), key(KeyCode::Left)]);
    assert!(app.ui.countdown.paused, "← pauses --auto");
    assert!(
        text.contains("auto-advance paused: p resumes it") && text.contains("⏸ paused (p)"),
        "{text}"
    );
    assert_eq!(app.wait(), None);
    // Back on step 0: p's key holds the countdown 3 s to step 1, then 2 s to step 2.
    press(&mut app, vec![key(KeyCode::Char('p'))]);
    ticks(&mut app, 3);
    assert_eq!(step(&app), 1);
    ticks(&mut app, 2);
    assert_eq!(step(&app), 2);
    ticks(&mut app, 2);
    assert_eq!(app.ui.overlay, Some(Overlay::Question));
    assert_eq!(app.wait(), None, "a question waits for an answer");
    // The answer's key holds the countdown for 3 s (more than the 2 s interval), and the
    // title bar counts those seconds down as they pass.
    let title = |text: String| text.lines().next().unwrap_or_default().to_string();
    let shown = title(press(&mut app, vec![key(KeyCode::Char('1'))]));
    assert!(shown.contains("step 2/4 ▶ 3s"), "{shown}");
    for left in ["▶ 2s", "▶ 1s"] {
        ticks(&mut app, 1);
        assert_eq!(app.ui.overlay, Some(Overlay::Question), "still up");
        let shown = title(press(&mut app, vec![]));
        assert!(shown.contains(left), "want {left}: {shown}");
    }
    ticks(&mut app, 1);
    assert_eq!((app.ui.overlay, step(&app)), (None, 3));
}

#[test]
fn auto_asks_the_last_steps_question_too() {
    // lww-tiebreak asks its third question on its last step.
    let mut app = lesson("lww-tiebreak");
    app.ui.auto = Some(Duration::from_secs(1));
    press_at(&mut app, vec![key(KeyCode::End)], (160, 50));
    press_at(&mut app, vec![key(KeyCode::Char('p'))], (160, 50));
    assert_eq!(app.wait(), Some(Duration::from_secs(1)), "not done yet");
    ticks(&mut app, 3);
    assert_eq!(
        app.ui.overlay,
        Some(Overlay::Question),
        "the question is asked"
    );
    let text = press_at(&mut app, vec![key(KeyCode::Char('s'))], (160, 50));
    assert!(text.contains("Score:"), "{text}");
    ticks(&mut app, 3);
    let title = press_at(&mut app, vec![], (160, 50));
    assert!(title.contains("▶ auto: the last step"), "{title}");
}

#[test]
fn at_80x24_the_auto_title_bar_keeps_the_step_in_every_state() {
    let mut app = lesson("lww-tiebreak");
    app.ui.auto = Some(Duration::from_secs(1));
    let title = |app: &mut App, inputs| {
        let text = press(app, inputs);
        text.lines().next().unwrap_or_default().to_string()
    };
    let counting = title(&mut app, vec![key(KeyCode::Right)]);
    assert!(
        counting.contains("step 1/4") && counting.contains("▶ 3s"),
        "{counting}"
    );
    let asked = title(&mut app, vec![key(KeyCode::Right)]);
    assert!(
        asked.contains("step 1/4") && asked.contains("▶ answer"),
        "{asked}"
    );
    assert!(asked.starts_with("\" LWW-Element-Set · "), "{asked}");
    let paused = title(&mut app, vec![key(KeyCode::Char('p'))]);
    assert!(
        paused.contains("step 1/4") && paused.contains("⏸ paused"),
        "{paused}"
    );
    app.run_line("partition A | B");
    app.run_line("option mistake reuse-tags B");
    let crowded = title(&mut app, vec![]);
    assert!(crowded.contains(" step 1/4 "), "{crowded}");
    assert!(
        crowded.contains("⏸ paused · partitioned A | B · mistake reuse-tags on B · diverged"),
        "{crowded}"
    );
}

#[test]
fn auto_scrolls_narration_with_more_below_before_it_leaves_the_page() {
    let mut app = lesson("orset-add-wins");
    app.ui.auto = Some(Duration::from_secs(1));
    // At 80x24 the title page's narration has more than the side panel shows.
    press(&mut app, vec![]);
    let most = app.layout.borrow().side_scroll;
    assert!(most > 0, "the title page's narration overflows at 80x24");
    ticks_at(&mut app, 1, 80, 24);
    assert_eq!(step(&app), 0, "scrolled, not moved on");
    assert!(app.ui.side_scroll > 0);
    let pages = most.div_ceil(app.ui.side_scroll);
    ticks_at(&mut app, pages - 1, 80, 24);
    assert_eq!((step(&app), app.ui.side_scroll), (0, most));
    ticks_at(&mut app, 1, 80, 24);
    assert_eq!(step(&app), 1, "at the end of the narration, the next step");
}

#[test]
fn keys_win_over_a_fast_auto_and_ctrl_c_on_the_command_line_drops_the_line() {
    let mut app = lesson("orset-add-wins");
    app.ui.auto = Some(Duration::from_millis(200));
    let inputs = [
        vec![key(KeyCode::Char(':'))],
        "A add zz".chars().map(|c| key(KeyCode::Char(c))).collect(),
        vec![super::tests::ctrl('c')],
    ]
    .concat();
    let (exit, terminal) = drive_script(&mut app, inputs, 80, 24);
    assert_eq!(
        exit,
        Exit::Closed,
        "Ctrl-C on the command line does not quit"
    );
    assert!(!app.ui.typing && app.ui.input.text().is_empty());
    assert!(!terminal.backend().to_string().contains("zz"));
    let (exit, _) = drive_script(&mut app, vec![key(KeyCode::Char('q'))], 80, 24);
    assert_eq!(exit, Exit::Quit);
}
