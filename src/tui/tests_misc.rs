//! Tests of the terminal conventions and the screen's leftovers: Ctrl-Z, hjkl, the mouse
//! released, bracketed paste, keys over the `--auto` timer, the real cursor, escaped text, the
//! timeline's legend and marks, the network strip's links, ops and waiting ops, the mistake in
//! the title bar, and the seed's properties table under compare.

use super::app::{App, Message, Mode};
use super::keys;
use super::state::{Request, Tone};
use super::tests::{ctrl, key, lesson, run, sandbox, screen, theme};
use super::{Events, Exit, Input, KEY_HOLD, Options, Start, app_for, drive};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::VecDeque;
use std::time::Duration;

/// Inputs from a list; a tick whenever the loop asks for one with nothing left to wait for
/// (`Some(0)`: a paste is running), and a record of every wait and request.
#[derive(Default)]
struct Recorder {
    inputs: VecDeque<Input>,
    waits: Vec<Option<Duration>>,
    requests: Vec<Request>,
}

impl Events for Recorder {
    fn next(&mut self, wait: Option<Duration>) -> Option<Input> {
        self.waits.push(wait);
        match self.inputs.pop_front() {
            Some(input) => Some(input),
            None if wait == Some(Duration::ZERO) => Some(Input::Tick),
            None => None,
        }
    }

    fn request(&mut self, request: Request) -> std::io::Result<bool> {
        self.requests.push(request);
        Ok(request == Request::Suspend)
    }
}

fn drive_with(
    app: &mut App,
    inputs: Vec<Input>,
    w: u16,
    h: u16,
) -> (Recorder, Terminal<TestBackend>) {
    app.resize(w, h);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| match e {});
    let mut events = Recorder {
        inputs: inputs.into(),
        ..Recorder::default()
    };
    let exit = drive(&mut terminal, app, &mut events).unwrap_or_else(|e| match e {});
    assert_eq!(exit, Exit::Closed);
    (events, terminal)
}

fn text_of(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

fn press(c: char) -> Input {
    key(KeyCode::Char(c))
}

#[test]
fn ctrl_z_asks_the_terminal_to_suspend_and_undoes_nothing() {
    let mut app = sandbox(Some("new orset A B"));
    run(&mut app, &["A add x"]);
    let mut inputs = vec![ctrl('z'), press(':')];
    inputs.extend("B add".chars().map(press));
    inputs.push(ctrl('z'));
    let (events, _) = drive_with(&mut app, inputs, 80, 24);
    assert_eq!(
        events.requests,
        [Request::Suspend, Request::Suspend],
        "on the lab screen and while typing"
    );
    assert_eq!(app.lab().history().len(), 2, "nothing was undone");
    assert_eq!(app.ui.input.text(), "B add", "the line being typed is kept");
    assert_eq!(app.mode(), Mode::Typing);
    // u still undoes, and the help says Ctrl-Z suspends.
    let u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::NONE);
    assert_eq!(keys::message(Mode::Lab, &u), Some(Message::Undo));
    let help = keys::BINDINGS
        .iter()
        .find(|b| b.message == Message::Suspend)
        .map(|b| (b.label, b.about));
    assert!(
        help.is_some_and(|(label, about)| label == "Ctrl-Z" && about.contains("suspend")),
        "{help:?}"
    );
}

