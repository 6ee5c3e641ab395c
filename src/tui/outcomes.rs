//! The outcomes view (after `explore`): each distinct final state with the schedule that leads
//! there, one chosen; Enter replays the chosen one's schedule by typing `explore --replay k`
//! through the one command path, so the lab lands where that command lands it.

use super::app::App;
use super::wrap::Wrap;
use crate::lab::Exploration;

/// What `explore` found, and the outcome chosen (0-based).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcomes {
    pub found: Exploration,
    pub chosen: usize,
}

impl Outcomes {
    pub fn new(found: Exploration) -> Outcomes {
        Outcomes { found, chosen: 0 }
    }

    /// The command that replays the chosen outcome under the faults it was explored with:
    /// `explore [--drops] [--duplicates] --replay k` (1-based).
    pub fn replay_line(&self) -> String {
        let faults = self.found.faults;
        let drops = if faults.drops { " --drops" } else { "" };
        let duplicates = if faults.duplicates {
            " --duplicates"
        } else {
            ""
        };
        format!("explore{drops}{duplicates} --replay {}", self.chosen + 1)
    }

    /// Move the choice by `delta`, within the outcomes.
    pub fn choose(&mut self, delta: i32) {
        let last = self.found.endings.len().saturating_sub(1);
        let k = match delta < 0 {
            true => self.chosen.saturating_sub(delta.unsigned_abs() as usize),
            false => self.chosen.saturating_add(delta as usize),
        };
        self.chosen = k.min(last);
    }
}

/// The line each outcome starts on, laid out at `width` (a long outcome wraps).
pub fn starts(app: &App, width: u16) -> Vec<usize> {
    let mut wrap = Wrap::new(width, 0..0);
    let mut starts = vec![];
    fill_at(app, &mut wrap, &mut starts);
    starts
}

/// The outcome drawn on line `line` at `width`, if one is.
pub fn at_line(app: &App, width: u16, line: usize) -> Option<usize> {
    let starts = starts(app, width);
    let mut wrap = Wrap::new(width, 0..0);
    fill_at(app, &mut wrap, &mut vec![]);
    let end = wrap.finish().total;
    let k = starts.iter().rposition(|&s| s <= line)?;
    (line < end).then_some(k)
}

/// Lay out the outcomes: a summary, then each outcome's states and schedule, the chosen one
/// marked ▶.
pub fn fill<'a>(app: &'a App, wrap: &mut Wrap<'a>) {
    fill_at(app, wrap, &mut vec![]);
}

/// `fill`, noting the line each outcome starts on in `starts`.
fn fill_at<'a>(app: &'a App, wrap: &mut Wrap<'a>, starts: &mut Vec<usize>) {
    let t = &app.theme;
    let Some(o) = &app.session.outcomes else {
        return;
    };
    let n = o.found.endings.len();
    wrap.block(0);
    let summary = format!(
        "{} in flight: {n} distinct outcome{} ({} states visited)",
        crate::script::findings::plural(o.found.in_flight, "message"),
        if n == 1 { "" } else { "s" },
        o.found.visited
    );
    wrap.glue(summary, t.strong);
    wrap.block(0);
    for (k, ending) in o.found.endings.iter().enumerate() {
        let chosen = k == o.chosen;
        let style = if chosen { t.focus } else { t.text };
        let states: Vec<String> = (ending.states.iter())
            .map(|(r, v)| format!("{r} = {v}"))
            .collect();
        let mark = format!("{}{}. ", if chosen { "▶ " } else { "  " }, k + 1);
        let mut said = states.join("   ");
        if !ending.converged {
            said.push_str("   (diverged)");
        }
        wrap.block(4);
        starts.push(wrap.line());
        wrap.glue(mark, style);
        wrap.words(said, style);
        let schedule: Vec<String> = ending.schedule.iter().map(|c| c.to_string()).collect();
        let by = match schedule.is_empty() {
            true => "nothing to deliver".to_string(),
            false => schedule.join(", "),
        };
        wrap.block(6);
        wrap.glue("     by: ", t.dim);
        wrap.words(by, t.dim);
    }
}

