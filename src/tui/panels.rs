//! Replica panels and the network strip. A panel shows the visible value, then every field of
//! the replica's view under its canonical label, styled by role (live, removed, meta, derived),
//! with what changed highlighted down to single tags. Long fields wrap and the panel scrolls.

use super::app::App;
use super::diff::{KEY, UNDER};
use super::ui::scroll_marks;
use super::wrap::{Wrap, Wrapped, count, count_up_to, width};
use crate::crdt::{Role, Value};
use crate::lab::ReplicaView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Widget};
use std::collections::HashSet;

const SPACES: &str = "                        ";

/// Highlighting for one value: the new leaves and the style that marks them.
#[derive(Clone, Copy)]
struct Marks<'s> {
    new: Option<&'s HashSet<String>>,
    changed: Style,
}

impl Marks<'_> {
    fn style(&self, base: Style, path: impl FnOnce() -> String) -> Style {
        match self.new {
            Some(new) if new.contains(&path()) => base.patch(self.changed),
            _ => base,
        }
    }
}

fn role_style(app: &App, role: Role) -> Style {
    let t = &app.theme;
    match role {
        Role::Live => t.live,
        Role::Removed => t.removed,
        Role::Meta => t.meta,
        Role::Derived => t.derived,
    }
}

/// Lay out one replica's panel contents.
fn fill<'a>(app: &'a App, replica: &'a ReplicaView, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    let changes = &app.changes;
    let label_w = replica
        .fields
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(0)
        .min(SPACES.len() - 1)
        + 1;
    wrap.block(2);
    let marks = Marks {
        new: changes.field(&replica.name, "value"),
        changed: t.changed,
    };
    put(wrap, &replica.visible, t.value, marks, "");
    let gone = changes.gone(&replica.name);
    if !gone.is_empty() {
        wrap.push("  gone: ", t.dim);
        for (k, elem) in gone.iter().enumerate() {
            wrap.glue(elem, t.removed);
            wrap.push(if k + 1 < gone.len() { ", " } else { "" }, t.dim);
        }
    }
    for field in &replica.fields {
        wrap.block(label_w);
        wrap.glue(field.name, t.label);
        wrap.glue(&SPACES[..label_w - field.name.len()], t.label);
        let marks = Marks {
            new: changes.field(&replica.name, field.name),
            changed: t.changed,
        };
        put(wrap, &field.value, role_style(app, field.role), marks, "");
    }
    wrap.block(2);
    wrap.push("metadata ", t.dim);
    wrap.push(replica.meta_size.to_string(), t.dim);
    if replica.skew != 0 {
        wrap.push(format!("  skew {:+}s", replica.skew), t.dim);
    }
}

/// Lay out a value: `{a, b}` sets, `{k: v}` maps, breaking only after a comma.
fn put<'a>(wrap: &mut Wrap<'a>, value: &'a Value, style: Style, marks: Marks, prefix: &str) {
    let path = |leaf: &str, tail: &str| format!("{prefix}{leaf}{tail}");
    match value {
        Value::Scalar(s) => wrap.glue(s, marks.style(style, || path(s, ""))),
        Value::Set(items) if items.is_empty() => wrap.glue("{}", style),
        Value::Set(items) => {
            wrap.glue("{", style);
            for (k, item) in items.iter().enumerate() {
                if wrap.full() {
                    return;
                }
                if wrap.past_window() {
                    return measure_set(wrap, &items[k..]);
                }
                wrap.glue(item, marks.style(style, || path(item, "")));
                if k + 1 < items.len() {
                    wrap.push(", ", style);
                }
            }
            wrap.glue("}", style);
        }
        Value::Map(pairs) if pairs.is_empty() => wrap.glue("{}", style),
        Value::Map(pairs) => {
            wrap.glue("{", style);
            for (k, (key, inner)) in pairs.iter().enumerate() {
                if wrap.full() {
                    return;
                }
                if wrap.past_window() {
                    return measure_map(wrap, &pairs[k..]);
                }
                wrap.glue(key, marks.style(style, || path(key, &KEY.to_string())));
                wrap.glue(": ", style);
                let under = if marks.new.is_some() {
                    path(key, &UNDER.to_string())
                } else {
                    String::new()
                };
                put(wrap, inner, style, marks, &under);
                if k + 1 < pairs.len() {
                    wrap.push(", ", style);
                }
            }
            wrap.glue("}", style);
        }
    }
}