#[test]
fn hjkl_step_and_scroll_on_the_lab_screen_and_type_on_the_command_line() {
    let m =
        |mode, c: char| keys::message(mode, &KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    assert_eq!(m(Mode::Lab, 'h'), Some(Message::Back));
    assert_eq!(m(Mode::Lab, 'l'), Some(Message::Next));
    assert_eq!(m(Mode::Lab, 'k'), Some(Message::ScrollPanel(-1)));
    assert_eq!(m(Mode::Lab, 'j'), Some(Message::ScrollPanel(1)));
    assert_eq!(
        m(Mode::Home, 'j'),
        Some(Message::Select(1)),
        "home keeps its j"
    );
    assert_eq!(m(Mode::Typing, 'l'), Some(Message::Type('l')));
    let mut app = sandbox(Some("new orset A B"));
    run(&mut app, &["A add x", "A add y"]);
    drive_with(&mut app, vec![press('h'), press('h')], 80, 24);
    assert_eq!(app.lab().position(), 1, "h twice undid both adds");
    drive_with(&mut app, vec![press('l')], 80, 24);
    assert_eq!(app.lab().position(), 2, "l redid one");
}

#[test]
fn m_releases_the_mouse_and_takes_it_back_and_no_mouse_starts_released() {
    let mut app = sandbox(Some("new orset A B"));
    assert!(app.ui.mouse);
    let (events, terminal) = drive_with(&mut app, vec![press('M')], 80, 24);
    assert_eq!(events.requests, [Request::Mouse(false)]);
    assert!(
        text_of(&terminal).contains("mouse is released"),
        "{}",
        text_of(&terminal)
    );
    let (events, _) = drive_with(&mut app, vec![press('M')], 80, 24);
    assert_eq!(events.requests, [Request::Mouse(true)]);
    let options = Options {
        no_mouse: true,
        ..Options::default()
    };
    let app = app_for(Start::Sandbox(None), &options).unwrap_or_else(|e| panic!("{e}"));
    assert!(!app.ui.mouse, "--no-mouse");
}

#[test]
fn a_one_line_paste_lands_on_the_command_line_and_runs_nothing() {
    let mut app = sandbox(Some("new orset A B"));
    let inputs = vec![Input::Paste("A add\tx\r\n".into())];
    let (_, terminal) = drive_with(&mut app, inputs, 80, 24);
    assert_eq!(app.mode(), Mode::Typing);
    assert_eq!(app.ui.input.text(), "A add x");
    assert_eq!(app.lab().history().len(), 1, "nothing ran yet");
    assert!(text_of(&terminal).contains("› A add x"));
}

#[test]
fn pgdn_on_an_overlay_scrolls_a_page_at_every_size_as_help_says() {
    let pgdn = key(KeyCode::PageDown);
    for (w, h) in [(80, 24), (100, 30), (200, 50)] {
        let mut app = sandbox(Some("new orset A B"));
        let (_, terminal) = drive_with(&mut app, vec![press('?'), pgdn.clone()], w, h);
        // The help box is the screen less the title bar, command line and footer; of the
        // lines inside its borders, a page keeps two of the one before in sight.
        let page = usize::from(h) - 3 - 2 - 2;
        assert_eq!(app.ui.overlay_scroll, page, "{w}x{h}");
        let text = text_of(&terminal);
        assert!(text.contains(&format!("↑{page} ")), "{text}");
    }
}

#[test]
fn end_on_the_home_screen_chooses_the_sandbox_and_home_the_first_lesson() {
    let mut app = App::home(theme(), Default::default());
    let (_, terminal) = drive_with(&mut app, vec![key(KeyCode::End)], 80, 24);
    assert_eq!(app.ui.selected, app.ui.home.len() - 1);
    let text = text_of(&terminal);
    let chosen = text.lines().find(|l| l.contains("▶")).unwrap_or_default();
    assert!(chosen.to_lowercase().contains("sandbox"), "{text}");
    drive_with(&mut app, vec![press('g')], 80, 24);
    assert_eq!(app.ui.selected, 0);
    drive_with(&mut app, vec![key(KeyCode::PageDown)], 80, 24);
    assert_eq!(app.ui.selected, 5);
}

#[test]
fn compare_on_a_lab_of_one_command_says_this_command() {
    let mut app = sandbox(Some("new orset A B"));
    let (_, terminal) = drive_with(&mut app, vec![press('c')], 80, 24);
    let text = text_of(&terminal);
    assert!(
        text.contains("Compare: this command on every set type"),
        "{text}"
    );
}

#[test]
fn a_paste_on_the_home_screen_says_to_open_a_lab_first() {
    let mut app = App::home(theme(), Default::default());
    let (_, terminal) = drive_with(&mut app, vec![Input::Paste("A add x".into())], 80, 24);
    let text = text_of(&terminal);
    assert!(
        text.contains("open a lesson or the sandbox first") && !text.contains("close what"),
        "{text}"
    );
}

#[test]
fn a_multi_line_paste_runs_as_a_batch_with_progress_and_esc_stops_it() {
    let mut app = sandbox(Some("new orset A B"));
    let paste = "A add x\rA add y\r\n\nB merge A\nC add z\n";
    let (events, _) = drive_with(&mut app, vec![Input::Paste(paste.into())], 80, 24);
    assert_eq!(app.lab().history().len(), 5, "four lines ran (C's refused)");
    assert!(events.waits.contains(&Some(Duration::ZERO)), "between keys");
    let status = app.ui.status.clone().map(|s| (s.tone, s.text));
    assert!(
        matches!(&status, Some((Tone::Error, t)) if t.starts_with("ran 4 of 4 pasted lines; 1 refused") && t.contains("C")),
        "{status:?}"
    );
    // A long paste: the first step runs PER_STEP lines and says so; Esc drops the rest.
    let mut app = sandbox(Some("new orset A B"));
    let long: String = (0..100).map(|k| format!("A add e{k}\n")).collect();
    super::update(&mut app, Message::Paste(long));
    assert!(
        app.ui
            .status
            .as_ref()
            .is_some_and(|s| s.text.contains("pasting: 0/100")),
        "{:?}",
        app.ui.status
    );
    super::update(&mut app, Message::PasteStep);
    let said = app.ui.status.clone().map(|s| s.text).unwrap_or_default();
    assert!(
        said.contains("pasting: 20/100 lines run, 0 refused"),
        "{said}"
    );
    let esc = Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    let (_, _) = drive_with(&mut app, vec![esc], 80, 24);
    assert_eq!(app.lab().history().len(), 21);
    let said = app.ui.status.clone().map(|s| s.text).unwrap_or_default();
    assert_eq!(said, "stopped after 20 of 100 pasted lines");
    assert!(!app.ui.quit, "Esc stopped the paste, not the app");
}

#[test]
fn after_a_key_the_auto_countdown_holds_off_and_the_title_bar_says_how_long() {
    // A lesson under --auto 0.2 s: after ? and Esc the countdown has the hold to run, and the
    // title bar counts it down, rather than a figure that stands still while the timer waits.
    let mut app = lesson("lww-clock-decides");
    app.ui.auto = Some(Duration::from_millis(200));
    let esc = Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    let (events, terminal) = drive_with(&mut app, vec![press('?'), esc], 80, 24);
    assert_eq!(app.auto_left(), Some(KEY_HOLD));
    let title = text_of(&terminal)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(title.contains("▶ 3s (p pauses)"), "{title}");
    let last = events.waits.last().copied().flatten();
    assert_eq!(last, Some(Duration::from_secs(1)), "{:?}", events.waits);
}

#[test]
fn the_real_cursor_stands_after_wide_characters_at_their_display_width() {
    let mut app = sandbox(Some("new orset A B"));
    let mut inputs = vec![press(':')];
    inputs.extend("A add 漢字é".chars().map(press));
    inputs.push(key(KeyCode::Left));
    let (_, mut terminal) = drive_with(&mut app, inputs, 80, 24);
    let at = terminal
        .get_cursor_position()
        .unwrap_or_else(|e| match e {});
    // "A › " is 4 columns, "A add " 6, 漢字 4: the cursor stands on é.
    assert_eq!((at.x, at.y), (14, 22), "{}", text_of(&terminal));
    let row: String = (0..20)
        .map(|x| terminal.backend().buffer()[(x, 22)].symbol().to_string())
        .collect();
    assert!(row.starts_with("A › A add 漢"), "{row:?}");
}

#[test]
fn control_characters_from_users_show_escaped() {
    let mut app = sandbox(Some("new orset A B"));
    run(
        &mut app,
        &["A add \"\u{1b}[2J\u{1b}[31mRED\"", "step \"a\u{7}b\""],
    );
    let text = screen(&mut app, 100, 30);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("\\e[2J\\e[31mRED"), "{text}");
    assert!(text.contains("a\\x07b"), "{text}");
    // The line as typed titles its answer; the timeline draws the element's row.
    app.run_line("lookup \"\u{1b}[2J\u{1b}[31mRED\"");
    let text = screen(&mut app, 100, 30);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("lookup \"\\e[2J"), "{text}");
    super::update(&mut app, Message::Timeline);
    let text = screen(&mut app, 100, 30);
    assert!(
        !text.contains('\u{1b}') && text.contains("\\e[2J"),
        "{text}"
    );
}

