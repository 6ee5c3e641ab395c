//! Screen tests: insta snapshots of whole frames over a TestBackend, and the loop driven by
//! scripted inputs exactly as the terminal drives it.

use super::app::App;
use super::state::{Overlay, Screen};
use super::theme::Theme;
use super::{Events, Exit, Input, drive};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::style::Modifier;
use std::collections::VecDeque;
use std::time::Duration;

/// Inputs from a list, as a terminal would send them; `Tick` when asked to wait and none is left.
pub struct Script {
    pub inputs: VecDeque<Input>,
    pub ticks: usize,
}

impl Events for Script {
    fn next(&mut self, wait: Option<Duration>) -> Option<Input> {
        match self.inputs.pop_front() {
            Some(input) => Some(input),
            None if wait.is_some() && self.ticks > 0 => {
                self.ticks -= 1;
                Some(Input::Tick)
            }
            None => None,
        }
    }
}

pub fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// A line typed on the command line and entered.
pub fn typed(line: &str) -> Vec<Input> {
    let mut inputs: Vec<Input> = line.chars().map(|c| key(KeyCode::Char(c))).collect();
    inputs.push(key(KeyCode::Enter));
    inputs
}

pub fn theme() -> Theme {
    Theme::dark()
}

pub fn sandbox(setup: Option<&str>) -> App {
    App::sandbox(theme(), setup).unwrap_or_else(|e| panic!("{e}"))
}

/// Run lines through the app's command line, as if typed.
pub fn run(app: &mut App, lines: &[&str]) {
    for line in lines {
        app.run_line(line);
    }
}

pub fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    app.resize(width, height);
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {});
    terminal
        .draw(|f| f.render_widget(&*app, f.area()))
        .unwrap_or_else(|e| match e {});
    terminal
}

pub fn screen(app: &mut App, width: u16, height: u16) -> String {
    draw(app, width, height).backend().to_string()
}

pub fn buffer(app: &mut App, width: u16, height: u16) -> Buffer {
    draw(app, width, height).backend().buffer().clone()
}

/// The cells on the screen that spell `text`, first match.
pub fn find(buf: &Buffer, text: &str) -> Option<(u16, u16)> {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let row: String = (area.left()..area.right())
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = row.find(text) {
            let col = row[..i].chars().count() as u16;
            return Some((col, y));
        }
    }
    None
}

pub fn drive_script(
    app: &mut App,
    inputs: Vec<Input>,
    width: u16,
    height: u16,
) -> (Exit, Terminal<TestBackend>) {
    app.resize(width, height);
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {});
    let mut events = Script {
        inputs: inputs.into(),
        ticks: 0,
    };
    let exit = drive(&mut terminal, app, &mut events).unwrap_or_else(|e| match e {});
    (exit, terminal)
}

