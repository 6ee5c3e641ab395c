//! Tests that the screen tells the truth: for random labs at random sizes, every tag, stamp and
//! dot drawn in a panel stands whole on one line, and the marks drawn are exactly what the lab
//! says changed. The regression tests of each defect found on screen are here too.

use super::app::App;
use super::tests::{draw, sandbox};
use super::theme::Theme;
use crate::crdt::{Delta, Kind, Value};
use crate::lab::Change;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use std::collections::BTreeMap;

/// Elements that share no first letter with a tag (`a1`…`d9`), so that half a tag could not be
/// mistaken for a cut element, and some too wide for any panel.
const ELEMENTS: &[&str] = &[
    "x",
    "y",
    "milk",
    "pear",
    "12",
    "zucchini-and-other-long-vegetables-of-the-season",
    "quince-marmalade-from-the-old-town",
    "w",
];
const REPLICAS: &[&str] = &["A", "B", "C", "D"];

/// One random line of the language for a lab with `n` replicas.
fn line(n: usize) -> impl Strategy<Value = String> {
    let r = move || prop::sample::select(REPLICAS[..n].to_vec());
    let e = || prop::sample::select(ELEMENTS.to_vec());
    prop_oneof![
        4 => (r(), e()).prop_map(|(r, e)| format!("{r} add {e}")),
        3 => (r(), e()).prop_map(|(r, e)| format!("{r} remove {e}")),
        2 => (r(), r()).prop_map(|(a, b)| format!("{a} merge {b}")),
        1 => Just("sync".to_string()),
        1 => (r(), r()).prop_map(|(a, b)| format!("send {a} {b}")),
        1 => Just("deliver".to_string()),
        1 => (r(), r()).prop_map(|(a, b)| format!("partition {a} | {b}")),
        1 => Just("heal".to_string()),
    ]
}

/// A random lab: a type, 2 to 4 replicas and up to 14 commands.
fn lab() -> impl Strategy<Value = (Kind, usize, Vec<String>)> {
    (prop::sample::select(Kind::ALL.to_vec()), 2..=4usize)
        .prop_flat_map(|(kind, n)| (Just(kind), Just(n), prop::collection::vec(line(n), 1..14)))
}

/// A line of a panel: each cell's symbol and modifiers.
type Row = Vec<(String, Modifier)>;

/// The inside of each replica panel on screen, by replica name.
fn panels(app: &App, buf: &Buffer) -> Vec<(String, Vec<Row>)> {
    let layout = app.layout.borrow();
    let view = &app.session.view;
    let mut out = vec![];
    for &(k, rect) in &layout.areas.panels {
        let inner = Rect::new(
            rect.x + 2,
            rect.y + 1,
            rect.width.saturating_sub(4),
            rect.height.saturating_sub(2),
        );
        let rows = (inner.top()..inner.bottom())
            .map(|y| {
                (inner.left()..inner.right())
                    .map(|x| (buf[(x, y)].symbol().to_string(), buf[(x, y)].modifier))
                    .collect()
            })
            .collect();
        out.push((view.replicas[k].name.clone(), rows));
    }
    out
}

fn text(row: &[(String, Modifier)]) -> String {
    row.iter().map(|(s, _)| s.as_str()).collect()
}

/// Every leaf below the top of a value: tags, dots, stamps, counts.
fn atoms(value: &Value, depth: usize, out: &mut Vec<String>) {
    match value {
        Value::Scalar(s) if depth > 0 => out.push(s.clone()),
        Value::Scalar(_) => {}
        Value::Set(items) if depth > 0 => out.extend(items.iter().cloned()),
        Value::Set(_) => {}
        Value::Map(pairs) => pairs.iter().for_each(|(_, v)| atoms(v, depth + 1, out)),
    }
}

