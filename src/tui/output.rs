//! A query's answer in the side panel, drawn from the reply's data: the state of the replicas
//! and worked tables as ratatui `Table`s (a row is never wrapped; cells that do not fit are cut
//! with `…`), everything else as wrapped sentences.

use super::app::App;
use super::wrap::{Wrap, Wrapped, width};
use crate::lab::{LabView, WorkedTable};
use crate::script::render::{self, Style};
use crate::script::{Format, Reply};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, Widget};

/// One table to draw: a header and rows of cells.
struct Grid {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The tables an answer is made of, if it is made of tables.
fn grids(app: &App, reply: &Reply) -> Option<Vec<Grid>> {
    match reply {
        Reply::State { view, only } => Some(vec![state(view, only.as_deref())]),
        Reply::Exported {
            format: Format::Markdown,
            path: None,
            ..
        } => Some(app.lab().table().iter().map(worked).collect()),
        _ => None,
    }
}

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
        caption: view.title.to_string(),
        header,
        rows,
    }
}

fn worked(table: &WorkedTable) -> Grid {
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
    }
}

/// How many lines the answer takes at this width.
pub fn lines(app: &App, reply: &Reply, width: u16) -> usize {
    match grids(app, reply) {
        Some(grids) => grids.iter().map(|g| g.rows.len() + 3).sum(),
        None => {
            let mut wrap = Wrap::new(width, 0..0);
            text(app, reply, &mut wrap);
            wrap.finish().total
        }
    }
}

fn text<'a>(app: &'a App, reply: &Reply, wrap: &mut Wrap<'a>) {
    let said = render::reply(app.lab(), reply, Style::Repl);
    for line in said.lines() {
        wrap.block(2);
        wrap.words(line.to_string(), app.theme.text);
    }
}

/// Draw the answer from line `offset`; returns how many lines it has in all.
pub fn render(app: &App, reply: &Reply, area: Rect, offset: usize, buf: &mut Buffer) -> usize {
    let Some(grids) = grids(app, reply) else {
        let mut wrap = Wrap::new(area.width, offset..offset + usize::from(area.height));
        text(app, reply, &mut wrap);
        let Wrapped { lines, total } = wrap.finish();
        Paragraph::new(lines).render(area, buf);
        return total;
    };
    let total = grids.iter().map(|g| g.rows.len() + 3).sum();
    let (mut skip, mut y) = (offset, area.y);
    for grid in &grids {
        let height = grid.rows.len() + 3;
        if skip >= height {
            skip -= height;
            continue;
        }
        let room = area.bottom().saturating_sub(y);
        if room == 0 {
            break;
        }
        let rect = Rect::new(area.x, y, area.width, room.min(height as u16));
        draw(app, grid, skip, rect, buf);
        y += (height - skip) as u16;
        skip = 0;
    }
    total
}

fn draw(app: &App, grid: &Grid, skip: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let columns = grid.header.len().max(1);
    let first = grid
        .rows
        .iter()
        .map(|r| r.first().map_or(0, |c| width(c)))
        .chain([width(&grid.header[0])])
        .max()
        .unwrap_or(4)
        .min(usize::from(area.width) / 3) as u16;
    let mut widths = vec![Constraint::Length(first)];
    widths.extend((1..columns).map(|_| Constraint::Fill(1)));
    let rest = usize::from(area.width.saturating_sub(first)) / columns.saturating_sub(1).max(1);
    let cut = |cell: &String, k: usize| {
        let room = if k == 0 {
            usize::from(first)
        } else {
            rest.saturating_sub(1)
        };
        clip(cell, room)
    };
    let rows = grid.rows.iter().skip(skip.saturating_sub(2)).map(|r| {
        Row::new(
            r.iter()
                .enumerate()
                .map(|(k, c)| cut(c, k))
                .collect::<Vec<_>>(),
        )
        .style(t.text)
    });
    let header = Row::new(
        grid.header
            .iter()
            .enumerate()
            .map(|(k, c)| cut(c, k))
            .collect::<Vec<_>>(),
    )
    .style(t.label);
    let caption = Line::styled(grid.caption.clone(), t.strong);
    let (top, body) = if skip == 0 {
        Paragraph::new(caption).render(Rect::new(area.x, area.y, area.width, 1), buf);
        (1, area.height.saturating_sub(1))
    } else {
        (0, area.height)
    };
    let body_area = Rect::new(area.x, area.y + top, area.width, body);
    Widget::render(
        Table::new(rows, widths).header(header).column_spacing(1),
        body_area,
        buf,
    );
}

/// A cell cut to `room` columns, ending in `…` when it did not fit.
fn clip(cell: &str, room: usize) -> String {
    if width(cell) <= room {
        return cell.to_string();
    }
    let mut out = String::new();
    for c in cell.chars() {
        if width(&out) + width(&c.to_string()) + 1 > room {
            break;
        }
        out.push(c);
    }
    out + "…"
}
