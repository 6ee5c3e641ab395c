//! What opens over the lab screen: the `?` help (keys from the key table, commands from the
//! command table), the compare view, the timeline and a lesson's question.

use super::app::{App, Overlay};
use super::keys::{BINDINGS, Place};
use super::timeline;
use super::ui::scroll_marks;
use super::wrap::{Wrap, count, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

pub fn render(app: &App, body: Rect, buf: &mut Buffer) {
    let Some(overlay) = app.overlay else { return };
    let area = box_area(overlay, body);
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
    let offset = app.overlay_scroll.min(total.saturating_sub(inner.height.into()));
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

fn box_area(overlay: Overlay, body: Rect) -> Rect {
    match overlay {
        Overlay::Question => {
            let w = body.width.min(72);
            let h = body.height.min(18);
            Rect::new(body.x + (body.width - w) / 2, body.y + (body.height - h) / 2, w, h)
        }
        _ => body,
    }
}

fn title(app: &App, overlay: Overlay) -> String {
    match overlay {
        Overlay::Help => " Help: keys and commands ".to_string(),
        Overlay::Compare => format!(" Compare: these {} commands on every set type ", app.lab().history().len()),
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
pub fn scroll_limit(app: &App, body: Rect) -> usize {
    let Some(overlay) = app.overlay else { return 0 };
    let inner = Block::bordered().inner(box_area(overlay, body));
    lines_total(app, overlay, inner.width).saturating_sub(inner.height.into())
}

fn fill<'a>(app: &'a App, overlay: Overlay, wrap: &mut Wrap<'a>) {
    match overlay {
        Overlay::Help => fill_help(app, wrap),
        Overlay::Compare => fill_compare(app, wrap),
        Overlay::Question | Overlay::Timeline => {}
    }
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
    wrap.push("The mouse: click a replica to focus it; the wheel scrolls what is under it.", t.text);
    wrap.block(0);
    wrap.block(0);
    wrap.push("Commands (the REPL's language; type them after :)", t.strong);
    let usage_w = app.table.iter().map(|(_, u, _)| width(u)).max().unwrap_or(0).min(34);
    for (_, usage, about) in &app.table {
        wrap.block(usage_w + 4);
        wrap.glue(format!("  {usage:<usage_w$}  "), t.code);
        wrap.words(about, t.text);
    }
}

fn fill_compare<'a>(app: &'a App, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    let names: Vec<&str> = app.compare.first().map(|c| c.finals.iter().map(|(n, _)| n.as_str()).collect()).unwrap_or_default();
    let type_w = app.compare.iter().map(|c| width(c.title)).max().unwrap_or(8);
    let value_w = app.compare.iter().flat_map(|c| c.finals.iter().map(|(_, v)| width(&v.to_string()))).max().unwrap_or(2).min(24);
    wrap.block(0);
    wrap.words("Each type replays the history from a fresh lab. Final visible values:", t.text);
    wrap.block(0);
    for c in &app.compare {
        let current = c.kind == app.view.kind;
        let style = if current { t.selected } else { t.strong };
        wrap.block(type_w + 3);
        wrap.glue(format!("{}{:<type_w$}  ", if current { "▶" } else { " " }, c.title), style);
        for (k, (name, value)) in c.finals.iter().enumerate() {
            wrap.glue(format!("{} ", names.get(k).copied().unwrap_or(name)), t.label);
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
    let rules: Vec<(&str, &str, &str)> =
        app.compare.iter().flat_map(|c| c.refused.iter().map(move |(cmd, rule)| (c.title, cmd.as_str(), rule.as_str()))).collect();
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
        lines.push(Line::styled("  nothing has happened yet: add, merge, send and deliver, then look again", app.theme.dim));
    }
    lines
}
