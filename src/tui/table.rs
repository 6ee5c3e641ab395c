//! Tables drawn as tables at any size: a caption, a header and rows, each row on one line. When
//! the columns do not fit, the widest shrink first and their cells end in `…` (cut after a whole
//! word or tag); when even the narrowest columns do not fit, the ones that do are shown and the
//! view can be scrolled sideways, the first column staying put.

use super::theme::Theme;
use super::wrap::width;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Widget};

/// One table: a caption, a header and rows of cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A row drawn as chosen (the lab's own type in a comparison).
    pub chosen: Option<usize>,
}

/// A column is not shrunk below this many cells (or its own width, if less), nor below a fifth
/// of the room: past that, columns scroll sideways rather than show only `…`.
const NARROWEST: usize = 6;

fn narrowest(room: usize) -> usize {
    NARROWEST.max(room / 5)
}
/// A word this long or shorter is never shown in part.
const SHORT_WORD: usize = 6;
/// The space between columns.
const GAP: usize = 1;

impl Grid {
    /// Lines the table takes: its caption, its header and one per row.
    pub fn height(&self) -> usize {
        self.rows.len() + 2
    }

    /// The widest cell of each column.
    fn natural(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (k, cell) in row.iter().enumerate().take(widths.len()) {
                widths[k] = widths[k].max(width(cell));
            }
        }
        widths
    }

    /// The columns shown in `room` cells when scrolled `from` columns to the right (the first
    /// column always shows), each with its width; and how many are hidden on the right.
    pub fn fit(&self, room: usize, from: usize) -> (Vec<(usize, usize)>, usize) {
        let natural = self.natural();
        let Some((&first, rest)) = natural.split_first() else {
            return (vec![], 0);
        };
        let first = first.min(room / 3).max(1.min(room));
        let mut left = room.saturating_sub(first);
        let least_w = narrowest(room);
        let mut shown: Vec<(usize, usize)> = vec![];
        for (k, &w) in rest.iter().enumerate().skip(from) {
            let least = w.min(least_w) + GAP;
            if least > left && !shown.is_empty() {
                break;
            }
            left = left.saturating_sub(least);
            shown.push((k + 1, w));
        }
        let hidden = rest.len().saturating_sub(from + shown.len());
        let room_rest = room.saturating_sub(first) - shown.len() * GAP;
        let widths = share(shown.iter().map(|(_, w)| *w).collect(), room_rest, least_w);
        let mut out = vec![(0, first)];
        out.extend(shown.iter().zip(widths).map(|((k, _), w)| (*k, w)));
        (out, hidden)
    }

    /// How many columns the view can scroll sideways at this width: none when every column
    /// fits whole, else until the last column stands alone beside the first.
    pub fn scroll_limit(&self, room: usize) -> usize {
        let natural = self.natural();
        let whole: usize = natural.iter().map(|w| w + GAP).sum();
        match whole <= room + GAP {
            true => 0,
            false => natural.len().saturating_sub(2),
        }
    }

    /// Draw lines `skip..` of the table into `area`, scrolled `from` columns to the right
    /// (`None` where this view does not scroll sideways).
    pub fn draw(
        &self,
        theme: &Theme,
        area: Rect,
        skip: usize,
        from: Option<usize>,
        buf: &mut Buffer,
    ) {
        let scrolls = from.is_some();
        let from = from.unwrap_or(0);
        let (columns, hidden) = self.fit(usize::from(area.width), from);
        let mut y = area.y;
        if skip == 0 && area.height > 0 {
            let more = match (from, hidden) {
                (0, 0) => String::new(),
                (0, h) if scrolls => format!("  ({h} more {}: → scrolls)", columns_word(h)),
                (0, h) => format!("  ({h} more {} not shown)", columns_word(h)),
                (f, 0) => format!("  (← {f} more {})", columns_word(f)),
                (f, h) => format!("  (← {f} · {h} more →)"),
            };
            let room = usize::from(area.width).saturating_sub(width(&more));
            let spans = vec![
                Span::styled(clip(&self.caption, room), theme.strong),
                Span::styled(more, theme.hint),
            ];
            Paragraph::new(Line::from(spans)).render(Rect::new(area.x, y, area.width, 1), buf);
            y += 1;
        }
        let body = Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y));
        if body.height == 0 {
            return;
        }
        let cells = |row: &[String]| -> Vec<String> {
            let cell = |k: usize| row.get(k).map_or("", String::as_str);
            columns.iter().map(|&(k, w)| clip(cell(k), w)).collect()
        };
        let rows = self
            .rows
            .iter()
            .enumerate()
            .skip(skip.saturating_sub(2))
            .map(|(k, row)| {
                let style = match self.chosen == Some(k) {
                    true => theme.selected,
                    false => theme.text,
                };
                Row::new(cells(row)).style(style)
            });
        let widths = columns.iter().map(|&(_, w)| Constraint::Length(w as u16));
        let mut table = Table::new(rows, widths).column_spacing(GAP as u16);
        if skip <= 1 {
            table = table.header(Row::new(cells(&self.header)).style(theme.label));
        }
        Widget::render(table, body, buf);
    }
}

