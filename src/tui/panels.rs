//! Replica panels and the network strip. A panel shows the visible value, then every field of
//! the replica's view under its canonical label, styled by role (live, removed, meta, derived),
//! with exactly what the last change did marked: what came is highlighted, what went is shown
//! struck through where it stood. Fields wrap only between entries; an entry wider than its
//! panel is cut with `…`, and the replica's details (Enter) show every entry whole. The strip
//! under the panels shows each message in flight with the fields it carries.

use super::app::App;
use super::diff::{Gone, Marks};
use super::measure::{entry_width, widest_entry, width};
use super::ui::scroll_marks;
use super::wrap::{Wrap, Wrapped, count_fields, count_fields_up_to};
use crate::crdt::{Field, Role, Value};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Widget};

const SPACES: &str = "                        ";

/// How a value is laid out: the styles of what came and went, and whether an entry may break
/// between its tags (in the details view) or stays on one line (in a panel).
#[derive(Clone, Copy)]
struct Cx {
    came: Style,
    gone: Style,
    whole: bool,
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

fn label_width(fields: &[Field]) -> usize {
    let widest = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    widest.min(SPACES.len() - 1) + 1
}

/// Where a field's lines after the first start: under its value beside the label when its
/// widest entry fits there, else two cells in, so that no entry has to be cut that need not be.
fn indent_for(widest: usize, label_w: usize, width: usize) -> usize {
    if label_w + widest <= width {
        label_w
    } else {
        2
    }
}

/// A field's label, padded to `label_w`, as a word of its own; its lines after the first start
/// `indent` cells in.
fn label<'a>(wrap: &mut Wrap<'a>, name: &'a str, label_w: usize, indent: usize, style: Style) {
    wrap.block(indent);
    wrap.glue(name, style);
    wrap.push(&SPACES[..label_w.saturating_sub(name.len()).max(1)], style);
}

/// Lay out replica `k`'s panel contents (`whole`: entries may break between their tags).
pub fn fill<'a>(app: &'a App, k: usize, whole: bool, wrap: &mut Wrap<'a>) {
    let Some(replica) = app.session.view.replicas.get(k) else {
        return;
    };
    let t = &app.theme;
    let marked = app.session.changes.replica(&replica.name);
    let cx = Cx {
        came: t.changed,
        gone: t.gone,
        whole,
    };
    let label_w = label_width(&replica.fields);
    wrap.block(2);
    let value = marked.map(|m| &m.value);
    put(wrap, &replica.visible, t.value, value, 0, cx);
    wrap.end_word();
    let hidden = marked.map_or(&[][..], |m| m.hidden.as_slice());
    if !hidden.is_empty() {
        wrap.push("  gone: ", t.dim);
        for (k, elem) in hidden.iter().enumerate() {
            wrap.glue(elem, t.gone);
            wrap.push(if k + 1 < hidden.len() { ", " } else { "" }, t.dim);
        }
    }
    let widest = app.session.widest.get(k);
    for (j, field) in replica.fields.iter().enumerate() {
        let wide = widest.and_then(|w| w.get(j)).copied().unwrap_or(0);
        let indent = match whole {
            true => label_w,
            false => indent_for(wide, label_w, wrap.width()),
        };
        label(wrap, field.name, label_w, indent, t.label);
        let marks = marked.and_then(|m| m.field(field.name));
        put(
            wrap,
            &field.value,
            role_style(app, field.role),
            marks,
            0,
            cx,
        );
    }
    wrap.block(2);
    let gauge = app.session.gauges.get(k).filter(|g| g.name == replica.name);
    match gauge {
        Some(g) => {
            let (text, spark) = gauge_line(g, wrap.width());
            wrap.glue(text, t.dim);
            wrap.push(spark, t.meta);
        }
        None => wrap.push(format!("metadata {}", replica.meta_size), t.dim),
    }
    if replica.skew != 0 {
        wrap.push(format!("  skew {:+}s", replica.skew), t.dim);
    }
}

