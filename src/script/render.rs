//! The one text renderer: replies and failures as text for the line faces (the REPL, `play
//! --plain`, `run` transcripts and headless lessons), and the text exports. Tables are drawn
//! here, and only here, with comfy-table, laid out by a [`Look`] (width, ASCII). Text from users
//! and lesson files is shown through [`escape`], here and in every face.

use super::{Expectation, Failure, Format, Motion, Moved, Reply, Usage};
use crate::crdt::{Delta, Kind, PROPERTIES, SEED_TYPES};
use crate::lab::{
    Applied, Command, Comparison, Delivery, Lab, LabView, MessageView, OpReport, Outcome,
    WorkedTable, clip,
};
use comfy_table::{ContentArrangement, Table, presets};
use std::borrow::Cow;

/// How much of a change a face prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `run` and experiments in `play --plain`: each replica's elements after a change, notes,
    /// messages sent and what each delivery changed.
    Transcript,
    /// The REPL: the full state table after a change.
    Repl,
    /// A lesson's step: notes and deliveries only, since the step's state table follows.
    Step,
}

/// How a line face lays text out: the width to fit tables and wrapped text into (none: as wide
/// as they need, for files and pipes), and whether tables are drawn in ASCII only (`--ascii`,
/// for screen readers and old terminals).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    pub width: Option<usize>,
    pub ascii: bool,
}

/// A reply as text (empty when there is nothing to say), laid out as wide as it needs.
pub fn reply(lab: &Lab, reply: &Reply, style: Style) -> String {
    reply_in(lab, reply, style, Look::default())
}

/// A reply as text, laid out by `look`.
pub fn reply_in(lab: &Lab, reply: &Reply, style: Style, look: Look) -> String {
    let text = match reply {
        Reply::Nothing => String::new(),
        Reply::Changed { command, applied } => {
            return escape_lines(&changed(lab, command, applied, style, look)).into_owned();
        }
        Reply::Moved(moved) => {
            let said = motion(moved);
            match style {
                Style::Repl => format!("{said}\n{}", state_table(&lab.view(), None, look)),
                _ => said,
            }
        }
        Reply::State { view, only } => state_table(view, only.as_deref(), look),
        Reply::Message(m) => message(&lab.view(), m),
        Reply::Lookup { answers, .. } => {
            let each: Vec<String> = answers.iter().map(|(r, b)| format!("{r}: {b}")).collect();
            each.join("   ")
        }
        Reply::Explain { answers, .. } => {
            let each: Vec<String> = answers
                .iter()
                .map(|(r, s)| format!("on {r}, {s}"))
                .collect();
            each.join("\n")
        }
        Reply::Compare(rows) => compare_table(rows, look),
        Reply::Help(usages) => help(usages, look),
        Reply::Saved { path, commands } => format!("saved {commands} commands to {path}"),
        Reply::Loaded { path, commands } => format!("loaded {path}: {commands} commands"),
        Reply::Exported {
            format,
            path: Some(path),
            ..
        } => format!("exported {} to {path}", format_name(*format)),
        Reply::Exported { text, .. } => text.as_deref().unwrap_or_default().trim_end().to_string(),
        Reply::Checked(report) => super::laws::report_text(report),
        Reply::Explored(found) => super::findings::explored_text(found),
        Reply::Stats(stats) => super::findings::stats_text(stats),
        Reply::Replayed { outcome, steps, .. } => {
            let mut lines = vec![format!("outcome {outcome}, replayed:")];
            for (command, applied) in steps {
                lines.push(format!("  {command}"));
                lines.extend(
                    applied
                        .deliveries
                        .iter()
                        .map(|d| format!("    {}", delivered(d))),
                );
                lines.extend(applied.notes.iter().map(|n| format!("    note: {n}")));
            }
            lines.push(format!("  {}", lab.world().visible_states().join("   ")));
            lines.join("\n")
        }
        Reply::Passed {
            expectation,
            refusal,
        } => match refusal {
            Some(rule) => format!("ok: {}: {rule}", expectation_text(expectation)),
            None => format!("ok: {}", expectation_text(expectation)),
        },
    };
    let text = match style {
        Style::Repl => text,
        _ => indent(&text),
    };
    escape_lines(&text).into_owned()
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Markdown => "the worked table",
        Format::Json => "the lab as JSON",
        Format::Svg => "the history as an SVG diagram",
        Format::Timeline => "the history as a text timeline",
    }
}

