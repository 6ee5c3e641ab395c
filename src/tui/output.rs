//! Answers on screen, drawn from the reply's data: tables (the state, worked tables, a
//! comparison) as [`Grid`]s whose rows never wrap, a message in flight field by field, and
//! everything else as wrapped sentences. A screenful is a stack of [`Part`]s, so narration,
//! tables and sentences scroll together as one.

use super::app::App;
use super::panels;
use super::session::Answer;
use super::table::Grid;
use super::theme::Theme;
use super::wrap::Wrap;
use crate::lab::{Comparison, LabView, MessageView, WorkedTable};
use crate::script::render::{self, Style};
use crate::script::{Format, Reply};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph, Widget};

/// Prose laid out into a wrapper (it may be asked to lay out more than once: to count, then to draw).
pub type Fill<'a> = Box<dyn Fn(&mut Wrap<'a>) + 'a>;

/// One piece of a stack: wrapped text, or a table.
pub enum Part<'a> {
    Text(Fill<'a>),
    /// Text whose words are never split: replica fields, message payloads.
    Fields(Fill<'a>),
    Table(Grid),
}

impl Part<'_> {
    fn wrapper<'a>(&self, width: u16, window: std::ops::Range<usize>) -> Wrap<'a> {
        let wrap = Wrap::new(width, window);
        match self {
            Part::Fields(_) => wrap.cutting(),
            _ => wrap,
        }
    }
}

/// What drawing a stack found: its lines in all, the line it was drawn from, and how far its
/// tables scroll sideways.
#[derive(Clone, Copy, Debug, Default)]
pub struct Drawn {
    pub total: usize,
    pub offset: usize,
    pub columns: usize,
}

impl Drawn {
    /// How far the stack can scroll in `height` lines.
    pub fn most(&self, height: u16) -> usize {
        self.total.saturating_sub(usize::from(height))
    }
}

/// Draw a stack from line `offset` (or from its last page, if it has fewer lines than that),
/// its tables scrolled `from` columns to the right (`None` where the view does not scroll
/// sideways). Each part is laid out once: what is out of sight is only counted.
pub fn draw(
    parts: &[Part],
    theme: &Theme,
    area: Rect,
    offset: usize,
    from: Option<usize>,
    buf: &mut Buffer,
) -> Drawn {
    let drawn = draw_from(parts, theme, area, offset, from, buf);
    let most = drawn.most(area.height);
    if offset <= most {
        return drawn;
    }
    // Scrolled past the end (the stack got shorter): draw its last page instead.
    Clear.render(area, buf);
    buf.set_style(area, theme.text);
    draw_from(parts, theme, area, most, from, buf)
}

fn draw_from(
    parts: &[Part],
    theme: &Theme,
    area: Rect,
    offset: usize,
    from: Option<usize>,
    buf: &mut Buffer,
) -> Drawn {
    let mut drawn = Drawn {
        offset,
        ..Drawn::default()
    };
    let (mut skip, mut y) = (offset, area.y);
    for part in parts {
        let room = usize::from(area.bottom().saturating_sub(y));
        let height = match part {
            Part::Text(fill) | Part::Fields(fill) => {
                let mut wrap = part.wrapper(area.width, skip..skip + room);
                fill(&mut wrap);
                let out = wrap.finish();
                let shown = out.lines.len().min(room);
                let rect = Rect::new(area.x, y, area.width, shown as u16);
                Paragraph::new(out.lines).render(rect, buf);
                out.total
            }
            Part::Table(grid) => {
                let columns = grid.scroll_limit(usize::from(area.width));
                drawn.columns = drawn.columns.max(columns);
                let height = grid.height();
                if skip < height && room > 0 {
                    let shown = (height - skip).min(room);
                    let rect = Rect::new(area.x, y, area.width, shown as u16);
                    grid.draw(theme, rect, skip, from, buf);
                }
                height
            }
        };
        drawn.total += height;
        let shown = height.saturating_sub(skip).min(room);
        y += shown as u16;
        skip = skip.saturating_sub(height);
    }
    drawn
}

