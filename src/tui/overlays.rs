//! What opens over the lab screen: the `?` help (keys from the key table, commands from the
//! command table), the compare view, the timeline, a lesson's question, a table answer (`show`,
//! `export md`) and one replica's fields in full.

use super::app::App;
use super::keys::{BINDINGS, Place};
use super::output::{self, Part};
use super::panels;
use super::prose;
use super::session::Solved;
use super::state::{Overlay, Screen};
use super::timeline;
use super::ui::{self, scroll_marks};
use super::wrap::{Wrap, count, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

/// Draw the open overlay; returns how far it can scroll down, and sideways.
pub fn render(app: &App, screen: Rect, buf: &mut Buffer) -> (usize, usize) {
    let Some(overlay) = app.ui.overlay else {
        return (0, 0);
    };
    let area = box_area(app, overlay, screen);
    Clear.render(area, buf);
    let (border, bottom) = match overlay {
        Overlay::Question if app.session.quiz.answered.is_some() => {
            (BorderType::Rounded, " → goes on · Esc closes ")
        }
        Overlay::Question => (BorderType::Rounded, " s shows the answer · Esc closes "),
        _ => (BorderType::Double, " Esc closes "),
    };
    let block = Block::bordered()
        .border_type(border)
        .border_style(app.theme.focus)
        .title(Line::styled(
            crate::script::render::escape(&title(app, overlay)).into_owned(),
            app.theme.strong,
        ))
        .title_bottom(Line::styled(bottom, app.theme.dim));
    let inner = block.inner(area);
    buf.set_style(area, app.theme.text);
    block.render(area, buf);
    let height = usize::from(inner.height);
    if overlay == Overlay::Timeline {
        // The legend under the diagram, in at most a third of the box.
        let legend = timeline::legend(&app.theme, inner.width);
        let legend_h = (legend.len() as u16).min(inner.height / 3);
        let (inner, key) = (
            Rect::new(inner.x, inner.y, inner.width, inner.height - legend_h),
            Rect::new(inner.x, inner.bottom() - legend_h, inner.width, legend_h),
        );
        Paragraph::new(legend).render(key, buf);
        let height = usize::from(inner.height);
        let total = app.session.timeline.rows.len() + 1;
        let most = total.saturating_sub(height);
        let offset = app.ui.overlay_scroll.min(most);
        let lines = timeline_lines(app, inner.width, offset..offset + height);
        Paragraph::new(lines).render(inner, buf);
        scroll_marks(app, area, offset, height, total, buf);
        return (most, 0);
    }
    let parts = parts(app, overlay);
    let from = Some(app.ui.overlay_column);
    let offset = app.ui.overlay_scroll;
    let drawn = output::draw(&parts, &app.theme, inner, offset, from, buf);
    scroll_marks(app, area, drawn.offset, height, drawn.total, buf);
    (drawn.most(inner.height), drawn.columns)
}

/// What an overlay holds, as a stack of text and tables.
fn parts(app: &App, overlay: Overlay) -> Vec<Part<'_>> {
    match overlay {
        Overlay::Help => vec![Part::Text(Box::new(move |w| fill_help(app, w)))],
        Overlay::Question => vec![Part::Text(Box::new(move |w| fill_question(app, w)))],
        Overlay::Compare => output::compare(app, &app.session.compare),
        Overlay::Answer => match &app.session.answer {
            Some(answer) => output::answer(app, answer),
            None => vec![],
        },
        Overlay::Replica(k) => vec![Part::Fields(Box::new(move |w: &mut Wrap<'_>| {
            panels::fill(app, k, true, w)
        }))],
        Overlay::Worked => worked_parts(app),
        Overlay::Outcomes => vec![Part::Text(Box::new(move |w| super::outcomes::fill(app, w)))],
        Overlay::Timeline => vec![],
    }
}