/// Undo, redo or reset in words.
pub fn motion(moved: &Moved) -> String {
    match (moved.motion, &moved.command) {
        (Motion::Undo, Some(c)) => format!("undid {c}"),
        (Motion::Redo, Some(c)) => format!("redid {c}"),
        (Motion::Undo, None) => "nothing to undo".into(),
        (Motion::Redo, None) => "nothing to redo".into(),
        (Motion::Reset, _) => "reset to a fresh lab (redo brings the history back)".into(),
    }
}

/// An accepted command: the states (or their table), notes, messages sent, deliveries.
fn changed(lab: &Lab, command: &Command, applied: &Applied, style: Style, look: Look) -> String {
    let mut lines = vec![];
    match style {
        Style::Repl => lines.push(state_table(&lab.view(), None, look)),
        Style::Transcript if !applied.changes.is_empty() || command.is_new() => {
            lines.push(match small(lab.world()) {
                true => format!("  {}", lab.world().visible_states().join("   ")),
                false => format!("  {}", changes_only(applied)),
            })
        }
        _ => {}
    }
    let pad = if style == Style::Repl { "" } else { "  " };
    lines.extend(applied.notes.iter().map(|n| format!("{pad}note: {n}")));
    // The REPL's state table already lists the messages in flight.
    let sent = if style == Style::Repl {
        &[][..]
    } else {
        &applied.sent
    };
    let view = (!sent.is_empty()).then(|| lab.view());
    for sent in sent {
        let m = view
            .iter()
            .flat_map(|v| v.wire.iter().map(move |m| (v, m)))
            .find(|(_, m)| m.number == sent.number);
        let ops_mode = lab.world().sync == crate::lab::SyncMode::Ops;
        lines.push(match m {
            Some((v, m)) => format!("{pad}{}", message(v, m)),
            None => format!("{pad}{}", sent_line(sent, ops_mode)),
        });
    }
    for d in &applied.deliveries {
        lines.push(format!("{pad}{}", delivered(d)));
        lines.extend(d.ops.iter().map(|o| format!("{pad}  {}", op_report(o))));
    }
    lines.join("\n")
}

/// A transcript prints every replica's elements after a change while the lab shows at most this
/// many (all replicas together); past it, only what changed, so a line costs what it changed.
pub const TRANSCRIPT_ELEMENTS: usize = 200;

/// Whether the lab shows at most [`TRANSCRIPT_ELEMENTS`] elements (counting no further).
fn small(world: &crate::lab::World) -> bool {
    let mut left = TRANSCRIPT_ELEMENTS + 1;
    for r in &world.replicas {
        left -= r.set.count_upto(left);
        if left == 0 {
            return false;
        }
    }
    true
}

/// What a command changed on each replica, for a lab too big to print: `A: x now on A`, and why
/// the states are not printed.
fn changes_only(applied: &Applied) -> String {
    let each: Vec<String> = applied
        .changes
        .iter()
        .map(|c| format!("{}: {}", c.replica, delta(&c.replica, &c.delta)))
        .collect();
    format!(
        "{}   (over {TRANSCRIPT_ELEMENTS} elements: only what changed is shown; `show` prints the states)",
        each.join("   ")
    )
}