/// A replica's gauge as one line of at most `width` cells: `live 2 · meta 5 · 130 B`, then
/// as much of the metadata's sparkline as fits (its latest points), or a shorter form on a
/// narrow panel.
pub fn gauge_line(g: &super::session::Gauge, width: usize) -> (String, String) {
    let b = bytes(g.bytes);
    let forms = [
        format!("live {} · meta {} · {b} ", g.live, g.metadata),
        format!(
            "live {} meta {} {} ",
            g.live,
            g.metadata,
            b.replace(' ', "")
        ),
        format!("{}/{} {b} ", g.live, g.metadata),
        format!("{}/{}", g.live, g.metadata),
    ];
    // The longest form that leaves room for a few points of the sparkline, if any does.
    let spark_room = g.history.len().min(3);
    let fits = |room: usize| {
        forms
            .iter()
            .find(move |f| f.chars().count() + room <= width)
    };
    let text = fits(spark_room).or_else(|| fits(0)).unwrap_or(&forms[3]);
    let room = width.saturating_sub(text.chars().count());
    let points = &g.history[g.history.len().saturating_sub(room)..];
    let spark = match points.len() {
        0 | 1 => String::new(),
        _ => crate::script::findings::sparkline(points),
    };
    (text.clone(), spark)
}

/// A size in bytes, short: `130 B`, `4.2 kB`, `1.3 MB`.
fn bytes(n: usize) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

/// Lay out what a message carries, field by field (derived views of the same state left out).
pub fn payload<'a>(app: &'a App, fields: &'a [Field], whole: bool, wrap: &mut Wrap<'a>) {
    let cx = Cx {
        came: app.theme.changed,
        gone: app.theme.gone,
        whole,
    };
    let shown = fields.iter().filter(|f| f.role != Role::Derived);
    let label_w = label_width(fields);
    for (k, field) in shown.enumerate() {
        if whole {
            let indent = indent_for(widest_entry(&field.value), label_w, wrap.width());
            label(wrap, field.name, label_w, indent, app.theme.label);
        } else {
            let gap = if k == 0 { "" } else { "  " };
            wrap.push(format!("{gap}{} ", field.name), app.theme.label);
        }
        put(wrap, &field.value, role_style(app, field.role), None, 0, cx);
        wrap.end_word();
    }
}

/// One leaf: an element (which may be shortened) at the top, a tag, stamp or dot (never cut
/// through) below it.
fn leaf<'a>(wrap: &mut Wrap<'a>, text: &'a str, style: Style, depth: usize) {
    match depth {
        0 => wrap.glue(text, style),
        _ => wrap.glue_whole(text, style),
    }
}

/// The `, ` after an entry: a line may break there between the entries of a field, and between
/// the tags inside an entry only when entries are shown whole.
fn separator(wrap: &mut Wrap<'_>, style: Style, depth: usize, cx: Cx) {
    match depth == 0 || cx.whole {
        true => wrap.push(", ", style),
        false => wrap.glue(", ", style),
    }
}

fn came_style(marks: Option<&Marks>, key: &str, style: Style, cx: Cx) -> Style {
    match marks.and_then(|m| m.below.get(key)) {
        Some(m) if m.came => style.patch(cx.came),
        _ => style,
    }
}

/// Lay out a value: `{a, b}` sets, `{k: v}` maps, with what went (in `marks`) where it stood.
fn put<'a>(
    wrap: &mut Wrap<'a>,
    value: &'a Value,
    style: Style,
    marks: Option<&'a Marks>,
    depth: usize,
    cx: Cx,
) {
    let gone = marks.map_or(&[][..], |m| m.gone.as_slice());
    match value {
        Value::Scalar(s) => {
            // What the value was, struck through, then what it is: `0 → -1`.
            for g in gone {
                leaf(wrap, &g.key, cx.gone, depth);
                wrap.glue(" → ", style);
            }
            leaf(wrap, s, came_style(marks, s, style, cx), depth);
        }
        Value::Set(items) if items.is_empty() && gone.is_empty() => wrap.glue("{}", style),
        Value::Map(pairs) if pairs.is_empty() && gone.is_empty() => wrap.glue("{}", style),
        Value::Set(items) => {
            wrap.glue("{", style);
            let total = items.len() + gone.len();
            let mut done = 0;
            let mut g = 0;
            for (k, item) in items.iter().enumerate() {
                while let Some(went) = gone.get(g).filter(|x| x.at <= k) {
                    put_gone(wrap, went, style, depth, cx);
                    (g, done) = (g + 1, done + 1);
                    separator(wrap, style, depth, cx);
                }
                if wrap.full() {
                    return;
                }
                if depth == 0 && g == gone.len() && wrap.past_window() && !cx.whole {
                    return measure_set(wrap, &items[k..]);
                }
                leaf(wrap, item, came_style(marks, item, style, cx), depth);
                done += 1;
                if done < total {
                    separator(wrap, style, depth, cx);
                }
            }
            put_rest(wrap, &gone[g..], style, depth, cx);
            wrap.glue("}", style);
        }
        Value::Map(pairs) => {
            wrap.glue("{", style);
            let total = pairs.len() + gone.len();
            let mut done = 0;
            let mut g = 0;
            for (k, (key, inner)) in pairs.iter().enumerate() {
                while let Some(went) = gone.get(g).filter(|x| x.at <= k) {
                    put_gone(wrap, went, style, depth, cx);
                    (g, done) = (g + 1, done + 1);
                    separator(wrap, style, depth, cx);
                }
                if wrap.full() {
                    return;
                }
                if depth == 0 && g == gone.len() && wrap.past_window() && !cx.whole {
                    return measure_map(wrap, &pairs[k..]);
                }
                let below = marks.and_then(|m| m.below.get(key));
                leaf(wrap, key, came_style(marks, key, style, cx), depth);
                wrap.glue(": ", style);
                put(wrap, inner, style, below, depth + 1, cx);
                done += 1;
                if done < total {
                    separator(wrap, style, depth, cx);
                }
            }
            put_rest(wrap, &gone[g..], style, depth, cx);
            wrap.glue("}", style);
        }
    }
}