/// Where an overlay goes: the body of the screen, except that a question leaves the replica
/// panels in sight (a learner predicts from them) and covers the narration and history.
fn box_area(app: &App, overlay: Overlay, screen: Rect) -> Rect {
    let body = Rect::new(
        screen.x,
        screen.y + 1,
        screen.width,
        screen.height.saturating_sub(3),
    );
    if overlay != Overlay::Question || app.ui.screen != Screen::Lab {
        return body;
    }
    // The question leaves the status line in sight too: "not quite, try again" is said there.
    let a = ui::areas(app, screen);
    let bottom = a.status.y.clamp(body.y, body.bottom());
    if let Some(side) = a.side.filter(|side| side.x > body.x) {
        let height = bottom.saturating_sub(body.y);
        return Rect::new(side.x, body.y, body.right() - side.x, height);
    }
    // Under the network strip when the question fits there; else it rises over the strip and
    // the lower part of the panels, but never over a panel's name and visible value.
    let needed = count(body.width.saturating_sub(2), |w| fill_question(app, w)) as u16 + 2;
    let keep = a
        .panels
        .iter()
        .map(|(_, r)| r.y + 3)
        .max()
        .unwrap_or(body.y);
    let top = bottom
        .saturating_sub(needed.max(8))
        .min(a.network.bottom())
        .max(keep)
        .min(bottom.saturating_sub(5))
        .max(body.y);
    Rect::new(body.x, top, body.width, bottom.saturating_sub(top))
}

fn title(app: &App, overlay: Overlay) -> String {
    match overlay {
        Overlay::Help => " Help: keys and commands ".to_string(),
        Overlay::Compare => match app.lab().history().len() {
            1 => " Compare: this command on every set type ".to_string(),
            n => format!(" Compare: these {n} commands on every set type "),
        },
        Overlay::Timeline => " Timeline: replicas as columns, events as rows ".to_string(),
        Overlay::Question => match app.session.lesson() {
            Some((_, step, _)) => format!(" Question · step {step} · the replicas stay in sight "),
            None => " Question ".to_string(),
        },
        Overlay::Worked => match app.session.player() {
            Some(_) => {
                " Worked table: ↑ ↓ choose a row, Enter jumps to its step (▶ is here) ".into()
            }
            None => " Worked table: the history as export md writes it ".into(),
        },
        Overlay::Outcomes => " Outcomes: ↑ ↓ choose, Enter replays its schedule ".into(),
        Overlay::Answer => match &app.session.answer {
            Some(answer) => format!(" {} ", answer.line),
            None => " Answer ".to_string(),
        },
        Overlay::Replica(k) => match app.session.view.replicas.get(k) {
            Some(r) => format!(" {}: every field, every entry whole ", r.name),
            None => " Replica ".to_string(),
        },
    }
}

fn fill_question<'a>(app: &'a App, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    let Some(question) = app
        .session
        .player()
        .and_then(|p| p.lesson().steps.get(p.step().wrapping_sub(1)))
        .and_then(|s| s.question.as_ref())
    else {
        return;
    };
    let quiz = &app.session.quiz;
    prose::lay_out(&quiz.prompt, t, wrap);
    wrap.block(0);
    let answered = quiz.answered.as_ref();
    for (k, choice) in question.choices.iter().enumerate() {
        let (mark, style) = match answered {
            Some((_, a)) if k == a.right => ("✓ ", t.ok),
            _ if quiz.tried.contains(&k) => ("✗ ", t.error),
            Some(_) => ("  ", t.dim),
            None => ("  ", t.text),
        };
        wrap.block(6);
        wrap.glue(mark, style);
        wrap.glue(format!("{}. ", k + 1), t.key);
        wrap.words(choice, style);
    }
    wrap.block(0);
    let Some((_, a)) = answered else {
        wrap.block(0);
        let (text, style) = match quiz.tried.is_empty() {
            true => ("Press 1 to {n} to answer, or s to see the answer.", t.hint),
            false => (
                "Not quite, try again: press 1 to {n}, or s to see the answer.",
                t.error,
            ),
        };
        let text = text.replace("{n}", &question.choices.len().to_string());
        wrap.words(text, style);
        return;
    };
    wrap.block(0);
    let verdict = match quiz.how {
        Solved::Now if quiz.tried.is_empty() => "Right. ",
        Solved::Now => "Right, this time. ",
        Solved::GaveUp => "The answer: ",
        Solved::Before { first_right: true } => "Answered before, right the first time. ",
        Solved::Before { first_right: false } => "Answered before. ",
    };
    let style = match (quiz.how, a.correct) {
        (Solved::Now, _) | (Solved::Before { .. }, true) => t.ok,
        _ => t.note,
    };
    wrap.glue(verdict, style);
    prose::lay_out(&quiz.explanation, t, wrap);
    wrap.block(0);
    let (right, asked) = app.session.player().map_or((0, 0), |p| p.score());
    wrap.block(0);
    wrap.words(
        format!("Score: {right} of {asked} right the first time. Press → to go on."),
        t.hint,
    );
}