/// A message sent and already delivered: `sent #1 A → B carrying {x} (104 bytes)`, or for ops
/// `sent #1 A → B carrying 1 op: add x a1 [54 bytes] (54 bytes)`.
fn sent_line(sent: &crate::lab::Sent, ops_mode: bool) -> String {
    let what = match ops_mode || !sent.ops.is_empty() {
        true => ops_text(&sent.ops),
        false => sent.carries.to_string(),
    };
    format!(
        "sent #{} {} → {} carrying {what} ({} bytes)",
        sent.number, sent.from, sent.to, sent.bytes
    )
}

/// `1 op: add x a1 [54 bytes]`, `2 ops: ...`, `no ops`.
fn ops_text(ops: &[crate::lab::OpView]) -> String {
    let each: Vec<String> = ops
        .iter()
        .map(|o| format!("{} [{} bytes]", o.op, o.bytes))
        .collect();
    match each.len() {
        0 => "no ops".to_string(),
        1 => format!("1 op: {}", each.join(", ")),
        n => format!("{n} ops: {}", each.join(", ")),
    }
}

/// A delivery: `delivered #1 C → A: tombstones gained milk: c1; milk gone from A`.
pub fn delivered(d: &Delivery) -> String {
    let what = match d.delta.is_empty() {
        true => format!("nothing new for {}", d.to),
        false => delta(&d.to, &d.delta),
    };
    format!("delivered #{} {} → {}: {what}", d.number, d.from, d.to)
}

/// What became of one op of a delivery: `add x a1 (from A): applied early: ...`.
pub fn op_report(o: &OpReport) -> String {
    let what = match &o.outcome {
        Outcome::Applied if !o.changed => "applied, changing nothing".to_string(),
        Outcome::Applied => "applied".to_string(),
        Outcome::Early(why) => format!("applied early: {why}"),
        Outcome::Waiting(why) => format!("held: {why}"),
        Outcome::Released => "applied now that what it waited for has come".to_string(),
        Outcome::Duplicate => {
            "already had here, so skipped: a second copy changes nothing".to_string()
        }
    };
    format!("{} (from {}): {what}", o.op, o.origin)
}

/// What changed on one replica, in words: `tombstones gained x: a1; live lost x: a1; x gone from A`.
pub fn delta(replica: &str, d: &Delta) -> String {
    let mut parts = vec![];
    let mut fields: Vec<&str> = d.added.iter().chain(&d.removed).map(|l| l.field).collect();
    fields.dedup();
    let mut seen = vec![];
    for field in fields.into_iter().filter(|f| {
        let new = !seen.contains(f);
        seen.push(*f);
        new
    }) {
        let paths = |leaves: &[crate::crdt::Leaf]| -> Vec<String> {
            let mine = leaves.iter().filter(|l| l.field == field);
            mine.map(|l| l.path.join(": ")).collect()
        };
        let (gained, lost) = (paths(&d.added), paths(&d.removed));
        if !gained.is_empty() {
            parts.push(format!("{field} gained {}", gained.join(", ")));
        }
        if !lost.is_empty() {
            parts.push(format!("{field} lost {}", lost.join(", ")));
        }
    }
    if !d.shown.is_empty() {
        parts.push(format!("{} now on {replica}", d.shown.join(", ")));
    }
    if !d.hidden.is_empty() {
        parts.push(format!("{} gone from {replica}", d.hidden.join(", ")));
    }
    parts.join("; ")
}

/// A message in flight: `#1 A → B carrying {x}: live {x: {a1}}, tombstones {} (54 bytes)`, or
/// for ops `#1 A → B carrying 1 op: add x a1 [40 bytes] (40 bytes)`.
pub fn message(view: &LabView, m: &MessageView) -> String {
    let held = match (m.deliverable, view.groups.is_empty()) {
        (true, _) => "",
        (false, false) => ", held by the partition",
        (false, true) => ", held: the link is cut",
    };
    let head = format!("in flight #{} {} → {}", m.number, m.from, m.to);
    if view.sync == "ops" || !m.ops.is_empty() {
        return format!(
            "{head} carrying {} ({} bytes{held})",
            ops_text(&m.ops),
            m.bytes
        );
    }
    let fields: Vec<String> = m
        .payload
        .iter()
        .map(|f| format!("{} {}", f.name, f.value))
        .collect();
    format!(
        "{head} carrying {}: {} ({} bytes{held})",
        m.carries,
        fields.join(", "),
        m.bytes
    )
}

