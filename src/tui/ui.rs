//! Drawing: `impl Widget for &App`. It lays the lab screen out, draws it, and stores what it
//! measured (areas, how far each part scrolls) in the app's [`Layout`] for mouse and scroll
//! handling. The title bar, side panel (narration or an answer), history, status, command line,
//! footer and home screen live here; replica panels are in `panels`, overlays in `overlays`,
//! answers in `output`.

use super::app::{App, Message, Mode};
use super::keys::{Binding, bindings_for};
use super::layout::{Areas, Layout, PANEL_HEIGHT, PANEL_WIDTH, WIDE};
use super::measure::width;
use super::output::{self, Part};
use super::session::LIVE_TIMELINE;
use super::state::{Screen, Side, Target, Tone};
use super::table::clip;
use super::wrap::{Wrap, count};
use super::{overlays, panels, prose};
use crate::script::render::escape;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Widget};

fn rows(area: Rect, heights: &[u16]) -> Vec<Rect> {
    let mut y = area.y;
    heights
        .iter()
        .map(|&h| {
            let h = h.min(area.bottom().saturating_sub(y));
            let r = Rect::new(area.x, y, area.width, h);
            y += h;
            r
        })
        .collect()
}

fn split_columns(area: Rect, left: u16) -> (Rect, Rect) {
    let left = left.min(area.width);
    (
        Rect::new(area.x, area.y, left, area.height),
        Rect::new(area.x + left, area.y, area.width - left, area.height),
    )
}

/// The lab screen's layout for a terminal of `area`.
pub fn areas(app: &App, area: Rect) -> Areas {
    let status_h = status_lines(app, area.width).clamp(1, 3) as u16;
    let fixed = 1 + status_h + 2;
    let body_h = area.height.saturating_sub(fixed);
    let r = rows(area, &[1, body_h, status_h, 1, 1]);
    let (title, body, status, command, footer) = (r[0], r[1], r[2], r[3], r[4]);
    let lesson = app.session.player().is_some();
    let mut timeline = None;
    let (top, side, history) = if area.width >= WIDE {
        // Wide: the narration stands in a column on the right; under the panels, the history
        // and a live timeline share the room the panels do not need.
        let side_w = (area.width * 3 / 10).clamp(44, 72);
        let (left, right) = split_columns(body, area.width - side_w);
        let bottom_h = (left.height / 3)
            .clamp(6, 16)
            .min(left.height.saturating_sub(PANEL_HEIGHT + 1));
        let top_h = fit_panels(app, left, bottom_h);
        let parts = rows(left, &[top_h, left.height - top_h]);
        let (history, rest) = split_columns(parts[1], parts[1].width * 2 / 5);
        timeline = Some(rest);
        (parts[0], Some(right), history)
    } else {
        let bottom_h = if lesson {
            (body.height * 2 / 5).clamp(6, 16)
        } else {
            (body.height / 3).clamp(5, 12)
        };
        let bottom_h = bottom_h.min(body.height.saturating_sub(PANEL_HEIGHT + 1));
        let top_h = fit_panels(app, body, bottom_h);
        let parts = rows(body, &[top_h, body.height - top_h]);
        let (side, history) = split_columns(parts[1], parts[1].width * 3 / 5);
        (parts[0], Some(side), history)
    };
    let net_h = (panels::network_lines(app, top.width) as u16)
        .clamp(1, 4)
        .min(top.height.saturating_sub(PANEL_HEIGHT));
    let parts = rows(top, &[top.height - net_h, net_h]);
    let (panel_area, network) = (parts[0], parts[1]);
    let (panels, more) = grid(app.session.view.replicas.len(), app.ui.focus, panel_area);
    Areas {
        title,
        panels,
        more,
        network,
        side,
        history,
        timeline,
        status,
        command,
        footer,
        body,
    }
}

/// The height for the panels and the network strip in `area`, leaving at least `bottom_h`
/// below: what they need, and no more.
fn fit_panels(app: &App, area: Rect, bottom_h: u16) -> u16 {
    let net_h = (panels::network_lines(app, area.width) as u16).clamp(1, 4);
    let room = area.height - bottom_h;
    room.min(panels_needed(app, area.width, room.saturating_sub(net_h)) + net_h)
}