fn timeline_text(lines: &[&str], width: u16, height: u16) -> String {
    let mut app = sandbox(None);
    run(&mut app, lines);
    super::update(&mut app, Message::Timeline);
    screen(&mut app, width, height)
}

#[test]
fn the_timeline_has_a_legend_and_the_isolated_side_of_a_sync_keeps_its_lifeline() {
    let text = timeline_text(
        &[
            "new orset A B C",
            "partition A C | B",
            "A add x",
            "sync",
            "send A C",
            "duplicate 1",
        ],
        80,
        24,
    );
    for words in ["● add", "× remove", "◎┄┄ duplicate", "◆══◆ sync, each side"] {
        assert!(text.contains(words), "the legend names {words}:\n{text}");
    }
    let sync = text.lines().find(|l| l.contains("  sync")).unwrap_or("");
    let graph: Vec<char> = sync.chars().skip(7).take(24).collect();
    let graph: String = graph.into_iter().collect();
    assert!(graph.contains("◆═══"), "{sync}");
    assert_eq!(graph.matches('│').count(), 1, "B met nobody: {sync}");
    assert_eq!(graph.matches('◆').count(), 2, "{sync}");
    let duplicate = text
        .lines()
        .find(|l| l.contains("duplicate 1"))
        .unwrap_or("");
    assert!(duplicate.contains('◎'), "{duplicate}");
}