fn columns_word(n: usize) -> &'static str {
    if n == 1 { "column" } else { "columns" }
}

/// Widths for columns that want `wants` in `room` cells: all of it if it fits, else the widest
/// are brought down together until it does (none below its own width or `least`).
fn share(wants: Vec<usize>, room: usize, least: usize) -> Vec<usize> {
    if wants.iter().sum::<usize>() <= room {
        return wants;
    }
    let fits = |cap: usize| wants.iter().map(|&w| w.min(cap)).sum::<usize>() <= room;
    let widest = wants.iter().copied().max().unwrap_or(0);
    let cap = (0..=widest).rev().find(|&c| fits(c)).unwrap_or(0);
    let mut widths: Vec<usize> = wants
        .iter()
        .map(|&w| w.min(cap).max(w.min(least)))
        .collect();
    // What is left over goes to the columns that were cut, one cell each.
    let mut spare = room.saturating_sub(widths.iter().sum());
    for (w, want) in widths.iter_mut().zip(&wants) {
        if spare > 0 && *w < *want {
            *w += 1;
            spare -= 1;
        }
    }
    widths
}

/// A cell cut to `room` columns, ending in `…` when it did not fit. A short word at the cut (a
/// tag, a stamp) is left out whole (`{x: {a1, …`) rather than shown in half; a long one (an
/// element's name) is shortened (`{banana-spl…`).
pub fn clip(cell: &str, room: usize) -> String {
    let cell = crate::script::render::escape(cell);
    let cell = cell.as_ref();
    if width(cell) <= room {
        return cell.to_string();
    }
    if room == 0 {
        return String::new();
    }
    let mut end = 0;
    let mut used = 0;
    for (i, c) in cell.char_indices() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > room - 1 {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let head = &cell[..end];
    let breaks = |c: char| matches!(c, ' ' | ',' | ':' | '{' | '}' | '|' | '/');
    let cut_inside = cell[end..].chars().next().is_some_and(|c| !breaks(c))
        && head.chars().last().is_some_and(|c| !breaks(c));
    // The word the cut falls in: from the last break before it to the next one after it.
    let start = head.rfind(breaks).map_or(0, |i| i + 1);
    let stop = cell[end..].find(breaks).map_or(cell.len(), |j| end + j);
    let head = match cut_inside && stop - start <= SHORT_WORD {
        true => &head[..start],
        false => head,
    };
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(columns: usize, cell: &str) -> Grid {
        Grid {
            caption: "t".into(),
            header: (0..columns).map(|k| format!("h{k}")).collect(),
            rows: vec![(0..columns).map(|_| cell.to_string()).collect()],
            chosen: None,
        }
    }

    #[test]
    fn columns_shrink_to_fit_and_the_rest_scroll_sideways() {
        let g = grid(4, "{x: {a1, b1, c1}}");
        let (cols, hidden) = g.fit(80, 0);
        assert_eq!((cols.len(), hidden), (4, 0));
        let (cols, hidden) = g.fit(32, 0);
        assert_eq!(hidden, 0, "{cols:?}");
        let used: usize = cols.iter().map(|(_, w)| w + GAP).sum();
        assert!(used <= 33, "{cols:?}");
        let (cols, hidden) = g.fit(14, 0);
        assert!(hidden > 0 && cols.len() >= 2, "{cols:?} {hidden}");
        let (cols, _) = g.fit(14, 2);
        assert_eq!(
            cols[1].0, 3,
            "scrolled two columns on, the first column stays: {cols:?}"
        );
    }

    #[test]
    fn a_clipped_cell_never_ends_in_half_a_tag() {
        assert_eq!(clip("{x: {a1, b12}}", 11), "{x: {a1, …");
        assert_eq!(clip("{x: {a1}}", 20), "{x: {a1}}");
        assert_eq!(clip("abcdefgh", 4), "abc…");
        assert_eq!(clip("{apple, banana-split}", 20), "{apple, banana-spli…");
    }
}
