//! Diagrams to take away: the lab's space-time history (`lab::Timeline`) as plain text
//! (`export timeline`), and what both it and the SVG (`svg.rs`) read off the log besides the
//! timeline's marks: each message from its send to its delivery, the cut links, the notes.

use crate::lab::{Command, Entry, Lab, Mark, Timeline, TimelineRow};
use std::collections::{BTreeMap, BTreeSet};

/// One message's life: the rows it was sent and delivered on (rows count from 0).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Flight {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) sent: Option<usize>,
    pub(super) delivered: Vec<usize>,
}

/// Everything the diagrams draw besides the timeline's own marks, read off the log: each
/// message's send and delivery rows, the cut links in effect at each row, and the notes.
pub(super) struct Extras {
    pub(super) flights: BTreeMap<(usize, usize), Flight>,
    pub(super) cuts: Vec<BTreeSet<(usize, usize)>>,
    pub(super) notes: Vec<Vec<String>>,
}

pub(super) fn extras(history: &[Entry], names: &[String]) -> Extras {
    let col = |name: &str| names.iter().position(|r| r == name);
    let mut flights: BTreeMap<(usize, usize), Flight> = BTreeMap::new();
    // Message numbers start again at each `new`: a message is known by the lab it was sent in.
    let mut lab_number = 0;
    let mut cut: BTreeSet<(usize, usize)> = BTreeSet::new();
    let (mut cuts, mut notes) = (vec![], vec![]);
    for (row, entry) in history.iter().enumerate() {
        if entry.refused.is_none() {
            lab_number += usize::from(entry.command.is_new());
            for m in &entry.applied.sent {
                if let (Some(from), Some(to)) = (col(&m.from), col(&m.to)) {
                    let flight = Flight {
                        from,
                        to,
                        sent: Some(row),
                        delivered: vec![],
                    };
                    flights.insert((lab_number, m.number), flight);
                }
            }
            for d in &entry.applied.deliveries {
                if let (Some(from), Some(to)) = (col(&d.from), col(&d.to)) {
                    let flight = flights.entry((lab_number, d.number)).or_insert(Flight {
                        from,
                        to,
                        sent: None,
                        delivered: vec![],
                    });
                    flight.delivered.push(row);
                }
            }
            update_cuts(&mut cut, &entry.command, &col, names.len());
        }
        cuts.push(cut.clone());
        notes.push(entry.applied.notes.clone());
    }
    Extras {
        flights,
        cuts,
        notes,
    }
}

/// The cut links after a command: partitions cut every link across sides, heal and `new` none.
fn update_cuts(
    cut: &mut BTreeSet<(usize, usize)>,
    command: &Command,
    col: &dyn Fn(&str) -> Option<usize>,
    n: usize,
) {
    let pair = |a: &str, b: &str| Some((col(a)?.min(col(b)?), col(a)?.max(col(b)?)));
    match command {
        Command::New { .. } | Command::Heal => cut.clear(),
        Command::Cut(a, b) => cut.extend(pair(a, b)),
        Command::Link(a, b) => {
            if let Some(p) = pair(a, b) {
                cut.remove(&p);
            }
        }
        Command::Partition(groups) => {
            cut.clear();
            let side = |i: usize| {
                groups
                    .iter()
                    .position(|g| g.iter().any(|r| col(r) == Some(i)))
            };
            for i in 0..n {
                for j in i + 1..n {
                    if side(i) != side(j) {
                        cut.insert((i, j));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The history as plain text: a column per replica, a line per entry.
pub fn text(lab: &Lab) -> String {
    let timeline: Timeline = lab.timeline();
    let extras = extras(lab.history(), &timeline.replicas);
    let n = timeline.replicas.len();
    const W: usize = 10;
    let mut out = vec![];
    let head: String = timeline
        .replicas
        .iter()
        .map(|r| format!("{:<W$}", r.chars().take(W - 1).collect::<String>()))
        .collect();
    out.push(format!("{:>4}  {}", "", head.trim_end()));
    for (row, r) in timeline.rows.iter().enumerate() {
        let mut cells: Vec<char> = std::iter::repeat_n(' ', n * W).collect();
        for i in 0..n {
            cells[i * W] = '│';
        }
        for &(a, b) in extras.cuts.get(row).into_iter().flatten() {
            (a * W + 1..b * W).for_each(|k| cells[k] = '░');
        }
        let (number, said) = match r {
            TimelineRow::Rule { number, text, step } => {
                let fill = if *step { '═' } else { '─' };
                cells.iter_mut().for_each(|c| *c = fill);
                (number, text.clone())
            }
            TimelineRow::Event {
                number,
                marks,
                text,
            } => {
                marks.iter().for_each(|m| text_mark(&mut cells, m, W));
                (number, text.clone())
            }
        };
        arrivals(&mut cells, &extras.flights, row, W);
        let mut said = said;
        if let Some(notes) = extras.notes.get(row).filter(|n| !n.is_empty()) {
            said.push_str(&format!("  [note: {}]", notes.join("; ")));
        }
        let line: String = cells.into_iter().collect();
        out.push(format!("{number:>4}  {line}  {said}"));
    }
    out.push(String::new());
    out.join("\n")
}

fn text_mark(cells: &mut [char], mark: &Mark, w: usize) {
    let mut span = |a: usize, b: usize, fill: char| {
        let (lo, hi) = (a.min(b) * w, a.max(b) * w);
        (lo + 1..hi).for_each(|k| cells[k] = fill);
    };
    match mark {
        Mark::Edit { at, remove } => cells[at * w] = if *remove { '−' } else { '+' },
        Mark::Merge { from, into } => {
            span(*from, *into, '─');
            cells[from * w] = '●';
            cells[into * w] = if into > from { '▶' } else { '◀' };
        }
        Mark::Sync { a, b } => {
            span(*a, *b, '─');
            cells[a * w] = '◆';
            cells[b * w] = '◆';
        }
        Mark::Group(cols) => {
            if let (Some(lo), Some(hi)) = (cols.iter().min(), cols.iter().max()) {
                span(*lo, *hi, '═');
                cols.iter().for_each(|c| cells[c * w] = '◆');
            }
        }
        Mark::Send { from, .. } => cells[from * w] = '✉',
        Mark::Deliver { .. } => {}
        Mark::Refused(at) => {
            if let Some(at) = at {
                cells[at * w] = '✗';
            }
        }
    }
}

/// Where a message arrives on this row: its receiver's column, with the sender's number.
fn arrivals(cells: &mut [char], flights: &BTreeMap<(usize, usize), Flight>, row: usize, w: usize) {
    for f in flights.values().filter(|f| f.delivered.contains(&row)) {
        cells[f.to * w] = '▼';
        if f.from != f.to {
            let (lo, hi) = (f.from.min(f.to) * w, f.from.max(f.to) * w);
            (lo + 1..hi).for_each(|k| cells[k] = '┄');
        }
    }
}