/// The height the replica panels need at this width (each row as tall as its tallest panel),
/// or `most` if they need at least that much.
fn panels_needed(app: &App, width: u16, most: u16) -> u16 {
    let n = app.session.view.replicas.len();
    if n == 0 {
        return PANEL_HEIGHT;
    }
    let cols = usize::from((width / PANEL_WIDTH).max(1)).min(n);
    let inner_w = panels::panel_inner(Rect::new(0, 0, width / cols as u16, 10)).width;
    let limit = usize::from(most);
    let tallest = |row: usize| {
        let panels = row * cols..((row + 1) * cols).min(n);
        panels
            .map(|k| panels::panel_lines_up_to(app, k, inner_w, limit))
            .max()
            .unwrap_or(0)
    };
    let mut total = 0;
    for row in 0..n.div_ceil(cols) {
        total += tallest(row) + 2;
        if total >= limit {
            return most;
        }
    }
    u16::try_from(total)
        .unwrap_or(most)
        .clamp(PANEL_HEIGHT, most.max(PANEL_HEIGHT))
}

/// Replica panels side by side, wrapping into rows; when even that does not fit, the rows
/// around the focused replica, and a line saying what is hidden.
pub fn grid(n: usize, focus: usize, area: Rect) -> (Vec<(usize, Rect)>, Option<Rect>) {
    if n == 0 || area.height == 0 {
        return (vec![], None);
    }
    let cols = usize::from((area.width / PANEL_WIDTH).max(1)).min(n);
    let rows_needed = n.div_ceil(cols);
    let fit = usize::from((area.height / PANEL_HEIGHT).max(1));
    let (shown, more) = if rows_needed <= fit {
        (rows_needed, None)
    } else {
        let fit = usize::from((area.height.saturating_sub(1) / PANEL_HEIGHT).max(1));
        (
            fit,
            Some(Rect::new(area.x, area.bottom() - 1, area.width, 1)),
        )
    };
    let first_row = (focus / cols + 1)
        .saturating_sub(shown)
        .min(rows_needed - shown);
    let height = area.height - u16::from(more.is_some());
    let mut out = vec![];
    for row in 0..shown {
        let y = area.y + (height as usize * row / shown) as u16;
        let h = (area.y + (height as usize * (row + 1) / shown) as u16) - y;
        for col in 0..cols {
            let k = (first_row + row) * cols + col;
            if k >= n {
                break;
            }
            let x = area.x + (area.width as usize * col / cols) as u16;
            let w = (area.x + (area.width as usize * (col + 1) / cols) as u16) - x;
            out.push((k, Rect::new(x, y, w, h)));
        }
    }
    (out, more)
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.text);
        let mut layout = Layout::default();
        if area.width < 20 || area.height < 8 {
            Paragraph::new("crdt-lab needs at least 20×8; make the terminal larger")
                .render(area, buf);
        } else {
            match self.ui.screen {
                Screen::Home => render_home(self, area, buf),
                Screen::Lab => render_lab(self, area, buf, &mut layout),
            }
            if self.ui.overlay.is_some() {
                let (down, sideways) = overlays::render(self, area, buf);
                layout.overlay_scroll = down;
                layout.overlay_columns = sideways;
            }
            super::resume::render(self, area, buf);
        }
        *self.layout.borrow_mut() = layout;
    }
}

fn render_lab(app: &App, area: Rect, buf: &mut Buffer, layout: &mut Layout) {
    let a = areas(app, area);
    render_title(app, a.title, buf);
    for &(k, rect) in &a.panels {
        let most = panels::render_panel(app, k, rect, buf);
        layout.panel_scroll.push((k, most));
    }
    if let Some(rect) = a.more {
        panels::render_more(app, &a.panels, rect, buf);
    }
    layout.messages = panels::render_network(app, a.network, buf);
    if let Some(rect) = a.side {
        layout.side_scroll = render_side(app, rect, buf);
    }
    render_history(app, a.history, buf);
    if let Some(rect) = a.timeline {
        render_timeline(app, rect, buf);
    }
    render_status(app, a.status, buf);
    layout.cursor = render_command(app, a.command, buf);
    render_footer(app, a.footer, buf);
    layout.areas = a;
}

