//! What opens over the lab screen: the `?` help (keys from the key table, commands from the
//! command table), the compare view, the timeline, a lesson's question, a table answer (`show`,
//! `export md`) and one replica's fields in full.

use super::app::App;
use super::keys::{BINDINGS, Place};
use super::output::{self, Part};
use super::panels;
use super::prose;
use super::state::{Overlay, Screen};
use super::timeline;
use super::ui::{self, scroll_marks};
use super::wrap::{Wrap, width};
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
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(app.theme.focus)
        .title(Line::styled(
            crate::script::render::escape(&title(app, overlay)).into_owned(),
            app.theme.strong,
        ))
        .title_bottom(Line::styled(" Esc closes ", app.theme.dim));
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
    let a = ui::areas(app, screen);
    let below = a.network.bottom();
    let under = Rect::new(
        body.x,
        below,
        body.width,
        body.bottom().saturating_sub(below),
    );
    match a.side {
        Some(side) if side.x > body.x => {
            Rect::new(side.x, body.y, body.right() - side.x, body.height)
        }
        _ if under.height >= 8 => under,
        _ => body,
    }
}

fn title(app: &App, overlay: Overlay) -> String {
    match overlay {
        Overlay::Help => " Help: keys and commands ".to_string(),
        Overlay::Compare => format!(
            " Compare: these {} commands on every set type ",
            app.lab().history().len()
        ),
        Overlay::Timeline => " Timeline: replicas as columns, events as rows ".to_string(),
        Overlay::Question => " Question ".to_string(),
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
    prose::lay_out(&app.session.quiz.prompt, t, wrap);
    wrap.block(0);
    let answered = app.session.quiz.answered.as_ref();
    for (k, choice) in question.choices.iter().enumerate() {
        let (mark, style) = match answered {
            Some((_, a)) if k == a.right => ("✓ ", t.ok),
            Some((chosen, _)) if k == *chosen => ("✗ ", t.error),
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
        wrap.words(
            format!("Press 1 to {} to answer.", question.choices.len()),
            t.hint,
        );
        return;
    };
    wrap.block(0);
    let (verdict, style) = if a.correct {
        ("Right. ", t.ok)
    } else {
        ("Not quite. ", t.error)
    };
    wrap.glue(verdict, style);
    prose::lay_out(&app.session.quiz.explanation, t, wrap);
    wrap.block(0);
    let (right, asked) = app.session.player().map_or((0, 0), |p| p.score());
    wrap.block(0);
    wrap.words(
        format!("Score: {right} of {asked} right the first time. Press → to go on."),
        t.hint,
    );
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
        "The mouse: click a replica to focus it, or a message in flight to see it whole; the \
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