fn expectation_text(e: &Expectation) -> String {
    match e {
        Expectation::Converged(true) => "converged".into(),
        Expectation::Converged(false) => "diverged".into(),
        Expectation::Has {
            replica,
            elem,
            present,
        } => format!(
            "{replica} {} {elem}",
            if *present { "has" } else { "lacks" }
        ),
        Expectation::Equals {
            replica,
            field: Some(f),
            value,
        } => format!("{replica}.{f} = {value}"),
        Expectation::Equals {
            replica,
            field: None,
            value,
        } => format!("{replica} = {value}"),
        Expectation::Refused(command) => format!("'{command}' is refused"),
        Expectation::Outcomes(n) => format!("outcomes = {n}"),
    }
}

/// A failure as a transcript line.
pub fn failure(failure: &Failure) -> String {
    escape_lines(&format!("  error: {failure}")).into_owned()
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A table with borders: lines drawn in Unicode, or in ASCII with `--ascii`; fitted to the
/// width when there is one (cells wrap).
fn table(look: Look) -> Table {
    let preset = match look.ascii {
        true => presets::ASCII_FULL_CONDENSED,
        false => presets::UTF8_FULL_CONDENSED,
    };
    fitted(bare(preset), look)
}

fn bare(preset: &str) -> Table {
    let mut t = Table::new();
    t.load_preset(preset);
    t
}

fn fitted(mut t: Table, look: Look) -> Table {
    if let Some(width) = look.width {
        t.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    t
}

/// Text wrapped to the width, if there is one, line by line at word boundaries. A wrapped line
/// goes on under its own text: under its indentation, and past a list marker (`- `, `1. `).
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let lines = text.split('\n').map(|line| {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let hang = " ".repeat(indent.chars().count() + marker(body));
        let options = textwrap::Options::new(width)
            .initial_indent(indent)
            .subsequent_indent(&hang);
        textwrap::fill(body, options)
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// Prose from a lesson (Markdown source) wrapped to the width: the lines of a paragraph are
/// joined and filled again, while a list item or an indented line starts a line of its own.
/// Without a width it is left as written.
pub fn wrap_prose(text: &str, width: Option<usize>) -> String {
    if width.is_none() {
        return text.to_string();
    }
    let mut lines: Vec<String> = vec![];
    let mut joining = false;
    for line in text.split('\n') {
        let own = line.trim().is_empty() || line.starts_with(char::is_whitespace);
        match lines.last_mut() {
            Some(last) if joining && !own && marker(line) == 0 => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => lines.push(line.trim_end().to_string()),
        }
        joining = !line.trim().is_empty();
    }
    wrap(&lines.join("\n"), width)
}

/// The width of the list marker a line starts with (`- `, `* `, `12. `), or 0.
fn marker(line: &str) -> usize {
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return 2;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    match digits > 0 && line[digits..].starts_with(". ") {
        true => digits + 2,
        false => 0,
    }
}

/// Table cells as they are shown: control characters escaped, and long ones cut short (a table
/// cell of a whole big state would be too long to read, and slow to lay out).
fn cells<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(|s| shown(s.as_ref())).collect()
}

fn shown(text: &str) -> String {
    escape(&clip(text)).into_owned()
}

/// Text from users and lesson files, safe to print on one line: control characters (ESC, NUL,
/// a newline, DEL, C1 codes) and invisible formatting characters (bidirectional overrides,
/// zero-width characters) are shown as escapes, `\e`, `\x00`, `\n`, `\u{202e}`, instead of
/// acting on the terminal. Every face shows such text through this (the TUI too).
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_keeping(text, &[])
}

/// [`escape`] for text of several lines: newlines are kept, everything else is escaped.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_keeping(text, &['\n'])
}

fn escape_keeping<'t>(text: &'t str, keep: &[char]) -> Cow<'t, str> {
    let unsafe_char = |c: char| !keep.contains(&c) && hidden(c);
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !unsafe_char(c) => out.push(c),
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Does this character act on the terminal or hide itself, rather than show as a glyph?
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Every field of each replica (or one), as a table: a column per replica, a row per field.
pub fn state_table(view: &LabView, only: Option<&str>, look: Look) -> String {
    let shown: Vec<_> = view
        .replicas
        .iter()
        .filter(|r| only.is_none_or(|n| r.name == n))
        .collect();
    let mut t = table(look);
    let mut header = vec![view.title.to_string()];
    header.extend(shown.iter().map(|r| r.name.clone()));
    t.set_header(cells(header));
    let mut value = vec!["value".to_string()];
    value.extend(shown.iter().map(|r| r.visible.to_string()));
    t.add_row(cells(value));
    let names: Vec<&str> = shown
        .first()
        .map(|r| r.fields.iter().map(|f| f.name).collect())
        .unwrap_or_default();
    for (k, name) in names.iter().enumerate() {
        let mut row = vec![name.to_string()];
        row.extend(shown.iter().map(|r| {
            r.fields
                .get(k)
                .map(|f| f.value.to_string())
                .unwrap_or_default()
        }));
        t.add_row(cells(row));
    }
    let mut out = t.to_string();
    out.push_str(&network_line(view));
    out
}