#[cfg(test)]
mod tests {
    use super::super::state::Overlay;
    use super::super::tests::{buffer, drive_script, find, key, run, sandbox, screen};
    use crate::lab::Lab;
    use ratatui::crossterm::event::{
        KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
    };

    /// A naive set, ops in flight to C: A's add, and B's add then remove. Delivered in one
    /// order x stays on C, in the other it goes: two outcomes.
    const STORY: &[&str] = &[
        "new naive A B C",
        "option sync ops",
        "A add x",
        "send A C",
        "B add x",
        "B remove x",
        "send B C",
    ];

    fn explored() -> super::super::app::App {
        let mut app = sandbox(None);
        run(&mut app, STORY);
        run(&mut app, &["explore"]);
        app
    }

    /// The lab after the story and `explore --replay k`, typed as a line.
    fn replayed(k: usize) -> Lab {
        let mut lab = Lab::new();
        for line in STORY {
            crate::script::execute(&mut lab, line).expect("the story runs");
        }
        crate::script::execute(&mut lab, &format!("explore --replay {k}")).expect("replayed");
        lab
    }

    #[test]
    fn the_replay_keeps_the_faults_explored_and_not_a_comment_typed_after_them() {
        let mut app = sandbox(None);
        run(&mut app, STORY);
        run(&mut app, &["explore --drops # every order, losses too"]);
        let outcomes = app.session.outcomes.as_ref().expect("the outcomes view");
        assert_eq!(outcomes.replay_line(), "explore --drops --replay 1");
    }

    #[test]
    fn explore_lists_its_outcomes_with_a_schedule_each_at_80x24() {
        let mut app = explored();
        assert_eq!(app.ui.overlay, Some(Overlay::Outcomes));
        let text = screen(&mut app, 80, 24);
        assert!(text.contains("2 distinct outcomes"), "{text}");
        assert!(text.contains("▶ 1. A = {x}   B = {}   C = {}"), "{text}");
        assert!(text.contains("  2. A = {x}   B = {}   C = {x}"), "{text}");
        assert!(text.contains("by: deliver 2, deliver 1"), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn choosing_outcome_k_leaves_the_lab_where_explore_replay_k_does() {
        for (k, downs) in [(1, 0), (2, 1), (2, 5)] {
            let mut app = explored();
            let mut keys = vec![key(KeyCode::Down); downs];
            keys.push(key(KeyCode::Enter));
            drive_script(&mut app, keys, 80, 24);
            assert_eq!(app.ui.overlay, None, "the list closes");
            assert_eq!(app.lab().view(), replayed(k).view(), "outcome {k}");
            assert_eq!(app.lab().history().len(), replayed(k).history().len());
        }
    }

    #[test]
    fn clicking_an_outcome_replays_it_and_esc_closes_changing_nothing() {
        let mut app = explored();
        let buf = buffer(&mut app, 80, 24);
        let (x, y) = find(&buf, "2. A = {x}").expect("outcome 2 on screen");
        let click = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        };
        drive_script(&mut app, vec![crate::tui::Input::Mouse(click)], 80, 24);
        assert_eq!(app.lab().view(), replayed(2).view());

        let mut app = explored();
        let before = app.lab().view();
        drive_script(
            &mut app,
            vec![key(KeyCode::Down), key(KeyCode::Esc)],
            80,
            24,
        );
        assert_eq!(app.ui.overlay, None);
        assert_eq!(app.lab().view(), before, "Esc replays nothing");
    }

    #[test]
    fn on_a_narrow_screen_outcomes_wrap_and_a_click_on_any_of_their_lines_picks_them() {
        let mut app = explored();
        let buf = buffer(&mut app, 30, 24);
        let text = screen(&mut app, 30, 24);
        let (_, first) = find(&buf, "2. A = {x}").expect("outcome 2 on screen");
        let (x, y) = find(&buf, "by: deliver 2").expect("outcome 2's schedule");
        assert!(y > first + 1, "outcome 2 wraps at 30 columns:\n{text}");
        let click = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        };
        drive_script(&mut app, vec![crate::tui::Input::Mouse(click)], 30, 24);
        assert_eq!(app.lab().view(), replayed(2).view());
    }
}
