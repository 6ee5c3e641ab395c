//! `export svg`: the space-time diagram as a standalone SVG (no fonts, scripts or images from
//! outside). Replicas are lines, messages arrows from their send to their delivery, partitions
//! shaded and cut links dashed, refusals and notes marked, and each step labelled.

use super::diagram::{Flight, extras};
use crate::lab::{Lab, Mark, TimelineRow};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const LEFT: usize = 48;
const TOP: usize = 56;
const COL: usize = 120;
const ROW: usize = 26;

/// XML text with its five special characters escaped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn x(col: usize) -> usize {
    LEFT + COL / 2 + col * COL
}

fn y(row: usize) -> usize {
    TOP + ROW / 2 + row * ROW
}

const STYLE: &str = "text{font-family:monospace;font-size:12px;fill:#222}\
.name{font-weight:bold;font-size:14px}.num{fill:#888}.label{fill:#333}\
.replica{stroke:#999;stroke-width:2}.message{stroke:#1f5fbf;stroke-width:1.5;fill:none}\
.in-flight{stroke:#1f5fbf;stroke-dasharray:4 3;fill:none}.merge{stroke:#2a7a2a;stroke-width:1.5}\
.cut{fill:#d33;fill-opacity:0.12}.cut-link{stroke:#d33;stroke-width:3;stroke-dasharray:6 4;stroke-opacity:0.5}.rule{stroke:#bbb}.step{stroke:#555;stroke-width:1.5}\
.step-label{font-weight:bold}.add{fill:#2a7a2a}.remove{fill:#c33}.refused{fill:#c33;font-weight:bold}\
.note{fill:#d90}.group{fill:#2a7a2a;fill-opacity:0.15;stroke:#2a7a2a}";

/// The history as a standalone SVG document.
pub fn svg(lab: &Lab) -> String {
    let timeline = lab.timeline();
    let extras = extras(lab.history(), &timeline.replicas);
    let n = timeline.replicas.len().max(1);
    let rows = timeline.rows.len();
    let width = LEFT + n * COL + 420;
    let height = TOP + rows.max(1) * ROW + 24;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n\
<title>crdt-lab history</title>\n<style>{STYLE}</style>\n\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f5fbf\"/></marker>\
<marker id=\"merge-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2a7a2a\"/></marker></defs>\n\
<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
    );
    shade_cuts(&mut s, &extras.cuts, &timeline.replicas);
    for (i, name) in timeline.replicas.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text class=\"name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n<line class=\"replica\" x1=\"{0}\" y1=\"{}\" x2=\"{0}\" y2=\"{}\"/>",
            x(i),
            TOP - 20,
            xml(name),
            TOP - 8,
            TOP + rows * ROW
        );
    }
    for (row, r) in timeline.rows.iter().enumerate() {
        draw_row(&mut s, row, r, n);
        if let Some(notes) = extras.notes.get(row).filter(|n| !n.is_empty()) {
            let _ = writeln!(
                s,
                "<circle class=\"note\" cx=\"{}\" cy=\"{}\" r=\"5\"><title>{}</title></circle>",
                LEFT + n * COL + 4,
                y(row),
                xml(&notes.join("; "))
            );
        }
    }
    draw_flights(&mut s, &extras.flights, rows);
    s.push_str("</svg>\n");
    s
}

/// Cut links, row by row. A gap between neighbouring replica lines that every link across it
/// is cut through (a partition's boundary) is shaded; a cut link that leaves such a gap open
/// (`cut A C` while B still reaches both) is a dashed red line between its two replicas.
fn shade_cuts(s: &mut String, cuts: &[BTreeSet<(usize, usize)>], names: &[String]) {
    let name = |i: usize| names.get(i).map_or(String::new(), |n| xml(n));
    let n = names.len();
    for (row, cut) in cuts.iter().enumerate() {
        let walled = |g: usize| (0..=g).all(|a| (g + 1..n).all(|b| cut.contains(&(a, b))));
        let walls: Vec<usize> = (0..n.saturating_sub(1)).filter(|&g| walled(g)).collect();
        for &g in &walls {
            let _ = writeln!(
                s,
                "<rect class=\"cut\" x=\"{}\" y=\"{}\" width=\"{COL}\" height=\"{ROW}\"><title>partition between {} and {}</title></rect>",
                x(g),
                TOP + row * ROW,
                name(g),
                name(g + 1)
            );
        }
        let across_wall = |a: usize, b: usize| walls.iter().any(|&g| a <= g && g < b);
        for &(a, b) in cut.iter().filter(|(a, b)| !across_wall(*a, *b)) {
            let yy = TOP + row * ROW + ROW / 2;
            let _ = writeln!(
                s,
                "<line class=\"cut-link\" x1=\"{}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\"><title>link {}-{} cut</title></line>",
                x(a),
                x(b),
                name(a),
                name(b)
            );
        }
    }
}