/// What went after the last entry there is now.
fn put_rest<'a>(wrap: &mut Wrap<'a>, gone: &'a [Gone], style: Style, depth: usize, cx: Cx) {
    for (k, went) in gone.iter().enumerate() {
        put_gone(wrap, went, style, depth, cx);
        if k + 1 < gone.len() {
            separator(wrap, style, depth, cx);
        }
    }
}

/// An item or entry that went, struck through.
fn put_gone<'a>(wrap: &mut Wrap<'a>, went: &'a Gone, style: Style, depth: usize, cx: Cx) {
    leaf(wrap, &went.key, cx.gone, depth);
    if let Some(under) = &went.under {
        wrap.glue(": ", style);
        put(wrap, under, cx.gone, None, depth + 1, cx);
    }
}

/// What `put` does to the line count for the rest of a field's set, without drawing: each item
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

/// The same for the rest of a field's map: `key: value, ` entries (each one word), then `}`.
fn measure_map(wrap: &mut Wrap<'_>, pairs: &[(String, Value)]) {
    for (k, pair) in pairs.iter().enumerate() {
        wrap.glue_width(entry_width(pair));
        if k + 1 < pairs.len() {
            wrap.break_width(2, 1);
        }
    }
    wrap.glue_width(1);
}

fn panel_block() -> Block<'static> {
    Block::bordered().padding(Padding::horizontal(1))
}

/// The inside of a replica panel drawn in `area`.
pub fn panel_inner(area: Rect) -> Rect {
    panel_block().inner(area)
}

/// How many lines a replica's panel needs at this inner width.
#[cfg(test)]
fn panel_lines(app: &App, replica: usize, inner_width: u16) -> usize {
    match app.session.view.replicas.get(replica) {
        Some(_) => count_fields(inner_width, |w| fill(app, replica, false, w)),
        None => 0,
    }
}

/// The same, or `limit` if it is at least that many (cheap for huge replicas).
pub fn panel_lines_up_to(app: &App, replica: usize, inner_width: u16, limit: usize) -> usize {
    match app.session.view.replicas.get(replica) {
        Some(_) => count_fields_up_to(inner_width, limit, |w| fill(app, replica, false, w)),
        None => 0,
    }
}

/// Draw replica `k`'s panel; returns how far it can scroll.
pub fn render_panel(app: &App, k: usize, area: Rect, buf: &mut Buffer) -> usize {
    let Some(replica) = app.session.view.replicas.get(k) else {
        return 0;
    };
    let t = &app.theme;
    let focused = k == app.ui.focus;
    let changed = app.session.changes.changed(&replica.name);
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
    let draw = |offset: usize| {
        let mut wrap = Wrap::new(inner.width, offset..offset + height).cutting();
        fill(app, k, false, &mut wrap);
        wrap.finish()
    };
    let mut offset = app.ui.scroll.get(k).copied().unwrap_or(0);
    let mut out = draw(offset);
    if offset > 0 && out.total < offset + height {
        // Scrolled past the end (the panel grew or the terminal did): show the last page.
        offset = out.total.saturating_sub(height);
        out = draw(offset);
    }
    let Wrapped { lines, total, cut } = out;
    Paragraph::new(lines).render(inner, buf);
    if cut && focused {
        // Something on screen ends in `…`: say how to see it whole, where the scroll marks
        // leave room.
        let text = if area.width > 34 {
            " … Enter: whole "
        } else {
            " … Enter "
        };
        let w = (width(text) as u16).min(area.width.saturating_sub(2));
        let r = Rect::new(area.x + 1, area.bottom() - 1, w, 1);
        Paragraph::new(text).style(t.hint).render(r, buf);
    }
    scroll_marks(app, area, offset, inner.height.into(), total, buf);
    total.saturating_sub(height)
}