/// Fail if a tag, stamp or dot is split across two lines of a panel, or cut with `…`.
fn assert_atoms_whole(app: &App, buf: &Buffer) -> Result<(), TestCaseError> {
    for (name, rows) in panels(app, buf) {
        let Some(replica) = app.session.view.replicas.iter().find(|r| r.name == name) else {
            continue;
        };
        let mut all = vec![];
        for field in &replica.fields {
            atoms(&field.value, 0, &mut all);
        }
        let lines: Vec<String> = rows.iter().map(|r| text(r)).collect();
        for pair in lines.windows(2) {
            let (a, b) = (pair[0].trim_end(), pair[1].trim_start());
            for atom in &all {
                for k in 1..atom.len() {
                    let (head, tail) = atom.split_at(k);
                    let (head, tail) = (head.trim_end(), tail.trim_start());
                    prop_assert!(
                        head.is_empty()
                            || tail.is_empty()
                            || !(a.ends_with(head) && b.starts_with(tail)),
                        "{atom} is split across lines in {name}:\n{a}\n{b}"
                    );
                }
            }
        }
        for line in &lines {
            for (i, _) in line.match_indices('…') {
                let before = &line[..i];
                let start = before.rfind([' ', ',', '{', '}']).map_or(0, |j| j + 1);
                let stub = &before[start..];
                let cut_atom = all
                    .iter()
                    .any(|a| a.len() > stub.len() && a.starts_with(stub));
                prop_assert!(
                    stub.is_empty() || !cut_atom || ELEMENTS.iter().any(|e| e.starts_with(stub)),
                    "a tag is cut with … in {name}: {line}"
                );
            }
        }
    }
    Ok(())
}

/// The words of a piece of text as the tests compare them.
fn words(text: &str) -> Vec<String> {
    text.split([' ', ',', '{', '}'])
        .flat_map(|w| w.split(": "))
        .map(|w| w.trim_end_matches(':').to_string())
        .filter(|w| !w.is_empty() && w != "→")
        .collect()
}

/// What a panel marks: the words drawn as come (underlined) and as gone (struck through in
/// bold, which no role has on its own), in drawing order.
fn marked(rows: &[Row]) -> (Vec<String>, Vec<String>) {
    let (mut came, mut gone) = (String::new(), String::new());
    for row in rows {
        for (symbol, m) in row {
            let is_gone = m.contains(Modifier::CROSSED_OUT | Modifier::BOLD)
                && !m.contains(Modifier::UNDERLINED);
            let pick = |on: bool, s: &mut String| s.push_str(if on { symbol } else { " " });
            pick(m.contains(Modifier::UNDERLINED), &mut came);
            pick(is_gone, &mut gone);
        }
        came.push(' ');
        gone.push(' ');
    }
    (words(&came), words(&gone))
}