/// The partition (or the cut links), the settings worth knowing, ops waiting and the messages
/// in flight, one line each (nothing when the network is quiet and the settings plain).
pub fn network_line(view: &LabView) -> String {
    let mut out = String::new();
    if !view.groups.is_empty() {
        let sides: Vec<String> = view.groups.iter().map(|g| g.join(" ")).collect();
        out.push_str(&format!("\npartition: {}", sides.join(" | ")));
    } else if !view.cuts.is_empty() {
        let cuts: Vec<String> = view.cuts.iter().map(|(a, b)| format!("{a}–{b}")).collect();
        out.push_str(&format!("\ncut: {}", cuts.join(", ")));
    }
    if view.sync == "ops" {
        out.push_str("\nsync: ops (each message carries the ops its receiver has not had)");
    }
    if let Some(mistake) = &view.mistake {
        out.push_str(&format!("\nmistake on: {mistake}"));
    }
    for r in &view.replicas {
        for (op, why) in &r.waiting {
            out.push_str(&format!("\nwaiting on {}: {op}: {why}", r.name));
        }
    }
    for m in &view.wire {
        out.push('\n');
        out.push_str(&message(view, m));
    }
    out
}

/// `compare`: every set type's final elements for the same history, what each stores, and the
/// seed's table of properties with this history's numbers beside its facts.
pub fn compare_table(rows: &[Comparison], look: Look) -> String {
    let mut t = table(look);
    let mut header = vec!["type".to_string()];
    header.extend(
        rows.first()
            .into_iter()
            .flat_map(|c| c.finals.iter().map(|(n, _)| n.clone())),
    );
    header.extend(["metadata".to_string(), "refused".to_string()]);
    t.set_header(cells(header));
    for c in rows {
        let mut row = vec![c.title.to_string()];
        row.extend(c.finals.iter().map(|(_, v)| v.to_string()));
        row.push(metadata(c));
        let refused = counted(c.refused.iter().map(|(cmd, _)| cmd.as_str()));
        row.push(if refused.is_empty() {
            "-".into()
        } else {
            refused.join("; ")
        });
        t.add_row(cells(row));
    }
    format!(
        "{t}\nmetadata: every piece the replicas store at the end, summed over the {} replicas\n\n{}",
        rows.first().map_or(0, |c| c.finals.len()),
        properties(rows, look)
    )
}