/// The title bar's right half: `--auto`, the network, a mistake, agreement and the score.
/// `short` drops the words that explain `--auto`'s marks, for a narrow screen.
fn title_right(app: &App, short: bool) -> String {
    let view = &app.session.view;
    let network = if view.cuts.is_empty() {
        "network whole".to_string()
    } else if view.groups.is_empty() {
        let n = view.cuts.len();
        format!("{n} link{} cut", if n == 1 { "" } else { "s" })
    } else {
        let sides: Vec<String> = app
            .session
            .view
            .groups
            .iter()
            .map(|g| g.join(" "))
            .collect();
        format!("partitioned {}", sides.join(" | "))
    };
    let agree = if app.session.view.converged {
        "converged"
    } else {
        "diverged"
    };
    let score = match app.session.player().map(|p| p.score()) {
        Some((right, asked)) if asked > 0 => format!(" · score {right}/{asked}"),
        _ => String::new(),
    };
    let mistake = match &view.mistake {
        Some(m) => format!(" · mistake {m}"),
        None => String::new(),
    };
    let auto = app
        .auto_label(short)
        .map(|a| format!("{a} · "))
        .unwrap_or_default();
    format!(" {auto}{network}{mistake} · {agree}{score} ")
}

/// The title bar's left half in `room` columns: the type, the lesson and step (or sandbox).
/// The program's name goes first when room is short, then the lesson title shrinks, marked `…`.
fn title_left(app: &App, room: usize) -> String {
    let (name, place) = match app.session.lesson() {
        Some((title, k, n)) => (title.to_string(), format!(" · step {k}/{n}")),
        None => ("sandbox".to_string(), String::new()),
    };
    let name = escape(&name).into_owned();
    let full = format!(" crdt-lab · {} · {name}{place}", app.session.view.title);
    if full.chars().count() <= room {
        return full;
    }
    let head = format!(" {} · ", app.session.view.title);
    let fixed = head.chars().count() + place.chars().count();
    if fixed + 2 > room {
        // No room for the lesson's title: the type and the step, or the step alone, which a
        // class must always see.
        return match fixed <= room {
            true => format!("{}{place}", head.trim_end_matches(" · ")),
            false => format!(" {}", place.trim_start_matches(" · ")),
        };
    }
    let keep = room.saturating_sub(fixed + 1);
    let name = if name.chars().count() <= room.saturating_sub(fixed) {
        name
    } else {
        name.chars().take(keep).collect::<String>() + "…"
    };
    format!("{head}{name}{place}")
}

fn render_title(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    buf.set_style(area, t.title);
    // The left keeps at least the step, and the set type when the right's short words make
    // room for it; the right gets the rest.
    let width = usize::from(area.width);
    let least = title_left(app, 0).chars().count() + 1;
    let with_type = least + app.session.view.title.chars().count() + 7;
    let mut right = title_right(app, false);
    if right.chars().count() + with_type > width {
        right = title_right(app, true);
    }
    if right.chars().count() + least > width {
        right = clip(&right, width.saturating_sub(least));
    }
    let right_w = (right.chars().count() as u16).min(area.width);
    let left = title_left(app, usize::from(area.width - right_w));
    Paragraph::new(Line::from(left))
        .style(t.title)
        .render(area, buf);
    let r = Rect::new(area.right() - right_w, area.y, right_w, 1);
    let view = &app.session.view;
    let style = if view.cuts.is_empty() && view.mistake.is_none() {
        t.title
    } else {
        t.title.patch(t.cut)
    };
    Paragraph::new(Line::from(right))
        .style(style)
        .render(r, buf);
}