/// What a replica's delta should mark: the leaves that came (and elements shown), and what went:
/// each leaf, and the key of an entry that went whole (and elements hidden).
fn expected(delta: &Delta, fields: &[crate::crdt::Field]) -> (Vec<String>, Vec<String>) {
    let mut came: Vec<String> = delta.shown.clone();
    for leaf in &delta.added {
        came.extend(leaf.path.last().map(|s| words(s)).unwrap_or_default());
    }
    let mut gone: Vec<String> = delta.hidden.clone();
    let mut keys_gone: BTreeMap<(&str, &str), ()> = BTreeMap::new();
    for leaf in &delta.removed {
        gone.extend(leaf.path.last().map(|s| words(s)).unwrap_or_default());
        let [key, _, ..] = leaf.path.as_slice() else {
            continue;
        };
        let field = fields.iter().find(|f| f.name == leaf.field);
        let still = match field.map(|f| &f.value) {
            Some(Value::Map(pairs)) => pairs.iter().any(|(k, _)| k == key),
            _ => true,
        };
        if !still && keys_gone.insert((leaf.field, key), ()).is_none() {
            gone.push(key.clone());
        }
    }
    (came, gone)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Fail unless each panel marks exactly what the lab says changed on its replica (when the
/// panel shows all of itself; a panel cut short may only show less, never something else).
fn assert_marks_true(app: &App, buf: &Buffer, changes: &[Change]) -> Result<(), TestCaseError> {
    for (name, rows) in panels(app, buf) {
        let replica = app.session.view.replicas.iter().find(|r| r.name == name);
        let Some(replica) = replica else { continue };
        let (came, gone) = marked(&rows);
        let delta = changes.iter().find(|c| c.replica == name).map(|c| &c.delta);
        let (want_came, want_gone) = match delta {
            Some(d) => expected(d, &replica.fields),
            None => (vec![], vec![]),
        };
        let whole = app.layout.borrow().panel_limit(
            app.session
                .view
                .replicas
                .iter()
                .position(|r| r.name == name)
                .unwrap_or(0),
        ) == 0
            && !rows.iter().any(|r| text(r).contains('…'));
        let screen: Vec<String> = rows.iter().map(|r| text(r)).collect();
        if whole {
            prop_assert_eq!(
                sorted(came),
                sorted(want_came),
                "came on {}:\n{}",
                name,
                screen.join("\n")
            );
            prop_assert_eq!(
                sorted(gone),
                sorted(want_gone),
                "went on {}:\n{}",
                name,
                screen.join("\n")
            );
        } else {
            for w in came.iter().chain(&gone) {
                let known = want_came.contains(w) || want_gone.contains(w) || w.ends_with('…');
                prop_assert!(known, "{w} is marked on {name} but did not change");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn tags_stay_whole_and_marks_are_the_labs_delta(
        (kind, n, lines) in lab(),
        width in 40u16..=200,
        height in 16u16..=50,
    ) {
        let setup = format!("new {} {}", kind.word(), REPLICAS[..n].join(" "));
        let mut app = App::sandbox(Theme::monochrome(), Some(&setup))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut last: Vec<Change> = vec![];
        for line in &lines {
            let logged = app.lab().history().len();
            app.run_line(line);
            // What the lab recorded for the command, if it was accepted.
            let entry = app.lab().history().last().filter(|_| app.lab().history().len() > logged);
            if let Some(entry) = entry.filter(|e| e.refused.is_none()) {
                last = entry.applied.changes.clone();
            }
            let terminal = draw(&mut app, width, height);
            let buf = terminal.backend().buffer();
            assert_atoms_whole(&app, buf)?;
            assert_marks_true(&app, buf, &last)?;
        }
    }
}

#[test]
fn every_lesson_step_marks_exactly_what_the_step_changed() {
    let lessons = crate::lesson::builtin().unwrap_or_else(|e| panic!("{e}"));
    for lesson in lessons {
        let name = lesson.name.clone();
        let mut app = App::lesson(Theme::monochrome(), lesson);
        for _ in 0..40 {
            if app.session.player().is_some_and(|p| p.at_end()) {
                break;
            }
            if let Some(p) = app.session.player_mut()
                && let Some(q) = p.question().cloned()
            {
                let _ = p.answer(q.answer);
            }
            app.next_step();
            let changes = app
                .session
                .player()
                .map(|p| p.changes())
                .unwrap_or_default();
            let terminal = draw(&mut app, 120, 40);
            let buf = terminal.backend().buffer();
            let checked =
                assert_marks_true(&app, buf, &changes).and_then(|()| assert_atoms_whole(&app, buf));
            if let Err(e) = checked {
                panic!("{name}: {e}");
            }
        }
    }
}

#[test]
fn a_sync_marks_only_the_replicas_it_changed() {
    let mut app = sandbox(Some("new orset A B C"));
    for line in ["A add milk", "partition A B | C", "C add tea", "sync"] {
        app.run_line(line);
    }
    assert!(app.session.changes.changed("B"), "B got milk");
    assert!(
        !app.session.changes.changed("C"),
        "C is alone on its side: the sync did not touch it"
    );
    app.run_line("sync");
    assert!(
        app.session.changes.is_empty(),
        "a second sync changes nothing and marks nothing"
    );
}

// Regression tests for each defect of "The screen tells the truth", replayed by its steps.

use super::state::Overlay;
use super::tests::{buffer, drive_script, find, key, lesson, run, screen, typed};
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

/// Walk a lesson to step `n`, answering each question right on the way.
fn to_step(app: &mut App, n: usize) {
    while app.session.player().is_some_and(|p| p.step() < n) {
        if let Some(p) = app.session.player_mut()
            && let Some(q) = p.question().cloned()
        {
            let _ = p.answer(q.answer);
        }
        app.next_step();
        // The question answered above is shown answered first; → goes on.
        if app.ui.overlay == Some(Overlay::Question) {
            app.go_on();
        }
    }
}

/// The lines of a screen that hold `text`.
fn lines_with<'s>(screen: &'s str, text: &str) -> Vec<&'s str> {
    screen.lines().filter(|l| l.contains(text)).collect()
}

#[test]
fn a_lesson_step_shows_every_note_and_refusal_of_its_commands() {
    let mut app = lesson("2pset-remove-wins");
    to_step(&mut app, 2);
    for (w, h) in [(80, 24), (100, 30)] {
        let text = screen(&mut app, w, h);
        assert!(
            text.contains("note: x is already in the add-set, so this"),
            "the note stands under the narration at {w}×{h}:\n{text}"
        );
    }
    let mut app = lesson("partitions-in-flight");
    to_step(&mut app, 7);
    let text = screen(&mut app, 100, 30);
    assert!(
        text.contains("expect refused C merge A (C and A are on different"),
        "the rule that refused what the step expected refused is said:\n{text}"
    );
    let text = screen(&mut app, 100, 50);
    assert!(text.contains("• expect refused C merge A"), "{text}");
    assert!(
        text.contains("refused, as expected: C and A are on different"),
        "{text}"
    );
}

#[test]
fn the_compare_of_a_lessons_last_step_is_a_table_at_200x50() {
    let mut app = lesson("one-story-four-answers");
    to_step(&mut app, 8);
    screen(&mut app, 200, 50);
    app.ui.side_scroll = app.layout.borrow().side_scroll;
    let text = screen(&mut app, 200, 50);
    let gset = lines_with(&text, "G-Set           {x} {x} 2");
    assert_eq!(gset.len(), 1, "the G-Set row is one line:\n{text}");
    assert!(gset[0].contains("A remove x @5 (×3)"), "{text}");
    for row in [
        "naive set       {x} {x}",
        "2P-Set          {}  {}",
        "PN-Set          {x} {x}",
    ] {
        assert_eq!(lines_with(&text, row).len(), 1, "{row}:\n{text}");
    }
    assert_eq!(
        lines_with(&text, "G-Set: A remove x @5 (×3) — a G-Set is grow-only").len(),
        1,
        "each refusal is explained once:\n{text}"
    );
    // → at the last step says so and keeps what the step showed.
    let mut app = lesson("orswot-no-tombstones");
    let last = app.session.player().map_or(0, |p| p.step_count());
    to_step(&mut app, last);
    if let Some(p) = app.session.player_mut()
        && let Some(q) = p.question().cloned()
    {
        let _ = p.answer(q.answer);
    }
    app.session.quiz.step = Some(last);
    let before = screen(&mut app, 200, 50);
    let rows = lines_with(&before, "ORSWOT          {x}").len();
    assert!(rows >= 1, "the last step's compare is on screen:\n{before}");
    app.next_step();
    let again = screen(&mut app, 200, 50);
    assert!(again.contains("that was the last step"), "{again}");
    assert_eq!(
        lines_with(&again, "ORSWOT          {x}").len(),
        rows,
        "{again}"
    );
}

#[test]
fn the_orswot_lessons_metadata_table_is_a_table_at_100x30() {
    let mut app = lesson("orswot-no-tombstones");
    to_step(&mut app, 5);
    screen(&mut app, 100, 30);
    let most = app.layout.borrow().side_scroll;
    // The compare table stands above the seed's properties: scroll up from the end to it.
    let mut text = String::new();
    for offset in (0..=most).rev() {
        app.ui.side_scroll = offset;
        text = screen(&mut app, 100, 30);
        if text.contains("OR-Set          {x} {x} 14") {
            break;
        }
    }
    assert_eq!(
        lines_with(&text, "OR-Set          {x} {x} 14").len(),
        1,
        "{text}"
    );
    assert_eq!(
        lines_with(&text, "ORSWOT          {x} {x} 6").len(),
        1,
        "{text}"
    );
}

#[test]
fn show_in_the_sandbox_is_a_table_at_80x24() {
    let mut app = sandbox(None);
    run(
        &mut app,
        &["A add y", "B add x", "sync", "A remove x", "show"],
    );
    assert_eq!(app.ui.overlay, Some(Overlay::Answer));
    let text = screen(&mut app, 80, 24);
    assert_eq!(
        lines_with(&text, "value      {y}       {x, y}").len(),
        1,
        "{text}"
    );
    assert_eq!(
        lines_with(&text, "live       {y: {a1}} {x: {b1}, y: {a1}}").len(),
        1,
        "{text}"
    );
    assert_eq!(
        lines_with(&text, "tombstones {x: {b1}} {}").len(),
        1,
        "{text}"
    );
}

#[test]
fn export_md_is_a_table_whose_cells_are_cut_after_whole_tags() {
    let mut app = sandbox(Some("new orset A B C"));
    run(
        &mut app,
        &[
            "A add apple-pie",
            "B add banana-split",
            "partition A B | C",
            "C add cherry",
            "sync",
            "export md",
        ],
    );
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("OR-Set: live / tombstones"), "{text}");
    let row = lines_with(&text, "B add banana-split");
    assert_eq!(row.len(), 1, "a row is one line:\n{text}");
    assert!(row[0].contains("{banana-split: {b1…"), "{text}");
    assert!(!text.contains("{b…"), "a tag is never cut:\n{text}");
    assert!(
        text.contains("more column"),
        "the rest scrolls sideways:\n{text}"
    );
    // → scrolls the table sideways, the first column staying.
    let (_, terminal) = drive_script(&mut app, vec![key(KeyCode::Right); 3], 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("what happened"), "{text}");
    assert!(
        lines_with(&text, "sync")
            .iter()
            .any(|l| l.contains("synced within each side")),
        "{text}"
    );
}

#[test]
fn a_long_field_wraps_between_entries_and_never_inside_a_tag() {
    let mut app = sandbox(Some("new orset A B C"));
    for elem in [
        "apple-pie",
        "banana-split",
        "cherry-tart",
        "damson-jam",
        "elderberries",
        "figs-and-dates",
        "grape-juice",
        "honeydew-melon",
    ] {
        app.run_line(&format!("B add {elem}"));
    }
    app.run_line("sync");
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("figs-and-dates: {b6},"), "{text}");
    assert!(text.contains("   honeydew-melon: {b8}}"), "{text}");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("   {apple-pie: {b1},"), "{text}");
    app.run_line("A add a-very-long-element-name-that-is-wider-than-any-panel");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("{a-very-long-element"), "{text}");
    assert!(
        text.contains('…'),
        "an entry too wide is cut with …:\n{text}"
    );
    let panels: String = text.lines().take(14).collect();
    assert!(!panels.contains("wider-than-any-panel"), "{text}");
    let (_, terminal) = drive_script(&mut app, vec![key(KeyCode::Enter)], 80, 24);
    let whole = terminal.backend().to_string();
    assert_eq!(app.ui.overlay, Some(Overlay::Replica(0)));
    assert!(
        whole.contains("a-very-long-element-name-that-is-wider-than-any-panel: {a1}"),
        "Enter shows every entry whole:\n{whole}"
    );
}