/// The line under the panels when some replicas do not fit.
pub fn render_more(app: &App, shown: &[(usize, Rect)], area: Rect, buf: &mut Buffer) {
    let names: Vec<&str> = app
        .session
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

/// The network strip: whether the network is whole, then each message in flight on a line of
/// its own with what it carries. Returns the line each message starts on.
fn fill_network<'a>(app: &'a App, wrap: &mut Wrap<'a>) -> Vec<(usize, usize)> {
    let t = &app.theme;
    let view = &app.session.view;
    wrap.block(2);
    wrap.push("network ", t.label);
    if view.cuts.is_empty() {
        wrap.push("whole: every replica reaches every other", t.ok);
    } else if view.groups.is_empty() {
        // Cut links that make no clean sides (one cut among three, say): each one named.
        wrap.push("links cut: ", t.cut);
        for (k, (a, b)) in view.cuts.iter().enumerate() {
            wrap.glue(a, t.strong);
            wrap.glue(" ╳ ", t.cut);
            wrap.glue(b, t.strong);
            wrap.push(if k + 1 < view.cuts.len() { ", " } else { "" }, t.cut);
        }
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
            let end = if k + 1 < view.groups.len() {
                "] ╳ "
            } else {
                "]"
            };
            wrap.push(end, t.cut);
        }
    }
    if view.sync != "state" || !view.wire.is_empty() {
        wrap.push("   sync ", t.dim);
        wrap.push(view.sync, t.label);
    }
    if view.clock != "lamport" || view.tiebreak != "add-wins" {
        wrap.push("   clock ", t.dim);
        wrap.push(view.clock, t.dim);
        wrap.push(" · ", t.dim);
        wrap.push(view.tiebreak, t.dim);
        wrap.push(" · ", t.dim);
        wrap.push(view.time.as_str(), t.dim);
    }
    if !view.wire.is_empty() {
        wrap.push(
            format!("   in flight: {} (m shows one)", view.wire.len()),
            t.label,
        );
    }
    let mut starts = vec![];
    for m in &view.wire {
        let style = if m.deliverable { t.arrow } else { t.cut };
        wrap.block(4);
        starts.push((m.number, wrap.line()));
        wrap.glue(format!("#{} ", m.number), style);
        wrap.glue(&m.from, t.strong);
        wrap.glue(" → ", style);
        wrap.glue(&m.to, t.strong);
        wrap.push("  ", style);
        message_body(app, m, wrap);
        wrap.push(format!("  ({} bytes)", m.bytes), t.dim);
        if !m.deliverable {
            wrap.push("  ", style);
            let held = match view.groups.is_empty() {
                true => format!("(held: the link {} ╳ {} is cut)", m.from, m.to),
                false => "(held by the partition)".to_string(),
            };
            wrap.words(held, style);
        }
    }
    waiting(app, wrap);
    starts
}

/// What a message carries: a snapshot's fields, or each op (`add x a3`, `remove x {a1}`).
fn message_body<'a>(app: &'a App, m: &'a crate::lab::MessageView, wrap: &mut Wrap<'a>) {
    if m.ops.is_empty() {
        payload(app, &m.payload, false, wrap);
        return;
    }
    for (k, op) in m.ops.iter().enumerate() {
        if k > 0 {
            wrap.push("; ", app.theme.dim);
        }
        wrap.glue(&op.op, app.theme.live);
    }
    wrap.end_word();
}

/// The ops each replica holds back until what they depend on has come, and why.
fn waiting<'a>(app: &'a App, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    for r in app
        .session
        .view
        .replicas
        .iter()
        .filter(|r| !r.waiting.is_empty())
    {
        wrap.block(4);
        wrap.glue(&r.name, t.strong);
        wrap.push(" holds, waiting: ", t.note);
        for (op, why) in &r.waiting {
            wrap.glue(op, t.live);
            wrap.push(" ", t.dim);
            wrap.words(format!("({why}) "), t.dim);
        }
    }
}

/// How many lines the network strip needs at this width.
pub fn network_lines(app: &App, width: u16) -> usize {
    count_fields(width, |w| {
        fill_network(app, w);
    })
}

