//! Drawing the timeline: the lab's space-time model (`lab::Timeline`) as lines, replicas as
//! columns and events as rows, merges, syncs, sends and deliveries as arrows.

use super::measure::width as text_width;
use super::table::clip;
use super::theme::Theme;
use super::wrap::Wrap;
use crate::lab::{Mark, Timeline, TimelineRow as Row};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The width of one replica's column for `n` replicas in `width` columns of graph.
pub fn spacing(n: usize, width: u16) -> usize {
    let n = n.max(1);
    (usize::from(width) / 2 / n).clamp(3, 8)
}

/// Draw rows `window` of the timeline, each as a graph part and a text part.
pub fn lines<'a>(
    timeline: &'a Timeline,
    theme: &Theme,
    width: u16,
    window: std::ops::Range<usize>,
) -> Vec<Line<'a>> {
    let sp = spacing(timeline.replicas.len(), width);
    let graph = timeline.replicas.len() * sp;
    let mut out = vec![header(timeline, sp, theme)];
    let end = window.end.min(timeline.rows.len());
    let start = window.start.min(end);
    let room = usize::from(width).saturating_sub(graph + 8);
    for row in &timeline.rows[start..end] {
        out.push(draw(row, timeline.replicas.len(), sp, graph, room, theme));
    }
    out.into_iter()
        .map(|line| cut(line, usize::from(width), theme))
        .collect()
}

/// A line wider than `width` (a graph of many replicas in a narrow box) cut to end with `…`.
fn cut<'a>(line: Line<'a>, width: usize, theme: &Theme) -> Line<'a> {
    if line.width() <= width || width == 0 {
        return line;
    }
    let budget = width - 1;
    let mut used = 0;
    let mut spans = vec![];
    for span in line.spans {
        let w = text_width(&span.content);
        if used + w <= budget {
            used += w;
            spans.push(span);
            continue;
        }
        let mut kept = String::new();
        for c in span.content.chars() {
            let cw = text_width(c.encode_utf8(&mut [0; 4]));
            if used + cw > budget {
                break;
            }
            used += cw;
            kept.push(c);
        }
        spans.push(Span::styled(kept, span.style));
        break;
    }
    spans.push(Span::styled("…", theme.dim));
    Line::from(spans)
}

/// What each mark means, laid out in `width` columns.
pub fn legend<'a>(theme: &Theme, width: u16) -> Vec<Line<'a>> {
    let mut wrap = Wrap::new(width, 0..8);
    wrap.block(0);
    for (glyph, about) in LEGEND {
        wrap.glue(*glyph, theme.arrow);
        wrap.glue(" ", theme.dim);
        wrap.glue(*about, theme.dim);
        wrap.push("   ", theme.dim);
    }
    wrap.finish().lines
}

/// The marks, as the legend names them.
pub const LEGEND: &[(&str, &str)] = &[
    ("●", "add"),
    ("×", "remove"),
    ("┼──▶●", "merge into"),
    ("●◀─▶●", "sync"),
    ("◆══◆", "sync, each side that met"),
    ("○┄┄", "send"),
    ("◎┄┄", "duplicate"),
    ("┄┄▶●", "deliver"),
    ("✗", "refused"),
    ("━━", "lesson step"),
    ("┄┄", "new lab or network change"),
];

/// Replica names over their columns, each centred on its lifeline.
fn header<'a>(timeline: &Timeline, sp: usize, theme: &Theme) -> Line<'a> {
    let mut cells = vec![' '; timeline.replicas.len() * sp];
    for (c, name) in timeline.replicas.iter().enumerate() {
        let name: Vec<char> = name.chars().take(sp.saturating_sub(1)).collect();
        let start = (c * sp + sp / 2).saturating_sub(name.len().saturating_sub(1) / 2);
        for (k, ch) in name.into_iter().enumerate() {
            if let Some(cell) = cells.get_mut(start + k) {
                *cell = ch;
            }
        }
    }
    let text: String = cells.into_iter().collect();
    Line::from(Span::styled(format!("      {text}"), theme.label))
}

/// One character cell of the graph, with its style.
type Cell = (char, Style);