#[test]
fn a_step_that_changes_nothing_marks_nothing_and_what_went_is_struck_where_it_stood() {
    let mut app = lesson("2pset-remove-wins");
    to_step(&mut app, 2);
    assert!(
        app.session.changes.is_empty(),
        "B's add of x changes nothing: {:?}",
        app.session.changes
    );
    let text = screen(&mut app, 100, 30);
    assert!(!text.contains("● changed"), "{text}");

    let mut app = lesson("orset-add-wins");
    to_step(&mut app, 3);
    let buf = buffer(&mut app, 100, 30);
    let (x, y) = find(&buf, "live       {x: {a1, b1}}").expect("B's live shows a1 that left");
    let (a1, b1) = (&buf[(x + 16, y)], &buf[(x + 20, y)]);
    assert_eq!((a1.symbol(), b1.symbol()), ("a", "b"));
    assert!(
        a1.modifier.contains(Modifier::CROSSED_OUT),
        "a1 left B's live: struck"
    );
    assert!(
        !b1.modifier.contains(Modifier::CROSSED_OUT),
        "b1 is still live"
    );
    let (x, y) = find(&buf, "tombstones {x: {a1}}").expect("tombstones");
    assert!(find(&buf, "B ● changed").is_some());
    let _ = (x, y);
}