#[test]
fn home_screen() {
    let mut app = App::home(theme(), Default::default());
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn help_overlay_lists_the_keys_and_the_commands() {
    let mut app = sandbox(None);
    app.open_overlay(Overlay::Help);
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("→ Space n") && text.contains("next step"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn compare_view_shows_every_type_and_what_it_refused() {
    let mut app = sandbox(None);
    run(
        &mut app,
        &["A add x", "sync", "A remove x", "B add x", "sync"],
    );
    app.compare();
    let text = screen(&mut app, 80, 24);
    let gset = text
        .lines()
        .find(|l| l.contains("G-Set "))
        .unwrap_or_default();
    assert!(
        gset.contains("{x} {x} 2") && gset.contains("A remove x"),
        "the G-Set row is one line of the table:\n{text}"
    );
    assert!(
        text.contains("G-Set: A remove x — a G-Set is grow-only"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn timeline_draws_merges_and_deliveries_as_arrows() {
    let mut app = sandbox(Some("new orset A B C"));
    run(
        &mut app,
        &[
            "A add x",
            "B merge A",
            "send A C",
            "C add y",
            "deliver",
            "sync A B",
            "partition A | B C",
            "sync",
        ],
    );
    app.open_overlay(Overlay::Timeline);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("▶●") && text.contains("deliver"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn six_replicas_wrap_into_rows_at_80x24() {
    let mut app = sandbox(Some("new orset A B C D E F"));
    run(&mut app, &["A add x", "D add y", "B merge A"]);
    let text = screen(&mut app, 80, 24);
    for name in ["A", "B", "C", "D", "E", "F"] {
        assert!(
            text.contains(&format!(" {name} ")),
            "panel {name} missing:\n{text}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn an_error_shows_inline_and_the_screen_stays() {
    let mut app = sandbox(None);
    let (exit, terminal) = drive_script(
        &mut app,
        [vec![key(KeyCode::Char(':'))], typed("A remov x")].concat(),
        80,
        24,
    );
    assert_eq!(exit, Exit::Closed);
    let text = terminal.backend().to_string();
    assert!(text.contains("did you mean remove?"), "{text}");
    assert_eq!(app.ui.screen, Screen::Lab);
    insta::assert_snapshot!(text);
}

#[test]
fn a_partitioned_network_with_messages_in_flight() {
    let mut app = sandbox(Some("new orset A B C"));
    run(
        &mut app,
        &[
            "A add x",
            "send A B",
            "partition A | B C",
            "send A C",
            "B add y",
            "send B C",
        ],
    );
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("partitioned [A] ╳ [B C]"), "{text}");
    assert!(
        text.contains(
            "#1 A → B  live {x: {a1}}  tombstones {}  (104 bytes)  (held by the partition)"
        ),
        "each message shows what it carries, in the type's own fields:\n{text}"
    );
    assert!(
        text.contains("#3 B → C  live {y: {b1}}  tombstones {}  "),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn tombstoned_tags_are_struck_through_and_live_ones_are_not() {
    let mut app = sandbox(None);
    run(&mut app, &["A add x", "A remove x", "A add x"]);
    let buf = buffer(&mut app, 80, 24);
    let (x, y) = find(&buf, "tombstones {x: {a1}}").expect("the tombstone is on screen");
    let tag = buf[(x + 16, y)].clone();
    assert_eq!(tag.symbol(), "a");
    assert!(tag.modifier.contains(Modifier::CROSSED_OUT));
    let (x, y) = find(&buf, "live       {x: {a2}}").expect("the live tag is on screen");
    assert!(!buf[(x + 16, y)].modifier.contains(Modifier::CROSSED_OUT));
}

#[test]
fn the_new_tag_of_the_last_command_is_highlighted_and_the_panel_marked() {
    let mut app = sandbox(None);
    run(&mut app, &["A add x", "B add x", "A merge B"]);
    let buf = buffer(&mut app, 80, 24);
    assert!(find(&buf, "A ● changed").is_some(), "A is marked changed");
    assert!(find(&buf, "B ● changed").is_none(), "B did not change");
    let (x, y) = find(&buf, "{x: {a1, b1}}").expect("A's tags");
    let (a1, b1) = (&buf[(x + 5, y)], &buf[(x + 9, y)]);
    assert_eq!((a1.symbol(), b1.symbol()), ("a", "b"));
    assert!(
        b1.modifier.contains(Modifier::UNDERLINED) && !a1.modifier.contains(Modifier::UNDERLINED)
    );
}

#[test]
fn without_colour_every_distinction_remains() {
    let mut app = sandbox(None);
    app.theme = Theme::monochrome();
    run(&mut app, &["A add x", "A remove x", "B add y"]);
    let buf = buffer(&mut app, 80, 24);
    assert!(
        buf.content
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset)
    );
    let (x, y) = find(&buf, "{x: {a1}}").expect("tombstone");
    assert!(buf[(x + 5, y)].modifier.contains(Modifier::CROSSED_OUT));
    assert!(find(&buf, "▶ A").is_some(), "the focus marker");
    assert!(find(&buf, "B ● changed").is_some(), "the changed marker");
}

#[test]
fn tab_focuses_the_next_replica_and_a_x_adds_there() {
    let mut app = sandbox(None);
    let inputs = [vec![key(KeyCode::Tab), key(KeyCode::Char('a'))], typed("x")].concat();
    let (_, terminal) = drive_script(&mut app, inputs, 80, 24);
    assert_eq!(
        app.lab()
            .world()
            .replica("B")
            .map(|r| r.set.visible().to_string())
            .ok()
            .as_deref(),
        Some("{x}")
    );
    let text = terminal.backend().to_string();
    assert!(text.contains("▶ B") && text.contains("✓ B add x"), "{text}");
}

#[test]
fn a_colon_typed_again_on_the_open_command_line_is_not_part_of_the_command() {
    let mut app = sandbox(None);
    let inputs = [
        vec![key(KeyCode::Char(':'))],
        typed("partition A | B"),
        typed(":A add y"),
    ]
    .concat();
    let (_, terminal) = drive_script(&mut app, inputs, 80, 24);
    let a = app
        .lab()
        .world()
        .replica("A")
        .map(|r| r.set.visible().to_string());
    assert_eq!(a.ok().as_deref(), Some("{y}"));
    assert!(terminal.backend().to_string().contains("✓ A add y"));
}

#[test]
fn undo_and_redo_keys_walk_the_history() {
    let mut app = sandbox(None);
    run(&mut app, &["A add x", "A add y"]);
    let (_, _) = drive_script(
        &mut app,
        vec![key(KeyCode::Char('u')), key(KeyCode::Char('u'))],
        80,
        24,
    );
    assert_eq!(app.lab().position(), 0);
    let (_, terminal) = drive_script(&mut app, vec![ctrl('y')], 80, 24);
    assert_eq!(app.lab().position(), 1);
    assert!(terminal.backend().to_string().contains("redid A add x"));
}

#[test]
fn tab_completes_on_the_command_line_and_up_recalls() {
    let mut app = sandbox(None);
    let mut inputs = vec![key(KeyCode::Char(':'))];
    inputs.extend("A me".chars().map(|c| key(KeyCode::Char(c))));
    inputs.push(key(KeyCode::Tab));
    inputs.extend(typed("B"));
    inputs.push(key(KeyCode::Up));
    let (_, terminal) = drive_script(&mut app, inputs, 80, 24);
    assert_eq!(app.ui.input.text(), "A merge B");
    assert!(
        terminal.backend().to_string().contains("<R> merge <S>"),
        "the usage hint shows"
    );
}

#[test]
fn clicking_a_panel_focuses_it_and_the_wheel_scrolls_it() {
    let mut app = sandbox(None);
    for k in 0..40 {
        app.run_line(&format!("B add element{k}"));
    }
    let buf = buffer(&mut app, 80, 24);
    let (x, y) = find(&buf, " B ").expect("B's panel");
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x,
        row: y + 2,
        modifiers: KeyModifiers::NONE,
    };
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        ..click
    };
    let (_, terminal) = drive_script(
        &mut app,
        vec![Input::Mouse(click), Input::Mouse(wheel)],
        80,
        24,
    );
    assert_eq!(app.ui.focus, 1);
    assert_eq!(app.ui.scroll[1], 3);
    let text = terminal.backend().to_string();
    assert!(
        text.contains("↑3") && text.contains("more"),
        "scroll marks say what is hidden:\n{text}"
    );
}

#[test]
fn a_huge_field_scrolls_and_says_how_much_is_hidden() {
    let mut app = sandbox(None);
    for k in 0..200 {
        app.run_line(&format!("A add {k}"));
    }
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("more"), "{text}");
    assert!(text.contains("{0, 1, 2, 3"), "{text}");
}

#[test]
fn the_wide_layout_puts_the_narration_on_the_right_and_a_live_timeline_under_the_panels() {
    let mut app = sandbox(Some("new orset A B C D E F G H"));
    run(&mut app, &["A add x", "H merge A"]);
    let buf = buffer(&mut app, 200, 50);
    let (x, _) = find(&buf, "sandbox ─").expect("side panel title");
    assert!(
        x > 120,
        "the side panel stands on the right at 200 columns, found at {x}"
    );
    assert!(find(&buf, " H ").is_some(), "all eight panels fit");
    assert!(find(&buf, "not shown").is_none());
    let (x, _) = find(&buf, " E ").expect("five panels in the first row");
    assert!(x > 100, "panels share the width: E starts at {x}");
    let (_, y) = find(&buf, "timeline (t opens it whole)").expect("a live timeline");
    let (_, merge) =
        find(&buf, "H merge A").expect("the merge is on the timeline and in the history");
    assert!(merge > y, "the timeline shows the latest commands");
    let text = screen(&mut app, 80, 24);
    assert!(
        !text.contains("timeline (t opens"),
        "no room for it at 80×24:\n{text}"
    );
}

#[test]
fn q_quits_the_sandbox_and_goes_back_home_from_the_home_screen() {
    let mut app = sandbox(None);
    let (exit, _) = drive_script(&mut app, vec![key(KeyCode::Char('q'))], 80, 24);
    assert_eq!(exit, Exit::Quit);
    let mut app = App::home(theme(), Default::default());
    let (exit, _) = drive_script(
        &mut app,
        vec![key(KeyCode::Enter), key(KeyCode::Char('q'))],
        80,
        24,
    );
    assert_eq!(exit, Exit::Closed);
    assert_eq!(app.ui.screen, Screen::Home);
}

#[test]
fn a_tiny_terminal_says_so_instead_of_drawing_garbage() {
    let mut app = sandbox(None);
    assert!(screen(&mut app, 19, 6).contains("crdt-lab needs"));
}

pub fn lesson(name: &str) -> App {
    let lesson = crate::lesson::find(name).unwrap_or_else(|e| panic!("{e}"));
    App::lesson(theme(), lesson)
}

fn press(app: &mut App, inputs: Vec<Input>) -> Terminal<TestBackend> {
    drive_script(app, inputs, 80, 24).1
}

#[test]
fn a_lesson_at_its_first_step() {
    let mut app = lesson("orset-add-wins");
    let text = press(&mut app, vec![key(KeyCode::Right)])
        .backend()
        .to_string();
    assert!(
        text.contains("step 1/4") && text.contains("1. A removes x"),
        "{text}"
    );
    assert!(text.contains("tombstones {x: {a1}}"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_lesson_in_the_middle_asks_before_it_reveals() {
    let mut app = lesson("orset-add-wins");
    let text = press(&mut app, vec![key(KeyCode::Right), key(KeyCode::Right)])
        .backend()
        .to_string();
    assert!(
        text.contains("step 2/4") && text.contains("live       {x: {a1, b1}}"),
        "{text}"
    );
    insta::assert_snapshot!("a_lesson_in_the_middle", text);
    let text = press(&mut app, vec![key(KeyCode::Right)])
        .backend()
        .to_string();
    assert!(
        text.contains("Is x present afterwards?") && text.contains("Press 1 to 3"),
        "{text}"
    );
    assert!(
        text.contains("{x: {a1, b1}}"),
        "the panels stay in sight under a question:\n{text}"
    );
    insta::assert_snapshot!("a_question_before_answering", text);
    let text = press(&mut app, vec![key(KeyCode::Char('3'))])
        .backend()
        .to_string();
    assert!(
        text.contains("✗ 3.") && text.contains("Not quite, try again"),
        "{text}"
    );
    assert!(
        !text.contains("✓ 1.") && !text.contains("nothing tombstones it"),
        "a wrong answer gives nothing away:\n{text}"
    );
    assert!(text.contains("score 0/1"), "{text}");
    insta::assert_snapshot!("a_question_after_a_wrong_answer", text);
    let text = press(&mut app, vec![key(KeyCode::Right), key(KeyCode::Char('2'))])
        .backend()
        .to_string();
    assert!(
        text.contains("step 2/4") && text.contains("✗ 2.") && text.contains("✗ 3."),
        "→ does not pass an unanswered question; a second wrong try is marked too:\n{text}"
    );
    let text = press(&mut app, vec![key(KeyCode::Char('s'))])
        .backend()
        .to_string();
    assert!(
        text.contains("✓ 1.")
            && text.contains("The answer:")
            && text.contains("nothing tombstones it"),
        "s gives up and shows the answer with its explanation:\n{text}"
    );
    assert!(text.contains("score 0/1"), "{text}");
    // Answered: the footer and the panel's border offer → and no longer the answer keys.
    let footer = text.lines().last().unwrap_or_default();
    assert!(
        footer.contains("→ go on") && !footer.contains("answer"),
        "{footer}"
    );
    assert!(text.contains("╰ → goes on · Esc closes"), "{text}");
    let text = press(&mut app, vec![key(KeyCode::Right)])
        .backend()
        .to_string();
    assert!(
        text.contains("step 3/4") && text.contains("converged"),
        "→ goes on after the answer:\n{text}"
    );
}

#[test]
fn right_after_a_wrong_try_scores_nothing_and_a_revisit_shows_the_answer() {
    let mut app = lesson("orset-add-wins");
    let mut inputs = vec![key(KeyCode::Right); 3];
    inputs.extend([key(KeyCode::Char('2')), key(KeyCode::Char('1'))]);
    let text = press(&mut app, inputs).backend().to_string();
    assert!(
        text.contains("Right, this time.") && text.contains("score 0/1"),
        "the score counts right the first time only:\n{text}"
    );
    let inputs = vec![key(KeyCode::Right), key(KeyCode::Left), key(KeyCode::Right)];
    let text = press(&mut app, inputs).backend().to_string();
    assert!(
        text.contains("step 2/4") && text.contains("Answered before.") && text.contains("✓ 1."),
        "← then → shows the question answered, with its explanation:\n{text}"
    );
    assert!(text.contains("nothing tombstones it"), "{text}");
    let text = press(&mut app, vec![key(KeyCode::Right)])
        .backend()
        .to_string();
    assert!(text.contains("step 3/4"), "{text}");
}

#[test]
fn a_lesson_at_its_last_step_and_back() {
    let mut app = lesson("orset-add-wins");
    let mut inputs = vec![key(KeyCode::Right); 3];
    inputs.extend([
        key(KeyCode::Char('1')),
        key(KeyCode::Right),
        key(KeyCode::Right),
    ]);
    let text = press(&mut app, inputs).backend().to_string();
    assert!(
        text.contains("step 4/4") && text.contains("last step"),
        "{text}"
    );
    assert!(
        app.ui.done.contains("orset-add-wins"),
        "reaching the end marks the lesson done"
    );
    insta::assert_snapshot!(text);
    let text = press(&mut app, vec![key(KeyCode::Left), key(KeyCode::Left)])
        .backend()
        .to_string();
    assert!(
        text.contains("step 2/4") && text.contains("live       {x: {a1, b1}}"),
        "← walks back:\n{text}"
    );
}

#[test]
fn experiments_in_a_lesson_are_rolled_back_by_the_next_step() {
    let mut app = lesson("orset-add-wins");
    let inputs = [
        vec![key(KeyCode::Right), key(KeyCode::Char(':'))],
        typed("B add zebra"),
        vec![key(KeyCode::Esc)],
    ]
    .concat();
    let text = press(&mut app, inputs).backend().to_string();
    assert!(text.contains("zebra"), "{text}");
    let text = press(&mut app, vec![key(KeyCode::Right)])
        .backend()
        .to_string();
    assert!(!text.contains("zebra: {b"), "{text}");
    assert!(text.contains("rolled back"), "{text}");
}

#[test]
fn auto_advances_a_lesson_and_pauses_on_its_question() {
    let mut app = lesson("orset-add-wins");
    app.ui.auto = Some(Duration::from_secs(3));
    // Tall enough that no narration has more below (--auto would scroll it first).
    app.resize(160, 50);
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).unwrap_or_else(|e| match e {});
    let mut events = Script {
        inputs: VecDeque::new(),
        ticks: 10,
    };
    let exit = drive(&mut terminal, &mut app, &mut events).unwrap_or_else(|e| match e {});
    assert_eq!(exit, Exit::Closed);
    assert_eq!(app.session.player().map(|p| p.step()), Some(2));
    assert_eq!(app.ui.overlay, Some(Overlay::Question));
    assert_eq!(
        events.ticks, 1,
        "three intervals of three one-second ticks: steps 1 and 2, then the question; then it waits"
    );
    assert_eq!(
        app.wait(),
        None,
        "a waiting question blocks until someone answers"
    );
}

#[test]
fn the_home_screen_opens_a_lesson_and_q_comes_back() {
    let mut app = App::home(theme(), Default::default());
    let mut inputs = vec![key(KeyCode::Down); 11];
    inputs.push(key(KeyCode::Enter));
    let text = press(&mut app, inputs).backend().to_string();
    assert!(text.contains("OR-Set: remove against add"), "{text}");
    let text = press(&mut app, vec![key(KeyCode::Char('q'))])
        .backend()
        .to_string();
    assert_eq!(app.ui.screen, Screen::Home);
    assert!(text.contains("Lessons and the sandbox"), "{text}");
}

/// The modules that change the app, and the ones that draw it. Update code reads what a frame
/// measured from `layout` and never calls into drawing code.
const UPDATE: &[(&str, &str)] = &[
    ("app", include_str!("app.rs")),
    ("auto", include_str!("auto.rs")),
    ("worked", include_str!("worked.rs")),
    ("diff", include_str!("diff.rs")),
    ("input", include_str!("input.rs")),
    ("keys", include_str!("keys.rs")),
    ("markdown", include_str!("markdown.rs")),
    ("playback", include_str!("playback.rs")),
    ("session", include_str!("session.rs")),
    ("state", include_str!("state.rs")),
    ("layout", include_str!("layout.rs")),
    ("theme", include_str!("theme.rs")),
];
const DRAWING: &[&str] = &[
    "output", "overlays", "panels", "prose", "table", "timeline", "ui", "wrap",
];

/// Every `super::x` a source names, including each name of `super::{x, y}`.
fn siblings(source: &str) -> Vec<String> {
    let word = |text: &str| -> String {
        let text = text.trim_start();
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = vec![];
    for (k, _) in source.match_indices("super::") {
        let rest = &source[k + "super::".len()..];
        match rest.strip_prefix('{') {
            Some(list) => {
                let list = list.split('}').next().unwrap_or("");
                out.extend(list.split(',').map(word));
            }
            None => out.push(word(rest)),
        }
    }
    out
}

#[test]
fn update_code_never_imports_drawing_code() {
    for (module, source) in UPDATE {
        for name in siblings(source) {
            assert!(
                !DRAWING.contains(&name.as_str()),
                "{module}.rs imports the drawing module {name}"
            );
        }
    }
    assert_eq!(
        siblings("use super::{ui, app::App};\nuse super::wrap::Wrap;"),
        ["ui", "app", "wrap"],
        "the check reads both forms"
    );
}