/// `6 = 2 live tags + 4 tombstoned tags` (pieces of which there are none are left out).
fn metadata(c: &Comparison) -> String {
    let parts: Vec<String> = c
        .metadata
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    match parts.len() {
        0 => "0".to_string(),
        _ => format!("{} = {}", c.meta_size, parts.join(" + ")),
    }
}

/// The seed's comparison table (§4): a row per property, a column per type it compares, each
/// cell the fact and, where the history shows it, what happened here.
pub fn properties(rows: &[Comparison], look: Look) -> String {
    let width = look.width.unwrap_or(120).min(120);
    let mut t = table(Look {
        width: Some(width),
        ..look
    });
    let (header, body) = property_cells(rows);
    t.set_header(cells(header));
    for row in body {
        t.add_row(row);
    }
    format!("the seed's table of properties, with this history's numbers:\n{t}")
}

/// The seed's table of properties as cells, for every face: the header (`property` and each
/// type it compares), then a row per property, each cell the fact and, on a line of its own,
/// `here: …` where the history shows it.
pub fn property_cells(rows: &[Comparison]) -> (Vec<String>, Vec<Vec<String>>) {
    let columns: Vec<(Kind, Option<&Comparison>)> = SEED_TYPES
        .iter()
        .map(|k| (*k, rows.iter().find(|c| c.kind == k.word())))
        .collect();
    let mut header = vec!["property".to_string()];
    header.extend(columns.iter().map(|(k, _)| k.title().to_string()));
    let body = PROPERTIES.iter().enumerate().map(|(p, name)| {
        let mut row = vec![name.to_string()];
        for (kind, c) in &columns {
            let fact = kind.facts()[p].to_string();
            row.push(match c.and_then(|c| here(p, c)) {
                Some(seen) => format!("{fact}\nhere: {}", shown(&seen)),
                None => fact,
            });
        }
        row
    });
    (header, body.collect())
}

/// What the history shows of property `p` for one type, if anything.
fn here(p: usize, c: &Comparison) -> Option<String> {
    let seen = &c.observed;
    match PROPERTIES[p] {
        "can re-add after remove?" => seen.readd.as_ref().map(|(command, present)| {
            let now = if *present { "present" } else { "absent" };
            format!("after {command}, {now}")
        }),
        "concurrent add + remove: who wins" if !seen.contested.is_empty() => {
            let each: Vec<String> = seen
                .contested
                .iter()
                .map(|(e, on)| match on.as_str() {
                    "all" => format!("{e} kept"),
                    "none" => format!("{e} gone"),
                    some => format!("{e} only on {some}"),
                })
                .collect();
            Some(each.join(", "))
        }
        "needs synchronized clocks?" => seen.stamps.clone(),
        "metadata cost" if seen.elements > 0 => Some(format!(
            "{} for {} element{}{}",
            c.meta_size,
            seen.elements,
            if seen.elements == 1 { "" } else { "s" },
            match metadata(c).split_once(" = ") {
                Some((_, parts)) => format!(" ({parts})"),
                None => String::new(),
            }
        )),
        _ => None,
    }
}

/// Each distinct line once, in first-seen order, with a count when it repeats: `A remove x (×3)`.
pub fn counted<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<(&str, usize)> = vec![];
    for line in lines {
        match seen.iter_mut().find(|(l, _)| *l == line) {
            Some((_, n)) => *n += 1,
            None => seen.push((line, 1)),
        }
    }
    seen.into_iter()
        .map(|(l, n)| {
            if n == 1 {
                l.to_string()
            } else {
                format!("{l} (×{n})")
            }
        })
        .collect()
}

/// `help`: the table of commands, or the one asked about.
pub fn help(usages: &[Usage], look: Look) -> String {
    if let [one] = usages {
        let about = wrap(&format!("  {}", one.about), look.width);
        return format!("{}\n{about}", one.usage);
    }
    let mut t = fitted(bare(presets::NOTHING), look);
    for u in usages {
        t.add_row(cells([&u.usage, &u.about]));
    }
    let tail = "A # starts a comment. help <command> says more about one.";
    format!("{t}\n{}", wrap(tail, look.width))
}