#[test]
fn a_message_in_flight_shows_what_it_carries_and_its_delivery_what_changed() {
    let mut app = sandbox(Some("new orset A B C"));
    run(
        &mut app,
        &[
            "C add milk",
            "sync",
            "partition A B | C",
            "C remove milk",
            "heal",
            "send C A",
        ],
    );
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("#1 C → A  live {}  tombstones {milk: {c1}}"),
        "the strip shows the tombstone the message carries:\n{text}"
    );
    let (_, terminal) = drive_script(&mut app, vec![key(KeyCode::Char('m'))], 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("show #1 · Esc: back"), "{text}");
    assert!(text.contains("#1 C → A · "), "{text}");
    assert!(text.contains("tombstones {milk: {c1}}"), "{text}");
    app.run_line("deliver");
    let text = screen(&mut app, 100, 30);
    assert!(
        text.contains("#1 C → A: tombstones gained milk: c1; live lost milk: c1; milk gone from A"),
        "{text}"
    );
    assert!(
        text.contains("This answer was cleared: no message #1 is in flight"),
        "the message view says why it is empty now:\n{text}"
    );
    // Numbers are for life, and a click on a message shows it.
    run(&mut app, &["send A B", "send B C", "send C A", "deliver 3"]);
    let buf = buffer(&mut app, 100, 30);
    assert!(find(&buf, "#3 B → C  live").is_none(), "#3 was delivered");
    assert!(
        find(&buf, "#4 C → A  live").is_some(),
        "#4 keeps its number"
    );
    let (x, y) = find(&buf, "#2 A → B").expect("message 2 on the strip");
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x + 1,
        row: y,
        modifiers: KeyModifiers::NONE,
    };
    let (_, terminal) = drive_script(&mut app, vec![super::Input::Mouse(click)], 100, 30);
    assert!(
        terminal
            .backend()
            .to_string()
            .contains("show #2 · Esc: back")
    );
}