/// What `put` does to the line count for the rest of a set, without drawing: each item
/// glued to its `, `, then `}`.
fn measure_set(wrap: &mut Wrap<'_>, items: &[String]) {
    for (k, item) in items.iter().enumerate() {
        wrap.glue_width(width(item));
        if k + 1 < items.len() {
            wrap.break_width(2, 1);
        }
    }
    wrap.glue_width(1);
}

/// The same for the rest of a map: `key: value, ` entries, then `}`.
fn measure_map(wrap: &mut Wrap<'_>, pairs: &[(String, Value)]) {
    for (k, (key, inner)) in pairs.iter().enumerate() {
        wrap.glue_width(width(key) + 2);
        measure_value(wrap, inner);
        if k + 1 < pairs.len() {
            wrap.break_width(2, 1);
        }
    }
    wrap.glue_width(1);
}

fn measure_value(wrap: &mut Wrap<'_>, value: &Value) {
    match value {
        Value::Scalar(s) => wrap.glue_width(width(s)),
        Value::Set(items) if items.is_empty() => wrap.glue_width(2),
        Value::Map(pairs) if pairs.is_empty() => wrap.glue_width(2),
        Value::Set(items) => {
            wrap.glue_width(1);
            measure_set(wrap, items);
        }
        Value::Map(pairs) => {
            wrap.glue_width(1);
            measure_map(wrap, pairs);
        }
    }
}

fn panel_block() -> Block<'static> {
    Block::bordered().padding(Padding::horizontal(1))
}

/// The inside of a replica panel drawn in `area`.
pub fn panel_inner(area: Rect) -> Rect {
    panel_block().inner(area)
}

/// How many lines a replica's panel needs at this inner width.
pub fn panel_lines(app: &App, replica: usize, inner_width: u16) -> usize {
    match app.view.replicas.get(replica) {
        Some(r) => count(inner_width, |w| fill(app, r, w)),
        None => 0,
    }
}

/// The same, or `limit` if it is at least that many (cheap for huge replicas).
pub fn panel_lines_up_to(app: &App, replica: usize, inner_width: u16, limit: usize) -> usize {
    match app.view.replicas.get(replica) {
        Some(r) => count_up_to(inner_width, limit, |w| fill(app, r, w)),
        None => 0,
    }
}

pub fn render_panel(app: &App, k: usize, area: Rect, buf: &mut Buffer) {
    let Some(replica) = app.view.replicas.get(k) else {
        return;
    };
    let t = &app.theme;
    let focused = k == app.focus;
    let changed = app.changes.replica(&replica.name);
    let mut title = vec![Span::styled(if focused { " ▶ " } else { " " }, t.focus)];
    title.push(Span::styled(
        format!("{} ", replica.name),
        if focused { t.focus } else { t.strong },
    ));
    if changed {
        title.push(Span::styled("● changed ", t.changed));
    }
    let (border_type, border_style) = match (focused, changed) {
        (true, _) => (BorderType::Double, t.focus),
        (false, true) => (BorderType::Thick, t.changed),
        (false, false) => (BorderType::Rounded, t.border),
    };
    let block = panel_block()
        .border_type(border_type)
        .border_style(border_style)
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    let height = usize::from(inner.height);
    let mut offset = app.scroll.get(k).copied().unwrap_or(0);
    let mut wrap = Wrap::new(inner.width, offset..offset + height);
    fill(app, replica, &mut wrap);
    let mut out = wrap.finish();
    if offset > 0 && out.total < offset + height {
        // Scrolled past the end (the panel grew or the terminal did): show the last page.
        offset = out.total.saturating_sub(height);
        let mut wrap = Wrap::new(inner.width, offset..offset + height);
        fill(app, replica, &mut wrap);
        out = wrap.finish();
    }
    let Wrapped { lines, total } = out;
    Paragraph::new(lines).render(inner, buf);
    scroll_marks(app, area, offset, inner.height.into(), total, buf);
}