/// A line of text in one style, as a part.
pub fn said<'a>(text: String, style: ratatui::style::Style) -> Part<'a> {
    Part::Text(Box::new(move |w: &mut Wrap<'a>| {
        w.block(2);
        w.words(text.clone(), style);
    }))
}

/// An answer as parts: a line saying when it was asked again, then the reply (or why it could
/// not be asked again).
pub fn answer<'a>(app: &'a App, answer: &'a Answer) -> Vec<Part<'a>> {
    let t = &app.theme;
    let mut parts = vec![];
    if let Some(after) = &answer.after {
        parts.push(said(format!("(asked again after {after})"), t.hint));
    }
    match &answer.result {
        Ok(reply) => parts.extend(reply_parts(app, reply, &answer.worked)),
        Err(failure) => parts.push(said(format!("This answer was cleared: {failure}"), t.note)),
    }
    parts
}

fn reply_parts<'a>(app: &'a App, reply: &'a Reply, worked: &[WorkedTable]) -> Vec<Part<'a>> {
    let t = &app.theme;
    match reply {
        Reply::State { view, only } => {
            let mut parts = vec![Part::Table(state(view, only.as_deref()))];
            parts.extend(view.wire.iter().map(|m| message_line(app, m)));
            parts
        }
        Reply::Exported {
            format: Format::Markdown,
            path: None,
            ..
        } => worked.iter().map(|w| Part::Table(worked_grid(w))).collect(),
        Reply::Compare(rows) => compare(app, rows),
        Reply::Message(m) => message(app, m),
        other => {
            let text = render::reply(app.lab(), other, Style::Repl);
            let style = t.text;
            vec![Part::Text(Box::new(move |w: &mut Wrap<'a>| {
                for line in text.lines() {
                    w.block(2);
                    w.words(line.to_string(), style);
                }
            }))]
        }
    }
}

/// The state of the replicas (or one) as a table: a column per replica, a row per field.
fn state(view: &LabView, only: Option<&str>) -> Grid {
    let shown: Vec<_> = view
        .replicas
        .iter()
        .filter(|r| only.is_none_or(|n| r.name == n))
        .collect();
    let mut header = vec![String::new()];
    header.extend(shown.iter().map(|r| r.name.clone()));
    let mut rows = vec![];
    let mut value = vec!["value".to_string()];
    value.extend(shown.iter().map(|r| r.visible.to_string()));
    rows.push(value);
    let names: Vec<&str> = shown
        .first()
        .map(|r| r.fields.iter().map(|f| f.name).collect())
        .unwrap_or_default();
    for (k, name) in names.into_iter().enumerate() {
        let mut row = vec![name.to_string()];
        row.extend(shown.iter().map(|r| {
            let field = r.fields.get(k);
            field.map(|f| f.value.to_string()).unwrap_or_default()
        }));
        rows.push(row);
    }
    Grid {
        caption: format!("{}: every field", view.title),
        header,
        rows,
        chosen: None,
    }
}

pub fn worked_grid(table: &WorkedTable) -> Grid {
    let mut header = vec!["Step".to_string()];
    header.extend(table.replicas.iter().cloned());
    header.push("what happened".into());
    let rows = table.rows.iter().map(|row| {
        let mut cells = vec![row.step.clone()];
        cells.extend(row.cells.iter().cloned());
        cells.push(row.happened.clone());
        cells
    });
    Grid {
        caption: format!("{}: {}", table.title, table.labels),
        header,
        rows: rows.collect(),
        chosen: None,
    }
}