#[test]
fn an_answer_is_asked_again_when_the_lab_changes() {
    let mut app = sandbox(None);
    run(
        &mut app,
        &["A add milk", "sync", "A remove milk", "explain milk"],
    );
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("on B, milk is present"), "{text}");
    app.run_line("sync");
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("(asked again after sync)"), "{text}");
    assert!(text.contains("on B, milk is absent"), "{text}");
    assert!(!text.contains("milk is present"), "{text}");

    let mut app = sandbox(Some("new lww A B"));
    run(
        &mut app,
        &["A add milk @3", "B remove milk @3", "sync", "explain milk"],
    );
    let before = screen(&mut app, 100, 30);
    app.run_line("option tiebreak remove-wins");
    let after = screen(&mut app, 100, 30);
    assert_ne!(before, after, "the tie-break changed the answer");
    assert!(
        after.contains("(asked again after option tiebreak remove-wins)"),
        "{after}"
    );

    app.run_line("new orswot A B");
    let text = screen(&mut app, 100, 30);
    assert!(
        text.contains("(asked again after new orswot A B)"),
        "{text}"
    );
    assert!(text.contains("never been added"), "{text}");
}

#[test]
fn undo_and_redo_with_nothing_to_move_say_so_in_full_at_80x24() {
    let mut app = sandbox(None);
    let (_, terminal) = drive_script(&mut app, vec![key(KeyCode::Char('u'))], 80, 24);
    assert!(terminal.backend().to_string().contains("nothing to undo "));
    app.run_line("redo");
    assert!(screen(&mut app, 80, 24).contains("nothing to redo "));
}

#[test]
fn go_in_the_tui_jumps_in_a_lesson_and_is_refused_in_a_sandbox() {
    let mut app = lesson("orset-add-wins");
    let inputs = [vec![key(KeyCode::Char(':'))], typed("go 3")].concat();
    let (_, terminal) = drive_script(&mut app, inputs, 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("step 3/4"), "{text}");
    assert!(text.contains("jumped from step 0 to step 3 of 4"), "{text}");
    let inputs = [vec![key(KeyCode::Char(':'))], typed("go 9")].concat();
    let (_, terminal) = drive_script(&mut app, inputs, 80, 24);
    let text = terminal.backend().to_string();
    assert!(
        text.contains("there is no step 9") && text.contains("step 3/4"),
        "{text}"
    );

    let mut app = sandbox(Some("new orset A B"));
    let inputs = [vec![key(KeyCode::Char(':'))], typed("go 2")].concat();
    let (_, terminal) = drive_script(&mut app, inputs, 80, 24);
    let text = terminal.backend().to_string();
    assert!(
        text.contains("go: this lab has no steps; go works in a lesson"),
        "{text}"
    );
}
