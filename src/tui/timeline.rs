//! The timeline: a space-time diagram of the lab's history, replicas as columns and events as
//! rows, with merges, syncs and deliveries drawn as arrows. It is read off `lab.history()`,
//! replaying the log on a fresh world only to learn which message each `deliver` handed over.

use super::theme::Theme;
use crate::crdt::Edit;
use crate::lab::{Command, Lab, Which, World};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// What a row draws across the replica columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    /// An add (or a remove) on one replica.
    Edit { at: usize, remove: bool },
    /// `into merge from`: an arrow from one column to another.
    Merge { from: usize, into: usize },
    /// `sync a b`: arrows both ways.
    Sync { a: usize, b: usize },
    /// A bare `sync`: every replica of a partition group meets.
    Group(Vec<usize>),
    /// A message leaves `from` for `to`.
    Send { from: usize, to: usize },
    /// A message from `from` arrives at `to`.
    Deliver { from: usize, to: usize },
    /// A refused command on a replica (or none).
    Refused(Option<usize>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// A numbered entry of the history.
    Event {
        number: usize,
        marks: Vec<Mark>,
        text: String,
    },
    /// A line across every column: a new lab, a partition, a heal, a step of a lesson.
    Rule {
        number: usize,
        text: String,
        step: bool,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    pub replicas: Vec<String>,
    pub rows: Vec<Row>,
}

/// Read the timeline off a lab's history.
pub fn build(lab: &Lab) -> Timeline {
    let replicas = lab.world().names();
    let col = |name: &str| replicas.iter().position(|r| r == name);
    let mut world = World::default();
    let mut rows = Vec::new();
    for (k, entry) in lab.history().iter().enumerate() {
        let number = k + 1;
        let text = entry.command.to_string();
        if let Some(refusal) = &entry.refused {
            let at = subject(&entry.command).and_then(col);
            let text = format!("{text}  refused: {refusal}");
            rows.push(Row::Event {
                number,
                marks: vec![Mark::Refused(at)],
                text,
            });
            continue;
        }
        let wire: Vec<(String, String, bool)> = world
            .wire
            .iter()
            .map(|m| {
                (
                    m.from.to_string(),
                    m.to.to_string(),
                    world.reachable(&m.from, &m.to),
                )
            })
            .collect();
        let groups = world_groups(&world);
        let _ = world.apply(&entry.command);
        rows.push(row(number, &entry.command, text, &col, &wire, &groups));
    }
    Timeline { replicas, rows }
}

fn world_groups(world: &World) -> Vec<Vec<String>> {
    if world.groups.is_empty() {
        return vec![world.names()];
    }
    world
        .groups
        .iter()
        .map(|g| g.iter().map(|n| n.to_string()).collect())
        .collect()
}

fn subject(command: &Command) -> Option<&str> {
    match command {
        Command::Edit { replica, .. } | Command::Skew { replica, .. } => Some(replica),
        Command::Merge { into, .. } => Some(into),
        Command::Send { from, .. } => Some(from),
        _ => None,
    }
}

fn row(
    number: usize,
    command: &Command,
    text: String,
    col: &dyn Fn(&str) -> Option<usize>,
    wire: &[(String, String, bool)],
    groups: &[Vec<String>],
) -> Row {
    let rule = |step| Row::Rule {
        number,
        text: text.clone(),
        step,
    };
    let marks: Vec<Mark> = match command {
        Command::New { .. } | Command::Partition(_) | Command::Heal => return rule(false),
        Command::Step(title) => {
            return Row::Rule {
                number,
                text: title.clone(),
                step: true,
            };
        }
        Command::Edit { replica, edit, .. } => col(replica)
            .map(|at| Mark::Edit {
                at,
                remove: matches!(edit, Edit::Remove(_)),
            })
            .into_iter()
            .collect(),
        Command::Merge { into, from } => pair(col(from), col(into))
            .map(|(from, into)| Mark::Merge { from, into })
            .into_iter()
            .collect(),
        Command::Sync(Some((a, b))) => pair(col(a), col(b))
            .map(|(a, b)| Mark::Sync { a, b })
            .into_iter()
            .collect(),
        Command::Sync(None) => groups
            .iter()
            .map(|g| Mark::Group(g.iter().filter_map(|n| col(n)).collect()))
            .collect(),
        Command::Send { from, to } => pair(col(from), col(to))
            .map(|(from, to)| Mark::Send { from, to })
            .into_iter()
            .collect(),
        Command::Deliver(which) => {
            let pairs: Vec<(&str, &str)> = delivered(*which, wire).collect();
            let said: Vec<String> = pairs
                .iter()
                .map(|(from, to)| format!("{from} → {to}"))
                .collect();
            let marks = pairs
                .iter()
                .filter_map(|(from, to)| pair(col(from), col(to)))
                .map(|(from, to)| Mark::Deliver { from, to });
            return Row::Event {
                number,
                marks: marks.collect(),
                text: format!("{text}  ({})", said.join(", ")),
            };
        }
        _ => vec![],
    };
    Row::Event {
        number,
        marks,
        text,
    }
}

fn pair(a: Option<usize>, b: Option<usize>) -> Option<(usize, usize)> {
    Some((a?, b?))
}

/// The messages a `deliver` handed over, as (from, to), given the wire just before it.
fn delivered(which: Which, wire: &[(String, String, bool)]) -> impl Iterator<Item = (&str, &str)> {
    wire.iter()
        .enumerate()
        .filter_map(move |(k, (from, to, reachable))| {
            let picked = match which {
                Which::Oldest => k == 0,
                Which::Number(n) => k + 1 == n,
                Which::All => *reachable,
            };
            picked.then_some((from.as_str(), to.as_str()))
        })
}

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
    for row in &timeline.rows[start..end] {
        out.push(draw(row, timeline.replicas.len(), sp, graph, theme));
    }
    out
}

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