#[test]
fn timeline_rows_too_wide_for_the_box_end_with_an_ellipsis() {
    let names: Vec<String> = (0..8).map(|k| format!("R{k}")).collect();
    let new = format!("new orset {}", names.join(" "));
    let theme = theme();
    let mut lab = crate::lab::Lab::new();
    for line in [new.as_str(), "R0 add x", "R7 merge R0"] {
        if let Err(e) = crate::script::execute(&mut lab, line) {
            panic!("{line}: {e}");
        }
    }
    let t = lab.timeline();
    assert_eq!(t.replicas.len(), 8);
    for line in super::timeline::lines(&t, &theme, 20, 0..10) {
        let text = line.to_string();
        assert!(line.width() <= 20, "{text}");
        assert!(text.ends_with('…'), "a cut row ends with …: {text}");
    }
}

#[test]
fn the_title_bar_says_when_a_mistake_is_on() {
    let mut app = sandbox(Some("new orset A B"));
    run(&mut app, &["option mistake reuse-tags"]);
    let text = screen(&mut app, 100, 30);
    let title = text.lines().next().unwrap_or("");
    assert!(title.contains("mistake reuse-tags"), "{title}");
    run(
        &mut app,
        &["option mistake none", "option mistake merge-one-side B"],
    );
    let text = screen(&mut app, 100, 30);
    assert!(
        text.lines()
            .next()
            .unwrap_or("")
            .contains("mistake merge-one-side on B")
    );
    run(&mut app, &["option mistake none B"]);
    let text = screen(&mut app, 100, 30);
    assert!(
        !text.lines().next().unwrap_or("").contains("mistake"),
        "{text}"
    );
}

#[test]
fn a_single_cut_link_is_drawn_and_the_network_is_not_called_whole() {
    let mut app = sandbox(Some("new orset home work phone"));
    run(&mut app, &["cut home phone"]);
    let text = screen(&mut app, 100, 30);
    assert!(!text.contains("whole"), "{text}");
    assert!(text.contains("links cut: home ╳ phone"), "{text}");
    assert!(
        text.lines().next().unwrap_or("").contains("1 link cut"),
        "{text}"
    );
    run(&mut app, &["link home phone"]);
    assert!(screen(&mut app, 100, 30).contains("network whole"));
}