/// The worked tables as Markdown, one per lab: `Step | Replica A (...) | ... | what happened`.
pub fn markdown(tables: &[WorkedTable]) -> String {
    let mut out = String::new();
    for w in tables {
        let mut t = bare(presets::ASCII_MARKDOWN);
        let mut header = vec!["Step".to_string()];
        header.extend(
            w.replicas
                .iter()
                .map(|r| format!("Replica {r} ({})", w.labels)),
        );
        header.push("what happened".into());
        t.set_header(header.iter().map(|h| cell(h)));
        for row in &w.rows {
            let mut cells = vec![cell(&row.step)];
            cells.extend(row.cells.iter().map(|c| cell(c)));
            cells.push(cell(&row.happened));
            t.add_row(cells);
        }
        out.push_str(&format!(
            "**{}**, replicas {}\n\n{t}\n\n",
            w.title,
            w.replicas.join(", ")
        ));
    }
    out.trim_end().to_string() + "\n"
}

/// A Markdown table cell: shown safely (see [`cells`]), and a `|` inside it is escaped, so it
/// does not start another column.
fn cell(text: &str) -> String {
    shown(text).replace('|', "\\|")
}

/// `crdt-lab lessons`: number, name, title, steps and questions of each lesson, and the
/// learner's progress in it where any lesson has some; fitted to `width` when there is one.
pub fn lessons(rows: &[(String, String, usize, usize, String)], width: Option<usize>) -> String {
    // The progress column only once there is progress to show.
    let progress = rows.iter().any(|row| !row.4.is_empty());
    let look = Look {
        width,
        ascii: false,
    };
    let mut t = fitted(bare(presets::NOTHING), look);
    let header = ["#", "name", "title", "steps", "questions", "progress"];
    t.set_header(cells(&header[..if progress { 6 } else { 5 }]));
    for (k, (name, title, steps, questions, note)) in rows.iter().enumerate() {
        let mut row = vec![
            (k + 1).to_string(),
            name.clone(),
            title.clone(),
            steps.to_string(),
            questions.to_string(),
        ];
        if progress {
            row.push(note.clone());
        }
        t.add_row(cells(row));
    }
    // A name is typed to play a lesson: it is never broken; the title and progress wrap.
    for k in [0, 1, 3, 4] {
        if let Some(column) = t.column_mut(k) {
            column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::execute;

    #[test]
    fn the_lesson_list_fits_an_80_column_terminal_with_its_progress_column() {
        let title = "The monotonic map, and why a naive delete breaks it".to_string();
        let rows = vec![
            (
                "2pset-monotonic-map".into(),
                title,
                9,
                3,
                "continue at step 4".into(),
            ),
            (
                "gset-apple-banana".into(),
                "G-Set".into(),
                4,
                2,
                "✓ done · 1/2 right".into(),
            ),
        ];
        let fitted = lessons(&rows, Some(80));
        for line in fitted.lines() {
            assert!(line.chars().count() <= 80, "{line:?}\n{fitted}");
        }
        assert!(fitted.contains("continue at step 4") && fitted.contains("✓ done · 1/2 right"));
        assert!(
            fitted.contains(" 2pset-monotonic-map "),
            "names stay whole:\n{fitted}"
        );
        let wide = lessons(&rows, None);
        assert!(
            wide.lines()
                .any(|l| l.contains("why a naive delete breaks it"))
        );
    }

    #[test]
    fn compare_counts_a_command_refused_many_times_once() {
        let mut lab = Lab::new();
        for line in ["A add x", "A remove x", "A add x", "A remove x", "B add y"] {
            execute(&mut lab, line).expect("accepted on an OR-Set");
        }
        let table = compare_table(&lab.compare(), Look::default());
        let gset = table
            .lines()
            .find(|l| l.contains("G-Set"))
            .unwrap_or_default();
        assert!(gset.contains("A remove x (×2)"), "{table}");
        assert_eq!(counted(["a", "b", "a"].into_iter()), ["a (×2)", "b"]);
    }

    #[test]
    fn undo_and_redo_with_nothing_to_move_say_so_in_full() {
        let mut lab = Lab::new();
        for (line, said) in [("undo", "nothing to undo"), ("redo", "nothing to redo")] {
            let r = execute(&mut lab, line).expect("always accepted");
            assert_eq!(reply(&lab, &r, Style::Transcript), format!("  {said}"));
        }
    }

    #[test]
    fn a_delivery_says_what_it_changed_on_the_receiver() {
        let mut lab = Lab::new();
        for line in [
            "new orset A C",
            "C add milk",
            "sync",
            "C remove milk",
            "send C A",
        ] {
            execute(&mut lab, line).expect("accepted");
        }
        let view = lab.view();
        let sent = &view.wire[0];
        assert!(
            message(&view, sent).contains("tombstones {milk: {c1}}"),
            "the strip shows the tombstone the message carries: {}",
            message(&view, sent)
        );
        let r = execute(&mut lab, "deliver").expect("accepted");
        let text = reply(&lab, &r, Style::Transcript);
        assert!(
            text.contains("delivered #1 C → A: tombstones gained milk: c1; live lost milk: c1; milk gone from A"),
            "{text}"
        );
    }

    #[test]
    fn a_pipe_in_a_cell_does_not_add_a_column_and_each_lab_gets_its_table() {
        let mut lab = Lab::new();
        for line in [
            "new orset A B C",
            "A add x",
            "partition A B | C",
            "new gset P Q",
            "P add y",
        ] {
            execute(&mut lab, line).expect("accepted");
        }
        let md = markdown(&lab.table());
        let sections: Vec<&str> = md.split("**").collect();
        assert_eq!(sections[1], "OR-Set", "{md}");
        assert_eq!(sections[3], "G-Set", "{md}");
        for (body, replicas) in [(sections[2], 3), (sections[4], 2)] {
            let rows: Vec<&str> = body.lines().filter(|l| l.starts_with('|')).collect();
            assert!(rows.len() >= 3, "{body}");
            for row in rows {
                let columns = row.replace("\\|", "").matches('|').count() - 1;
                assert_eq!(columns, replicas + 2, "{row}");
            }
        }
        assert!(md.contains("partition A B \\| C"), "{md}");
        assert!(md.contains("Replica C (live / tombstones)"), "{md}");
    }

    #[test]
    fn help_fits_the_terminal_and_words_are_not_broken() {
        let usages = crate::script::command_table();
        let narrow = Look {
            width: Some(60),
            ascii: false,
        };
        let text = help(usages, narrow);
        let wide: Vec<&str> = text.lines().filter(|l| l.chars().count() > 60).collect();
        assert!(wide.is_empty(), "{wide:#?}");
        for word in ["partition", "back", "duplicate"] {
            assert!(text.contains(word), "{word} is whole in\n{text}");
        }
        let one = help(&usages[..1], narrow);
        assert!(one.lines().all(|l| l.chars().count() <= 60), "{one}");
    }

    #[test]
    fn ascii_tables_draw_with_ascii_only() {
        let mut lab = Lab::new();
        execute(&mut lab, "A add x").expect("accepted");
        let ascii = Look {
            width: None,
            ascii: true,
        };
        let table = state_table(&lab.view(), None, ascii);
        assert!(table.is_ascii(), "{table}");
        assert!(table.contains("| live "), "{table}");
        assert!(!state_table(&lab.view(), None, Look::default()).is_ascii());
    }

    #[test]
    fn prose_is_filled_again_and_list_items_hang() {
        let text =
            "A grow-only set never\nforgets.\n\n- one item that is long enough to wrap\n- two";
        assert_eq!(
            wrap_prose(text, Some(24)),
            "A grow-only set never\nforgets.\n\n- one item that is long\n  enough to wrap\n- two"
        );
        assert_eq!(wrap_prose(text, None), text, "no width, no change");
    }
}