/// A bordered box with a title, returning its inside.
pub fn frame(app: &App, area: Rect, title: Line, buf: &mut Buffer) -> Rect {
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(app.theme.border)
        .title(title);
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Say above and below a scrolled box how much is out of sight.
pub fn scroll_marks(
    app: &App,
    area: Rect,
    offset: usize,
    shown: usize,
    total: usize,
    buf: &mut Buffer,
) {
    let below = total.saturating_sub(offset + shown);
    let mut marks = vec![];
    if offset > 0 {
        marks.push(format!("↑{offset}"));
    }
    if below > 0 {
        marks.push(format!("↓{below} more"));
    }
    if marks.is_empty() || area.height < 2 {
        return;
    }
    let text = format!(" {} ", marks.join(" "));
    let w = (text.chars().count() as u16).min(area.width.saturating_sub(2));
    let r = Rect::new(area.right().saturating_sub(w + 1), area.bottom() - 1, w, 1);
    Paragraph::new(text).style(app.theme.note).render(r, buf);
}

fn side_title(app: &App) -> String {
    match (app.ui.side, &app.session.answer, app.session.player()) {
        (Side::Answer, Some(answer), _) => format!(" {} · Esc: back ", answer.line),
        (_, _, Some(_)) => " narration ".to_string(),
        (_, _, None) => " sandbox ".to_string(),
    }
}

fn side_inner(area: Rect) -> Rect {
    Block::bordered()
        .padding(Padding::horizontal(1))
        .inner(area)
}

/// What the side panel shows: an answer, or the narration followed by the step's answers.
fn side_parts(app: &App) -> Vec<Part<'_>> {
    if let (Side::Answer, Some(answer)) = (app.ui.side, &app.session.answer) {
        return output::answer(app, answer);
    }
    let t = &app.theme;
    let mut parts: Vec<Part> = vec![Part::Text(Box::new(move |w: &mut Wrap<'_>| {
        prose::lay_out(&app.session.narration, t, w)
    }))];
    for answer in &app.session.step_answers {
        let line = answer.line.as_str();
        parts.push(Part::Text(Box::new(move |w: &mut Wrap<'_>| {
            w.block(0);
            w.block(0);
            w.glue("› ", t.dim);
            w.push(line, t.code);
        })));
        parts.extend(output::answer(app, answer));
    }
    parts
}

/// Draw the side panel; returns how far it can scroll.
fn render_side(app: &App, area: Rect, buf: &mut Buffer) -> usize {
    let title = Line::styled(escape(&side_title(app)).into_owned(), app.theme.label);
    frame(app, area, title, buf);
    let inner = side_inner(area);
    let parts = side_parts(app);
    let drawn = output::draw(&parts, &app.theme, inner, app.ui.side_scroll, None, buf);
    scroll_marks(
        app,
        area,
        drawn.offset,
        inner.height.into(),
        drawn.total,
        buf,
    );
    drawn.most(inner.height)
}