/// One row: its number, the graph, and its text cut to `room` columns with `…`.
fn draw<'a>(
    row: &'a Row,
    n: usize,
    sp: usize,
    graph: usize,
    room: usize,
    theme: &Theme,
) -> Line<'a> {
    let center = |c: usize| c * sp + sp / 2;
    let mut cells: Vec<Cell> = vec![(' ', theme.text); graph];
    for c in 0..n {
        cells[center(c)] = ('│', theme.dim);
    }
    let (number, text, style) = match row {
        Row::Rule { number, text, step } => {
            cells
                .iter_mut()
                .for_each(|cell| *cell = (if *step { '━' } else { '┄' }, theme.label));
            (
                *number,
                text.as_str(),
                if *step { theme.strong } else { theme.label },
            )
        }
        Row::Event {
            number,
            marks,
            text,
        } => {
            marks
                .iter()
                .for_each(|m| mark(&mut cells, m, &center, theme));
            let refused = marks.iter().any(|m| matches!(m, Mark::Refused(_)));
            (
                *number,
                text.as_str(),
                if refused { theme.error } else { theme.text },
            )
        }
    };
    let mut spans = vec![Span::styled(format!("{number:>4}  "), theme.dim)];
    spans.extend(
        cells
            .into_iter()
            .map(|(c, s)| Span::styled(c.to_string(), s)),
    );
    spans.push(Span::styled(format!("  {}", clip(text, room)), style));
    Line::from(spans)
}

fn mark(cells: &mut [Cell], mark: &Mark, center: &dyn Fn(usize) -> usize, theme: &Theme) {
    let mut line = |a: usize, b: usize, c: char, style: Style| {
        let (lo, hi) = (center(a.min(b)), center(a.max(b)));
        for cell in cells.iter_mut().take(hi).skip(lo + 1) {
            *cell = (c, style);
        }
    };
    match *mark {
        Mark::Edit { at, remove } => {
            let glyph = if remove {
                ('×', theme.removed)
            } else {
                ('●', theme.live)
            };
            cells[center(at)] = glyph;
        }
        Mark::Merge { from, into } => {
            line(from, into, '─', theme.arrow);
            cells[center(from)] = ('┼', theme.arrow);
            head(cells, center(into), from < into, theme);
        }
        Mark::Sync { a, b } => {
            line(a, b, '─', theme.arrow);
            head(cells, center(a), b < a, theme);
            head(cells, center(b), a < b, theme);
        }
        // A side of one met nobody: no mark.
        Mark::Group(ref members) if members.len() < 2 => {}
        Mark::Group(ref members) => {
            if let (Some(&lo), Some(&hi)) = (members.iter().min(), members.iter().max()) {
                line(lo, hi, '═', theme.arrow);
                // A replica between them on the other side met nobody: its lifeline stays.
                for c in (lo..hi).filter(|c| !members.contains(c)) {
                    cells[center(c)] = ('│', theme.dim);
                }
            }
            members
                .iter()
                .for_each(|&c| cells[center(c)] = ('◆', theme.arrow));
        }
        Mark::Send {
            from,
            to,
            duplicate,
        } => {
            line(from, to, '┄', theme.arrow);
            cells[center(from)] = (if duplicate { '◎' } else { '○' }, theme.arrow);
        }
        Mark::Deliver { from, to } => {
            line(from, to, '┄', theme.arrow);
            head(cells, center(to), from < to, theme);
        }
        Mark::Refused(Some(at)) => cells[center(at)] = ('✗', theme.error),
        Mark::Refused(None) => {}
    }
}

/// An arrow arriving at a column: `▶●` from the left, `●◀` from the right.
fn head(cells: &mut [Cell], at: usize, from_left: bool, theme: &Theme) {
    cells[at] = ('●', theme.changed);
    let beside = if from_left {
        at.checked_sub(1)
    } else {
        Some(at + 1)
    };
    if let Some(cell) = beside.and_then(|k| cells.get_mut(k)) {
        *cell = (if from_left { '▶' } else { '◀' }, theme.arrow);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;
    use crate::script::execute;

    fn lab(lines: &[&str]) -> Lab {
        let mut lab = Lab::new();
        for line in lines {
            let _ = execute(&mut lab, line);
        }
        lab
    }

    #[test]
    fn merges_point_at_the_receiver_and_refusals_are_marked() {
        let t = lab(&["A add x", "B merge A", "C add y"]).timeline();
        let theme = Theme::monochrome();
        let text: Vec<String> = lines(&t, &theme, 100, 0..10)
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert!(
            text[1].contains('●') && text[1].ends_with("A add x"),
            "{text:?}"
        );
        assert!(
            text[2].contains('▶') && text[2].ends_with("B merge A"),
            "{text:?}"
        );
        assert!(
            text[3].contains("refused") && text[3].contains("no replica C"),
            "{text:?}"
        );
    }
}