/// Draw the network strip; returns where each message shown on it is.
pub fn render_network(app: &App, area: Rect, buf: &mut Buffer) -> Vec<(usize, Rect)> {
    if area.height == 0 {
        return vec![];
    }
    let mut wrap = Wrap::new(area.width, 0..usize::from(area.height)).cutting();
    let starts = fill_network(app, &mut wrap);
    let out = wrap.finish();
    Paragraph::new(out.lines).render(area, buf);
    let mut shown = vec![];
    for (number, line) in starts {
        if line < usize::from(area.height) {
            shown.push((
                number,
                Rect::new(area.x, area.y + line as u16, area.width, 1),
            ));
        }
    }
    if out.total > usize::from(area.height) {
        let hidden = app.session.view.wire.len() - shown.len().min(app.session.view.wire.len());
        let text = match hidden {
            0 => " … more: m shows each message whole ".to_string(),
            n => format!(" … {n} more in flight: m shows each "),
        };
        let w = (width(&text) as u16).min(area.width);
        let r = Rect::new(area.right().saturating_sub(w), area.bottom() - 1, w, 1);
        Paragraph::new(text).style(app.theme.note).render(r, buf);
    }
    shown
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
                let mut drawn = Wrap::new(width, 0..usize::MAX).cutting();
                fill(&app, k, false, &mut drawn);
                let drawn = drawn.finish();
                assert_eq!(
                    panel_lines(&app, k, width),
                    drawn.total,
                    "replica {k} at width {width}"
                );
                let window = drawn.total / 2..(drawn.total / 2 + 20).min(drawn.total);
                let mut late = Wrap::new(width, window.clone()).cutting();
                fill(&app, k, false, &mut late);
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

    #[test]
    fn each_panel_gauges_live_entries_against_metadata_and_bytes_on_one_line() {
        let mut app = App::sandbox(Theme::monochrome(), Some("new orset A B C"))
            .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..3 {
            app.run_line("A add x");
            app.run_line("A remove x");
        }
        app.run_line("B add y");
        let text = crate::tui::tests::screen(&mut app, 80, 24);
        let stats = app.lab().stats();
        assert_eq!((stats.replicas[0].live, stats.replicas[0].metadata), (0, 3));
        let a = format!("live 0 meta 3 {}B ███", stats.replicas[0].bytes);
        assert!(
            text.contains(&a),
            "A's tombstones, as `stats` counts them:\n{text}"
        );
        let b = format!("live 1 meta 1 {}B ▁▁▁█", stats.replicas[1].bytes);
        assert!(
            text.contains(&b),
            "B's metadata rising with its add:\n{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_gauge_line_never_overflows_its_panel() {
        let gauge = crate::tui::session::Gauge {
            name: "A".into(),
            live: 12_345,
            metadata: 67_890,
            bytes: 4_321_000,
            history: (0..40).collect(),
        };
        for width in [4, 9, 14, 22, 30, 38, 60] {
            let (text, spark) = gauge_line(&gauge, width);
            let used = width_of(&text) + width_of(&spark);
            assert!(used <= width.max(11), "{text}{spark} at {width}");
        }
        let (text, spark) = gauge_line(&gauge, 60);
        assert_eq!(text, "live 12345 · meta 67890 · 4.3 MB ");
        assert_eq!(spark.chars().count(), 60 - text.chars().count());
        assert!(spark.ends_with('█'), "the latest point, the highest, last");
    }

    fn width_of(s: &str) -> usize {
        s.chars().count()
    }

    #[test]
    fn redrawing_a_long_lab_adds_nothing_to_a_gauge_history_and_a_command_adds_a_point() {
        let mut app = App::sandbox(Theme::monochrome(), Some("new orset A B"))
            .unwrap_or_else(|e| panic!("{e}"));
        let long = crate::tui::session::GAUGE_REPLAY + 10;
        for k in 0..long {
            app.run_line(&format!("A add e{}", k % 3));
        }
        let before = app.session.gauges[0].history.clone();
        app.resize(100, 30);
        app.resize(80, 24);
        app.open_overlay(crate::tui::state::Overlay::Help);
        assert_eq!(
            app.session.gauges[0].history, before,
            "a redraw is no change"
        );
        app.run_line("A add fresh");
        let after = &app.session.gauges[0].history;
        assert_eq!(after.last(), Some(&app.lab().stats().replicas[0].metadata));
        assert_ne!(after, &before, "a command adds its point");
    }
}