#[test]
fn the_strip_shows_the_sync_mode_each_op_with_its_size_and_ops_waiting() {
    let mut app = sandbox(None);
    run(
        &mut app,
        &[
            "option sync ops",
            "new orswot A B C",
            "A add x",
            "send A C",
            "send A B",
        ],
    );
    let view = &app.session.view;
    let bytes = view.wire[0].bytes;
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("sync ops"), "{text}");
    assert!(text.contains("#1 A → C  add x a1"), "{text}");
    assert!(text.contains(&format!("({bytes} bytes)")), "{text}");
    run(
        &mut app,
        &[
            "deliver 2",
            "B remove x",
            "send B C",
            "deliver 3",
            "cut A C",
        ],
    );
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("C holds, waiting: remove x {a1}"), "{text}");
    let held = format!("#1 A → C  add x a1  ({bytes} bytes)  (held: the link A ╳ C is cut)");
    assert!(text.contains(&held), "{text}");
    // A snapshot says its size too, and the mode is named while messages are in flight.
    let mut app = sandbox(Some("new orset A B"));
    run(&mut app, &["A add x", "send A B"]);
    let bytes = app.session.view.wire[0].bytes;
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("sync state"), "{text}");
    assert!(text.contains(&format!("({bytes} bytes)")), "{text}");
}

#[test]
fn compare_shows_the_seeds_table_of_properties_with_this_historys_numbers() {
    let mut app = sandbox(Some("new orset A B"));
    run(
        &mut app,
        &["A add x", "B merge A", "A remove x", "B add x", "sync"],
    );
    app.compare();
    let text = screen(&mut app, 140, 60);
    assert!(text.contains("The seed's properties (§4)"), "{text}");
    for row in [
        "supports remove?",
        "can re-add after remove?",
        "metadata cost",
    ] {
        assert!(text.contains(row), "{row}:\n{text}");
    }
    assert!(text.contains("here:"), "the history's numbers:\n{text}");
    // Where a table cannot scroll sideways (a lesson's compare, in the narration at 100x30),
    // every type of the seed's table still has its column.
    let mut app = lesson("one-story-four-answers");
    let at = app.session.player().map_or(0, |p| {
        p.lesson()
            .steps
            .iter()
            .position(|s| s.title == "compare")
            .map_or(0, |k| k + 1)
    });
    assert!(at > 0, "the lesson has its compare step");
    // A teacher's jump, typed on the command line: the step's narration, no question over it.
    run(&mut app, &[&format!("go {at}")]);
    assert_eq!(app.session.player().map(|p| p.step()), Some(at));
    let mut seen = String::new();
    for offset in 0..200 {
        app.ui.side_scroll = offset;
        seen.push_str(&screen(&mut app, 100, 30));
    }
    for header in ["G-Set", "2P-Set", "LWW-Element-Set", "OR-Set"] {
        let column = format!(" {header} ");
        assert!(
            seen.lines()
                .any(|l| l.contains("│ property") && l.contains(&column)),
            "{header} has a column in the narration"
        );
    }
    assert!(!seen.contains("not shown"), "no column is left out");
}

#[test]
fn the_home_screen_keeps_its_keys() {
    // hjkl do not leak onto the home screen: k and j choose there, h means nothing.
    let app = App::home(theme(), Default::default());
    let m = |c: char| {
        keys::message(
            app.mode(),
            &KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        )
    };
    assert_eq!(m('k'), Some(Message::Select(-1)));
    assert_eq!(m('h'), None);
}

#[test]
fn a_huge_paste_is_cut_to_the_command_line_and_a_huge_batch_line_is_not_run() {
    let mut app = sandbox(Some("new orset A B"));
    let huge = "x".repeat(2_000_000);
    super::update(&mut app, Message::Paste(format!("A add {huge}")));
    assert_eq!(app.ui.input.text().chars().count(), super::input::MAX_INPUT);
    let said = app.ui.status.clone().map(|s| s.text).unwrap_or_default();
    assert!(
        said.contains("cut to the command line's 500 characters"),
        "{said}"
    );
    let mut app = sandbox(Some("new orset A B"));
    let (_, _) = drive_with(
        &mut app,
        vec![Input::Paste(format!("A add {huge}\nA add y\n"))],
        80,
        24,
    );
    assert_eq!(app.lab().history().len(), 2, "only A add y ran");
    let said = app.ui.status.clone().map(|s| s.text).unwrap_or_default();
    assert!(
        said.contains("ran 2 of 2 pasted lines; 1 refused")
            && said.contains("more than 500 characters"),
        "{said}"
    );
}