fn render_history(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let lab = app.lab();
    let (log, position) = (lab.log(), lab.position());
    let title = Line::styled(format!(" history {position}/{} ", log.len()), t.label);
    let inner = frame(app, area, title, buf);
    let h = usize::from(inner.height);
    let start = super::layout::history_start(position, log.len(), h);
    let lines: Vec<Line> = log
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(k, entry)| {
            let current = k + 1 == position;
            let (mark, style) = match (&entry.refused, k < position) {
                (Some(_), true) => ("✗", t.error),
                (_, false) => ("↷", t.dim),
                (None, true) if current => ("▶", t.selected),
                (None, true) if matches!(entry.command, crate::lab::Command::Step(_)) => {
                    (" ", t.strong)
                }
                (None, true) => (" ", t.text),
            };
            let refused = if entry.refused.is_some() {
                "  refused"
            } else {
                ""
            };
            let said = match &entry.command {
                crate::lab::Command::Step(title) => format!("§ {title}"),
                command => format!("{command}{refused}"),
            };
            let room = usize::from(inner.width).saturating_sub(5);
            Line::from(vec![
                Span::styled(format!("{mark}{:>3} ", k + 1), style),
                Span::styled(clip(&said, room), style),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
    if position == 0 && log.is_empty() {
        Paragraph::new(Span::styled(" nothing yet", t.dim)).render(inner, buf);
    }
}

/// The timeline beside the history on a wide screen, showing its latest rows.
fn render_timeline(app: &App, area: Rect, buf: &mut Buffer) {
    let title = Line::styled(" timeline (t opens it whole) ", app.theme.label);
    let inner = frame(app, area, title, buf);
    let shown = usize::from(inner.height).saturating_sub(1);
    let rows = app.session.timeline.rows.len();
    let start = rows.saturating_sub(shown);
    let lines = super::timeline::lines(&app.session.timeline, &app.theme, inner.width, start..rows);
    Paragraph::new(lines).render(inner, buf);
    if app.lab().history().len() > LIVE_TIMELINE && app.session.timeline.rows.is_empty() {
        let note = format!(" more than {LIVE_TIMELINE} commands: press t to draw it");
        Paragraph::new(Span::styled(note, app.theme.dim)).render(inner, buf);
    }
}

fn status_style(app: &App, tone: Tone) -> Style {
    match tone {
        Tone::Info => app.theme.text,
        Tone::Ok => app.theme.ok,
        Tone::Note => app.theme.note,
        Tone::Error => app.theme.error,
    }
}

/// How many lines the status needs at this width.
pub fn status_lines(app: &App, width: u16) -> usize {
    match &app.ui.status {
        Some(status) => count(width, |w| {
            w.block(2);
            w.words(&status.text, Style::default());
        }),
        None => 1,
    }
}

fn render_status(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(status) = &app.ui.status else { return };
    let style = status_style(app, status.tone);
    let mut wrap = Wrap::new(area.width, 0..usize::from(area.height));
    wrap.block(2);
    wrap.words(&status.text, style);
    let out = wrap.finish();
    Paragraph::new(out.lines).render(area, buf);
    if out.total > usize::from(area.height) {
        let r = Rect::new(area.right().saturating_sub(1), area.bottom() - 1, 1, 1);
        Paragraph::new("…").style(app.theme.note).render(r, buf);
    }
}

/// The command line; returns where the terminal's cursor goes while typing.
fn render_command(app: &App, area: Rect, buf: &mut Buffer) -> Option<(u16, u16)> {
    let t = &app.theme;
    let focus = app.focused().unwrap_or("?");
    let prompt = format!("{focus} › ");
    if !app.ui.typing {
        let line = Line::from(vec![
            Span::styled(prompt, t.dim),
            Span::styled(
                format!("press : to type a command · a x adds x on {focus}"),
                t.hint,
            ),
        ]);
        Paragraph::new(line).render(area, buf);
        return None;
    }
    let (shown, at) = command_window(
        app,
        usize::from(area.width).saturating_sub(width(&prompt) + 1),
    );
    let x = area.x + (width(&prompt) + width(&shown[..at])) as u16;
    let (before, after) = shown.split_at(at);
    let mut spans = vec![
        Span::styled(prompt, t.label),
        Span::styled(before.to_string(), t.text),
        Span::styled(after.to_string(), t.text),
    ];
    if let Some(usage) = app.hint() {
        spans.push(Span::styled(format!("   {usage}"), t.hint));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
    (app.mode() == Mode::Typing).then_some((x.min(area.right().saturating_sub(1)), area.y))
}

/// The command line's text as shown in `room` columns (control characters escaped), scrolled
/// so that the cursor stays in sight, and the byte offset of the cursor in it.
pub fn command_window(app: &App, room: usize) -> (String, usize) {
    let text = app.ui.input.text();
    let cursor = app.ui.input.cursor_byte();
    let head = escape(&text[..cursor]);
    let tail = escape(&text[cursor..]);
    let mut start = 0;
    while width(&head[start..]) > room {
        start += head[start..].chars().next().map_or(1, char::len_utf8);
    }
    let shown = format!("{}{tail}", &head[start..]);
    (shown, head.len() - start)
}

/// The footer's key hints for a mode: as many as fit, always ending with help and quit. On a
/// question, only the keys that work now: answers before it is answered, → after.
pub fn footer_items(mode: Mode, answered: bool, width: u16) -> Vec<(&'static str, &'static str)> {
    let key = |label: &'static str| label.split(' ').next().unwrap_or(label);
    let now = |b: &&Binding| match b.message {
        Message::Answer(_) | Message::GiveUp => !answered,
        Message::Next => mode != Mode::Question || answered,
        _ => true,
    };
    let all: Vec<(&str, &str, bool)> = bindings_for(mode)
        .filter(|b| !b.short.is_empty())
        .filter(now)
        .map(|b| {
            (
                key(b.label),
                b.short,
                matches!(b.message, Message::Help | Message::Quit),
            )
        })
        .collect();
    let cost = |(k, s): (&str, &str)| k.chars().count() + s.chars().count() + 3;
    let mut room = usize::from(width)
        .saturating_sub(all.iter().filter(|i| i.2).map(|i| cost((i.0, i.1))).sum());
    let mut out = vec![];
    for &(k, s, kept) in &all {
        if kept || cost((k, s)) <= room {
            room = room.saturating_sub(if kept { 0 } else { cost((k, s)) });
            out.push((k, s));
        }
    }
    out
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut spans: Vec<Span> = vec![];
    let answered = app.session.quiz.answered.is_some();
    let choices = app.session.player().and_then(|p| p.question());
    for (key, short) in footer_items(app.mode(), answered, area.width) {
        // The digits a question takes: as many as it has choices.
        let key = match choices {
            Some(q) if key == "1–9" => format!("1–{}", q.choices.len()),
            _ => key.to_string(),
        };
        spans.push(Span::styled(key, t.key));
        spans.push(Span::styled(format!(" {short}  "), t.dim));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The home screen's text, with the first `upto` entries.
fn fill_home<'a>(app: &'a App, upto: usize, wrap: &mut Wrap<'a>) {
    let t = &app.theme;
    wrap.block(0);
    wrap.words(
        "Replicas side by side, every internal visible. Choose with ↑ ↓ and open with Enter.",
        t.text,
    );
    wrap.block(0);
    for (k, item) in app.ui.home.iter().enumerate().take(upto) {
        let chosen = k == app.ui.selected;
        wrap.block(4);
        wrap.glue(if chosen { "▶ " } else { "  " }, t.selected);
        let number = if matches!(item.open, Target::Lesson(_)) {
            format!("{:>2}. ", k + 1)
        } else {
            "    ".to_string()
        };
        wrap.glue(number, t.dim);
        wrap.words(&item.title, if chosen { t.selected } else { t.strong });
        let note = super::resume::home_note(app, &item.open);
        if !note.is_empty() {
            wrap.push(format!("  {note}"), if item.done { t.ok } else { t.dim });
        }
        wrap.block(8);
        wrap.glue("        ", t.dim);
        wrap.words(&item.detail, t.dim);
    }
}

fn render_home(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let r = rows(area, &[1, area.height.saturating_sub(3), 1, 1]);
    Paragraph::new(" crdt-lab · a terminal lab for set CRDTs")
        .style(t.title)
        .render(r[0], buf);
    let width = r[1].width.clamp(20, 84);
    let box_area = Rect::new(
        r[1].x + (r[1].width - width) / 2,
        r[1].y + 1,
        width,
        r[1].height.saturating_sub(1),
    );
    let title = Line::styled(" Lessons and the sandbox ", t.label);
    frame(app, box_area, title, buf);
    let inner = side_inner(box_area);
    let h = usize::from(inner.height);
    // Keep the chosen entry on screen: count the lines before it.
    let chosen_line = count(inner.width, |w| fill_home(app, app.ui.selected, w));
    let offset = (chosen_line + 3).saturating_sub(h);
    let mut wrap = Wrap::new(inner.width, offset..offset + h);
    fill_home(app, app.ui.home.len(), &mut wrap);
    let out = wrap.finish();
    Paragraph::new(out.lines).render(inner, buf);
    scroll_marks(app, box_area, offset, h, out.total, buf);
    if let Some(status) = &app.ui.status {
        Paragraph::new(Span::styled(
            format!("  {}", escape(&status.text)),
            status_style(app, status.tone),
        ))
        .render(r[2], buf);
    }
    render_footer(app, r[3], buf);
}