fn draw_row(s: &mut String, row: usize, r: &TimelineRow, n: usize) {
    let label_x = LEFT + n * COL + 16;
    match r {
        TimelineRow::Rule { number, text, step } => {
            let (class, label) = match step {
                true => ("step", "step-label"),
                false => ("rule", "label"),
            };
            let (ty, ly, right) = (y(row) + 4, y(row), LEFT + n * COL);
            let _ = writeln!(
                s,
                "<text class=\"num\" x=\"4\" y=\"{ty}\">{number}</text>\n<line class=\"{class}\" x1=\"{LEFT}\" y1=\"{ly}\" x2=\"{right}\" y2=\"{ly}\"/>\n<text class=\"{label}\" x=\"{label_x}\" y=\"{ty}\">{}</text>",
                xml(text)
            );
        }
        TimelineRow::Event {
            number,
            marks,
            text,
        } => {
            let _ = writeln!(
                s,
                "<text class=\"num\" x=\"4\" y=\"{}\">{number}</text>\n<text class=\"label\" x=\"{label_x}\" y=\"{0}\">{}</text>",
                y(row) + 4,
                xml(text)
            );
            for mark in marks {
                draw_mark(s, row, mark);
            }
        }
    }
}

fn draw_mark(s: &mut String, row: usize, mark: &Mark) {
    let yy = y(row);
    let _ = match mark {
        Mark::Edit { at, remove } => {
            let class = if *remove { "remove" } else { "add" };
            writeln!(
                s,
                "<circle class=\"{class}\" cx=\"{}\" cy=\"{yy}\" r=\"6\"/>",
                x(*at)
            )
        }
        Mark::Merge { from, into } => arrow(s, "merge", x(*from), yy, x(*into), yy),
        Mark::Sync { a, b } => {
            let _ = arrow(s, "merge", x(*a), yy - 3, x(*b), yy - 3);
            arrow(s, "merge", x(*b), yy + 3, x(*a), yy + 3)
        }
        Mark::Group(cols) => {
            let (lo, hi) = (cols.iter().min(), cols.iter().max());
            match (lo, hi) {
                (Some(lo), Some(hi)) => writeln!(
                    s,
                    "<rect class=\"group\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" rx=\"6\"/>",
                    x(*lo) - 8,
                    yy - 6,
                    x(*hi) - x(*lo) + 16
                ),
                _ => Ok(()),
            }
        }
        Mark::Send { from, .. } => writeln!(
            s,
            "<rect class=\"send\" x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"#1f5fbf\"/>",
            x(*from) - 4,
            yy - 4
        ),
        Mark::Deliver { .. } => Ok(()),
        Mark::Refused(at) => writeln!(
            s,
            "<text class=\"refused\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">✗</text>",
            at.map_or(LEFT / 2 + 8, x),
            yy + 5
        ),
    };
}

fn arrow(
    s: &mut String,
    class: &str,
    x1: usize,
    y1: usize,
    x2: usize,
    y2: usize,
) -> std::fmt::Result {
    let marker = if class == "merge" {
        "merge-arrow"
    } else {
        "arrow"
    };
    writeln!(
        s,
        "<line class=\"{class}\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" marker-end=\"url(#{marker})\"/>"
    )
}

/// A message: an arrow from its send to each delivery, or a dashed stub while still in flight.
fn draw_flights(s: &mut String, flights: &BTreeMap<(usize, usize), Flight>, rows: usize) {
    for ((_, number), f) in flights {
        let from_y = f.sent.map_or(TOP, y);
        for &at in &f.delivered {
            let _ = writeln!(
                s,
                "<line class=\"message\" x1=\"{}\" y1=\"{from_y}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#arrow)\"><title>message #{number}</title></line>",
                x(f.from),
                x(f.to),
                y(at)
            );
        }
        if f.delivered.is_empty() {
            let (x1, x2) = (x(f.from), x(f.to));
            let _ = writeln!(
                s,
                "<line class=\"in-flight\" x1=\"{x1}\" y1=\"{from_y}\" x2=\"{}\" y2=\"{}\"><title>message #{number}, still in flight</title></line>",
                (x1 + x2) / 2,
                TOP + rows * ROW
            );
        }
    }
}