/// The worked table's parts: each lab's table, the current step's row marked ▶, the chosen row
/// drawn as chosen.
fn worked_parts(app: &App) -> Vec<Part<'_>> {
    let worked = &app.session.worked;
    if worked.tables.is_empty() {
        return vec![output::said(
            "nothing has happened yet: the table has no rows".into(),
            app.theme.dim,
        )];
    }
    let mut first = 0;
    let mut parts = vec![];
    for table in &worked.tables {
        let rows = first..first + table.rows.len();
        let mut grid = output::worked_grid(table);
        if rows.contains(&worked.current)
            && let Some(cell) = grid
                .rows
                .get_mut(worked.current - first)
                .and_then(|r| r.first_mut())
        {
            *cell = format!("▶ {cell}");
        }
        if rows.contains(&worked.chosen) {
            grid.chosen = Some(worked.chosen - first);
        }
        first = rows.end;
        parts.push(Part::Table(grid));
    }
    parts
}

fn fill_help<'a>(app: &'a App, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    let sections = [
        (Place::Lab, "On the lab screen"),
        (Place::Typing, "On the command line"),
        (Place::Question, "In a question"),
        (Place::Overlay, "In help, compare, timeline and answers"),
        (Place::Home, "On the home screen"),
    ];
    for (place, heading) in sections {
        wrap.block(0);
        wrap.push(heading, t.strong);
        for b in BINDINGS.iter().filter(|b| b.place == place) {
            wrap.block(14);
            wrap.glue(format!("  {:<11} ", b.label), t.label);
            wrap.words(b.about, t.text);
        }
        wrap.block(0);
    }
    wrap.block(0);
    wrap.words(
        "The mouse: click a replica to focus it, or a message in flight to see it whole; in a \
         lesson, click a step in the history (or a row of the worked table) to jump there; the \
         wheel scrolls what is under it.",
        t.text,
    );
    wrap.block(0);
    wrap.block(0);
    wrap.push("Marks on the replicas", t.strong);
    let marks = [
        (
            "● changed",
            t.changed,
            "the replica's state changed in the last step or command",
        ),
        ("a1", t.changed, "came with it"),
        (
            "a1",
            t.gone,
            "went with it (struck through, in the field it left)",
        ),
        (
            "…",
            t.text,
            "an entry too wide for its panel: Enter shows the replica whole",
        ),
    ];
    for (mark, style, about) in marks {
        wrap.block(14);
        wrap.glue(format!("  {mark}"), style);
        wrap.glue(" ".repeat(12usize.saturating_sub(width(mark))), t.text);
        wrap.words(about, t.text);
    }
    wrap.block(0);
    wrap.block(0);
    wrap.push(
        "Commands (the REPL's language; type them after :)",
        t.strong,
    );
    let table = crate::script::command_table();
    let usage_w = table
        .iter()
        .map(|u| width(&u.usage))
        .max()
        .unwrap_or(0)
        .min(34);
    for u in table {
        wrap.block(usage_w + 4);
        wrap.glue(format!("  {:<usage_w$}  ", u.usage), t.code);
        wrap.words(&u.about, t.text);
    }
}

fn timeline_lines(app: &App, width: u16, window: std::ops::Range<usize>) -> Vec<Line<'_>> {
    let rows = window.start..window.end.saturating_sub(1);
    let mut lines = timeline::lines(&app.session.timeline, &app.theme, width, rows);
    if app.session.timeline.rows.is_empty() {
        lines.push(Line::styled(
            "  nothing has happened yet: add, merge, send and deliver, then look again",
            app.theme.dim,
        ));
    }
    lines
}
