//! What opens over the lab screen: the `?` help (keys from the key table, commands from the
//! command table), the compare view, the timeline and a lesson's question.

use super::app::{App, Overlay, Screen};
use super::keys::{BINDINGS, Place};
use super::timeline;
use super::ui::{self, scroll_marks};
use super::wrap::{Wrap, count, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

pub fn render(app: &App, screen: Rect, buf: &mut Buffer) {
    let Some(overlay) = app.overlay else { return };
    let area = box_area(app, overlay, screen);
    Clear.render(area, buf);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(app.theme.focus)
        .title(Line::styled(title(app, overlay), app.theme.strong))
        .title_bottom(Line::styled(" Esc closes ", app.theme.dim));
    let inner = block.inner(area);
    buf.set_style(area, app.theme.text);
    block.render(area, buf);
    let total = lines_total(app, overlay, inner.width);
    let offset = app
        .overlay_scroll
        .min(total.saturating_sub(inner.height.into()));
    let window = offset..offset + usize::from(inner.height);
    let lines = match overlay {
        Overlay::Timeline => timeline_lines(app, inner.width, window),
        _ => {
            let mut wrap = Wrap::new(inner.width, window);
            fill(app, overlay, &mut wrap);
            wrap.finish().lines
        }
    };
    Paragraph::new(lines).render(inner, buf);
    scroll_marks(app, area, offset, inner.height.into(), total, buf);
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
    if overlay != Overlay::Question || app.screen != Screen::Lab {
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
    }
}

fn lines_total(app: &App, overlay: Overlay, width: u16) -> usize {
    match overlay {
        Overlay::Timeline => app.timeline.rows.len() + 1,
        _ => count(width, |w| fill(app, overlay, w)),
    }
}

/// How far the open overlay can scroll within `body`.
pub fn scroll_limit(app: &App, screen: Rect) -> usize {
    let Some(overlay) = app.overlay else { return 0 };
    let inner = Block::bordered().inner(box_area(app, overlay, screen));
    lines_total(app, overlay, inner.width).saturating_sub(inner.height.into())
}

fn fill<'a>(app: &'a App, overlay: Overlay, wrap: &mut Wrap<'a>) {
    match overlay {
        Overlay::Help => fill_help(app, wrap),
        Overlay::Compare => fill_compare(app, wrap),
        Overlay::Question => fill_question(app, wrap),
        Overlay::Timeline => {}
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
    super::markdown::lay_out(&app.prompt, t, wrap);
    wrap.block(0);
    let answered = app.answered.as_ref();
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
    super::markdown::lay_out(&app.explanation, t, wrap);
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
        (Place::Overlay, "In help, compare and timeline"),
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
    wrap.push(
        "The mouse: click a replica to focus it; the wheel scrolls what is under it.",
        t.text,
    );
    wrap.block(0);
    wrap.block(0);
    wrap.push(
        "Commands (the REPL's language; type them after :)",
        t.strong,
    );
    let usage_w = app
        .table
        .iter()
        .map(|u| width(&u.usage))
        .max()
        .unwrap_or(0)
        .min(34);
    for u in app.table {
        wrap.block(usage_w + 4);
        wrap.glue(format!("  {:<usage_w$}  ", u.usage), t.code);
        wrap.words(&u.about, t.text);
    }
}

fn fill_compare<'a>(app: &'a App, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    let names: Vec<&str> = app
        .compare
        .first()
        .map(|c| c.finals.iter().map(|(n, _)| n.as_str()).collect())
        .unwrap_or_default();
    let type_w = app
        .compare
        .iter()
        .map(|c| width(c.title))
        .max()
        .unwrap_or(8);
    let value_w = app
        .compare
        .iter()
        .flat_map(|c| c.finals.iter().map(|(_, v)| width(&v.to_string())))
        .max()
        .unwrap_or(2)
        .min(24);
    wrap.block(0);
    wrap.words(
        "Each type replays the history from a fresh lab. Final visible values:",
        t.text,
    );
    wrap.block(0);
    for c in &app.compare {
        let current = c.kind == app.view.kind;
        let style = if current { t.selected } else { t.strong };
        wrap.block(type_w + 3);
        wrap.glue(
            format!("{}{:<type_w$}  ", if current { "▶" } else { " " }, c.title),
            style,
        );
        for (k, (name, value)) in c.finals.iter().enumerate() {
            wrap.glue(
                format!("{} ", names.get(k).copied().unwrap_or(name)),
                t.label,
            );
            wrap.push(format!("{:<value_w$}  ", value.to_string()), t.value);
        }
        wrap.push(format!("metadata {}", c.meta_size), t.dim);
        if c.refused.is_empty() {
            continue;
        }
        wrap.push("   refused: ", t.removed);
        for (k, (command, _)) in c.refused.iter().enumerate() {
            let sep = if k + 1 < c.refused.len() { "; " } else { "" };
            wrap.push(format!("{command}{sep}"), t.error);
        }
    }
    wrap.block(0);
    let rules: Vec<(&str, &str, &str)> = app
        .compare
        .iter()
        .flat_map(|c| {
            c.refused
                .iter()
                .map(move |(cmd, rule)| (c.title, cmd.as_str(), rule.as_str()))
        })
        .collect();
    if !rules.is_empty() {
        wrap.block(0);
        wrap.push("Why each refusal:", t.strong);
    }
    for (title, command, rule) in rules {
        wrap.block(4);
        wrap.glue(format!("  {title}: "), t.label);
        wrap.glue(command, t.code);
        wrap.push(" — ", t.dim);
        wrap.words(rule, t.text);
    }
}

fn timeline_lines(app: &App, width: u16, window: std::ops::Range<usize>) -> Vec<Line<'_>> {
    let rows = window.start..window.end.saturating_sub(1);
    let mut lines = timeline::lines(&app.timeline, &app.theme, width, rows);
    if app.timeline.rows.is_empty() {
        lines.push(Line::styled(
            "  nothing has happened yet: add, merge, send and deliver, then look again",
            app.theme.dim,
        ));
    }
    lines
}