/// The line under the panels when some replicas do not fit.
pub fn render_more(app: &App, shown: &[(usize, Rect)], area: Rect, buf: &mut Buffer) {
    let names: Vec<&str> = app
        .view
        .replicas
        .iter()
        .enumerate()
        .filter(|(k, _)| !shown.iter().any(|(s, _)| s == k))
        .map(|(_, r)| r.name.as_str())
        .collect();
    let text = format!(
        " not shown: {} (Tab moves the focus to them, or make the terminal taller)",
        names.join(" ")
    );
    Paragraph::new(Span::styled(text, app.theme.note)).render(area, buf);
}

fn fill_network<'a>(app: &'a App, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    let view = &app.view;
    wrap.block(2);
    wrap.push("network ", t.label);
    if view.groups.is_empty() {
        wrap.push("whole: every replica reaches every other", t.ok);
    } else {
        wrap.push("partitioned ", t.cut);
        for (k, group) in view.groups.iter().enumerate() {
            wrap.glue("[", t.cut);
            for (j, name) in group.iter().enumerate() {
                wrap.glue(name, t.strong);
                if j + 1 < group.len() {
                    wrap.glue(" ", t.text);
                }
            }
            wrap.push(
                if k + 1 < view.groups.len() {
                    "] ╳ "
                } else {
                    "]"
                },
                t.cut,
            );
        }
    }
    if !view.wire.is_empty() {
        wrap.push("   in flight: ", t.label);
    }
    for m in &view.wire {
        let style = if m.deliverable { t.arrow } else { t.cut };
        wrap.glue(format!("#{} ", m.number), style);
        wrap.glue(&m.from, t.strong);
        wrap.glue(" → ", style);
        wrap.glue(&m.to, t.strong);
        wrap.glue(" ", style);
        put(
            wrap,
            &m.carries,
            t.text,
            Marks {
                new: None,
                changed: t.changed,
            },
            "",
        );
        wrap.push(
            if m.deliverable {
                "   "
            } else {
                " held by the partition   "
            },
            style,
        );
    }
    if view.clock != "lamport" || view.tiebreak != "add-wins" {
        wrap.push("   clock ", t.dim);
        wrap.push(view.clock, t.dim);
        wrap.push(" · ", t.dim);
        wrap.push(view.tiebreak, t.dim);
        wrap.push(" · ", t.dim);
        wrap.push(view.time.as_str(), t.dim);
    }
}

/// How many lines the network strip needs at this width.
pub fn network_lines(app: &App, width: u16) -> usize {
    count(width, |w| fill_network(app, w))
}

pub fn render_network(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let mut wrap = Wrap::new(area.width, 0..usize::from(area.height));
    fill_network(app, &mut wrap);
    let out = wrap.finish();
    Paragraph::new(out.lines).render(area, buf);
    if out.total > usize::from(area.height) {
        let text = " … more in flight: type show ";
        let w = width(text) as u16;
        let r = Rect::new(
            area.right().saturating_sub(w),
            area.bottom() - 1,
            w.min(area.width),
            1,
        );
        Paragraph::new(text).style(app.theme.note).render(r, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Theme;

    #[test]
    fn measuring_a_panel_counts_exactly_the_lines_drawing_it_takes() {
        let mut app =
            App::sandbox(Theme::dark(), Some("new orset A B")).unwrap_or_else(|e| panic!("{e}"));
        for k in 0..120 {
            let elem = format!("{}{k}", "e".repeat(k % 19));
            app.run_line(&format!("A add {elem}"));
            if k % 3 == 0 {
                app.run_line(&format!("B add {elem}"));
                app.run_line(&format!("A remove {elem}"));
            }
        }
        app.run_line("A merge B");
        for width in [23, 40, 9] {
            for k in 0..2 {
                let replica = &app.view.replicas[k];
                let mut drawn = Wrap::new(width, 0..usize::MAX);
                fill(&app, replica, &mut drawn);
                let drawn = drawn.finish();
                assert_eq!(
                    panel_lines(&app, k, width),
                    drawn.total,
                    "replica {k} at width {width}"
                );
                let window = drawn.total / 2..(drawn.total / 2 + 20).min(drawn.total);
                let mut late = Wrap::new(width, window.clone());
                fill(&app, replica, &mut late);
                let late = late.finish();
                let all: Vec<String> = drawn.lines[window.clone()]
                    .iter()
                    .map(|l| l.to_string())
                    .collect();
                let shown: Vec<String> = late.lines.iter().map(|l| l.to_string()).collect();
                assert_eq!(shown, all, "replica {k} at width {width}, lines {window:?}");
            }
        }
    }
}