/// A comparison: a row per set type with each replica's final value, then why each refusal.
pub fn compare<'a>(app: &'a App, rows: &'a [Comparison]) -> Vec<Part<'a>> {
    let t = &app.theme;
    let mut header = vec!["type".to_string()];
    let names = rows
        .first()
        .map(|c| c.finals.iter().map(|(n, _)| n.clone()));
    header.extend(names.into_iter().flatten());
    header.extend(["metadata".to_string(), "refused".to_string()]);
    let body = rows.iter().map(|c| {
        let mut row = vec![c.title.to_string()];
        row.extend(c.finals.iter().map(|(_, v)| v.to_string()));
        row.push(c.meta_size.to_string());
        let refused = render::counted(c.refused.iter().map(|(cmd, _)| cmd.as_str()));
        row.push(match refused.is_empty() {
            true => "-".to_string(),
            false => refused.join("; "),
        });
        row
    });
    let chosen = rows.iter().position(|c| c.kind == app.session.view.kind);
    let grid = Grid {
        caption: "Each type replays the history from a fresh lab. Final visible values:".into(),
        header,
        rows: body.collect(),
        chosen,
    };
    let mut parts = vec![Part::Table(grid)];
    // Each refusal once, with how many times it happened (a lesson may replay a story).
    let mut rules: Vec<(&str, &str, &str, usize)> = vec![];
    for c in rows {
        for (cmd, rule) in &c.refused {
            match rules
                .iter_mut()
                .find(|r| (r.0, r.1, r.2) == (c.title, cmd, rule))
            {
                Some(seen) => seen.3 += 1,
                None => rules.push((c.title, cmd, rule, 1)),
            }
        }
    }
    if !rules.is_empty() {
        parts.push(refusals(t, rules));
    }
    parts.extend(properties(rows));
    parts
}

/// Why each refusal, once each, with how many times it happened.
fn refusals<'a>(t: &'a Theme, rules: Vec<(&'a str, &'a str, &'a str, usize)>) -> Part<'a> {
    Part::Text(Box::new(move |w: &mut Wrap<'a>| {
        w.block(0);
        w.block(0);
        w.push("Why each refusal:", t.strong);
        for &(title, command, rule, times) in &rules {
            w.block(4);
            w.glue(format!("  {title}: "), t.label);
            w.glue(command, t.code);
            if times > 1 {
                w.glue(format!(" (×{times})"), t.code);
            }
            w.push(" — ", t.dim);
            w.words(rule, t.text);
        }
    }))
}

/// The seed's table of properties (seed 002 §4) under the comparison, with this history's
/// numbers beside the facts; a cell's `here: …` line joins it after ` · `, a row being one line.
/// Two types to a table, so that every type shows where a table cannot scroll sideways (the
/// narration beside a lesson's `compare`).
fn properties<'a>(rows: &[Comparison]) -> Vec<Part<'a>> {
    let (header, body) = render::property_cells(rows);
    let one_line = |cell: &String| cell.replace('\n', " · ");
    let mut parts = vec![];
    for first in (1..header.len()).step_by(2) {
        let columns = [0, first, first + 1];
        let pick = |row: &Vec<String>| -> Vec<String> {
            columns
                .iter()
                .filter_map(|&k| row.get(k))
                .map(one_line)
                .collect()
        };
        let caption = match first {
            1 => "The seed's properties (§4), with this history:",
            _ => "The seed's properties, continued:",
        };
        parts.push(Part::Text(Box::new(|w: &mut Wrap<'a>| {
            w.block(0);
            w.glue(" ", ratatui::style::Style::default());
        })));
        parts.push(Part::Table(Grid {
            caption: caption.into(),
            header: pick(&header),
            rows: body.iter().map(pick).collect(),
            chosen: None,
        }));
    }
    parts
}

/// A message in flight in full: where it goes, its size, and each field it carries.
fn message<'a>(app: &'a App, m: &'a MessageView) -> Vec<Part<'a>> {
    let t = &app.theme;
    let held = match m.deliverable {
        true => "deliverable",
        false => "held by the partition",
    };
    let head = format!(
        "#{} {} → {} · {} bytes · {held}",
        m.number, m.from, m.to, m.bytes
    );
    vec![
        said(head, t.strong),
        Part::Fields(Box::new(move |w: &mut Wrap<'a>| {
            panels::payload(app, &m.payload, true, w);
        })),
    ]
}

/// A message in flight on one line, for under a state table.
fn message_line<'a>(app: &'a App, m: &'a MessageView) -> Part<'a> {
    Part::Fields(Box::new(move |w: &mut Wrap<'a>| {
        w.block(2);
        w.glue(
            format!("#{} {} → {} ", m.number, m.from, m.to),
            app.theme.label,
        );
        panels::payload(app, &m.payload, false, w);
    }))
}