#[test]
fn a_paste_during_a_batch_joins_its_end() {
    let mut app = sandbox(Some("new orset A B"));
    let long: String = (0..30).map(|k| format!("A add e{k}\n")).collect();
    super::update(&mut app, Message::Paste(long));
    super::update(&mut app, Message::Paste("B add a\nB add b\n".into()));
    let (_, _) = drive_with(&mut app, vec![], 80, 24);
    assert_eq!(app.lab().history().len(), 33);
    let said = app.ui.status.clone().map(|s| s.text).unwrap_or_default();
    assert_eq!(said, "ran 32 of 32 pasted lines");
}

#[test]
fn m_works_over_an_overlay_and_on_the_home_screen_but_types_on_the_command_line() {
    let m = KeyEvent::new(KeyCode::Char('M'), KeyModifiers::NONE);
    for mode in [Mode::Lab, Mode::Home, Mode::Overlay, Mode::Question] {
        assert_eq!(
            keys::message(mode, &m),
            Some(Message::ToggleMouse),
            "{mode:?}"
        );
    }
    assert_eq!(keys::message(Mode::Typing, &m), Some(Message::Type('M')));
}

#[test]
fn a_line_longer_than_the_command_line_scrolls_to_keep_the_cursor_in_sight() {
    let mut app = sandbox(Some("new orset A B"));
    let long = format!("A add {}", "漢".repeat(60));
    let mut inputs = vec![press(':')];
    inputs.extend(long.chars().map(press));
    let (_, mut terminal) = drive_with(&mut app, inputs, 80, 24);
    let at = terminal
        .get_cursor_position()
        .unwrap_or_else(|e| match e {});
    assert_eq!(at.y, 22);
    assert!(at.x < 80, "{at:?}");
    let row: String = (0..80)
        .map(|x| terminal.backend().buffer()[(x, 22)].symbol().to_string())
        .collect();
    assert!(
        row.starts_with("A › 漢"),
        "the start scrolled away: {row:?}"
    );
    // 75 columns of room after "A › ": 37 wide characters (74 columns) before the cursor.
    assert_eq!(at.x, 4 + 74, "{row:?}");
    // Home: back to the start, the cursor after the prompt.
    let home = Input::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
    let (_, mut terminal) = drive_with(&mut app, vec![home], 80, 24);
    let at = terminal
        .get_cursor_position()
        .unwrap_or_else(|e| match e {});
    assert_eq!((at.x, at.y), (4, 22));
}

#[test]
fn a_side_of_one_in_a_sync_gets_no_mark_even_if_the_model_lists_it() {
    let timeline = crate::lab::Timeline {
        replicas: vec!["A".into(), "B".into(), "C".into()],
        rows: vec![crate::lab::TimelineRow::Event {
            number: 1,
            marks: vec![
                crate::lab::Mark::Group(vec![0, 1]),
                crate::lab::Mark::Group(vec![2]),
            ],
            text: "sync".into(),
        }],
    };
    let lines = super::timeline::lines(&timeline, &theme(), 80, 0..1);
    let row = lines[1].to_string();
    assert_eq!(row.matches('◆').count(), 2, "{row}");
    assert_eq!(
        row.matches('│').count(),
        1,
        "C keeps its plain lifeline: {row}"
    );
}

#[test]
fn op_based_sync_with_a_cut_link_a_waiting_op_and_a_mistake_at_80x24() {
    let mut app = sandbox(None);
    run(
        &mut app,
        &[
            "option sync ops",
            "new orswot A B C",
            "A add x",
            "send A C",
            "send A B",
            "deliver 2",
            "B remove x",
            "send B C",
            "deliver 3",
            "cut A C",
            "option mistake reuse-tags B",
        ],
    );
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}