fn draw<'a>(row: &'a Row, n: usize, sp: usize, graph: usize, theme: &Theme) -> Line<'a> {
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
    spans.push(Span::styled(format!("  {text}"), style));
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
        Mark::Group(ref members) => {
            if let (Some(&lo), Some(&hi)) = (members.iter().min(), members.iter().max()) {
                line(lo, hi, '═', theme.arrow);
            }
            members
                .iter()
                .for_each(|&c| cells[center(c)] = ('◆', theme.arrow));
        }
        Mark::Send { from, to } => {
            line(from, to, '┄', theme.arrow);
            cells[center(from)] = ('○', theme.arrow);
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
    use crate::script::execute;

    fn lab(lines: &[&str]) -> Lab {
        let mut lab = Lab::new();
        for line in lines {
            let _ = execute(&mut lab, line);
        }
        lab
    }

    fn graph(line: &Line) -> String {
        line.to_string()
    }

    #[test]
    fn a_delivery_is_drawn_from_its_sender_even_when_sent_long_before() {
        let t = build(&lab(&["new orset A B C", "send A C", "B add x", "deliver"]));
        assert_eq!(
            t.rows[3],
            Row::Event {
                number: 4,
                marks: vec![Mark::Deliver { from: 0, to: 2 }],
                text: "deliver  (A → C)".into()
            }
        );
    }

    #[test]
    fn merges_point_at_the_receiver_and_refusals_are_marked() {
        let t = build(&lab(&["A add x", "B merge A", "C add y"]));
        let theme = Theme::monochrome();
        let lines = lines(&t, &theme, 60, 0..10);
        let text: Vec<String> = lines.iter().map(graph).collect();
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

    #[test]
    fn a_partition_draws_a_rule_and_a_bare_sync_meets_within_each_side() {
        let t = build(&lab(&["new orset A B C", "partition A B | C", "sync"]));
        assert!(matches!(&t.rows[1], Row::Rule { text, .. } if text == "partition A B | C"));
        let Row::Event { marks, .. } = &t.rows[2] else {
            panic!("{:?}", t.rows[2])
        };
        assert_eq!(marks, &[Mark::Group(vec![0, 1]), Mark::Group(vec![2])]);
    }
}
