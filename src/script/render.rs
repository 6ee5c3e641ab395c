//! The one text renderer: replies and failures as text for the line faces (the REPL, `play
//! --plain`, `run` transcripts and headless lessons), and the text exports. Tables are drawn
//! here, and only here, with comfy-table.

use super::{Expectation, Failure, Format, Motion, Moved, Reply, Usage};
use crate::crdt::Delta;
use crate::lab::{Applied, Command, Comparison, Lab, LabView, MessageView, WorkedTable};
use comfy_table::{Table, presets};

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

/// A reply as text (empty when there is nothing to say).
pub fn reply(lab: &Lab, reply: &Reply, style: Style) -> String {
    let text = match reply {
        Reply::Nothing => String::new(),
        Reply::Changed { command, applied } => return changed(lab, command, applied, style),
        Reply::Moved(moved) => {
            let said = motion(moved);
            match style {
                Style::Repl => format!("{said}\n{}", state_table(&lab.view(), None)),
                _ => said,
            }
        }
        Reply::State { view, only } => state_table(view, only.as_deref()),
        Reply::Message(m) => message(m),
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
        Reply::Compare(rows) => compare_table(rows),
        Reply::Help(usages) => help(usages),
        Reply::Saved { path, commands } => format!("saved {commands} commands to {path}"),
        Reply::Loaded { path, commands } => format!("loaded {path}: {commands} commands"),
        Reply::Exported {
            format,
            path: Some(path),
            ..
        } => format!("exported {} to {path}", format_name(*format)),
        Reply::Exported { text, .. } => text.trim_end().to_string(),
        Reply::Passed {
            expectation,
            refusal,
        } => match refusal {
            Some(rule) => format!("ok: {}: {rule}", expectation_text(expectation)),
            None => format!("ok: {}", expectation_text(expectation)),
        },
    };
    match style {
        Style::Repl => text,
        _ => indent(&text),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Markdown => "the worked table",
        Format::Json => "the lab as JSON",
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
fn changed(lab: &Lab, command: &Command, applied: &Applied, style: Style) -> String {
    let mut lines = vec![];
    match style {
        Style::Repl => lines.push(state_table(&lab.view(), None)),
        Style::Transcript if !applied.changes.is_empty() || command.is_new() => {
            lines.push(format!("  {}", lab.world().visible_states().join("   ")))
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
            .flat_map(|v| &v.wire)
            .find(|m| m.number == sent.number);
        lines.push(match m {
            Some(m) => format!("{pad}{}", message(m)),
            None => format!("{pad}sent #{} {} → {}", sent.number, sent.from, sent.to),
        });
    }
    for d in &applied.deliveries {
        let what = match d.delta.is_empty() {
            true => format!("nothing new for {}", d.to),
            false => delta(&d.to, &d.delta),
        };
        lines.push(format!(
            "{pad}delivered #{} {} → {}: {what}",
            d.number, d.from, d.to
        ));
    }
    lines.join("\n")
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

/// A message in flight: `#1 A → B carrying {x}: live {x: {a1}}, tombstones {} (54 bytes)`.
pub fn message(m: &MessageView) -> String {
    let fields: Vec<String> = m
        .payload
        .iter()
        .map(|f| format!("{} {}", f.name, f.value))
        .collect();
    let held = if m.deliverable {
        ""
    } else {
        ", held by the partition"
    };
    format!(
        "in flight #{} {} → {} carrying {}: {} ({} bytes{held})",
        m.number,
        m.from,
        m.to,
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
    }
}

/// A failure as a transcript line.
pub fn failure(failure: &Failure) -> String {
    format!("  error: {failure}")
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn table(style: &str) -> Table {
    let mut t = Table::new();
    t.load_preset(style);
    t
}

/// Every field of each replica (or one), as a table: a column per replica, a row per field.
pub fn state_table(view: &LabView, only: Option<&str>) -> String {
    let shown: Vec<_> = view
        .replicas
        .iter()
        .filter(|r| only.is_none_or(|n| r.name == n))
        .collect();
    let mut t = table(presets::UTF8_FULL_CONDENSED);
    let mut header = vec![view.title.to_string()];
    header.extend(shown.iter().map(|r| r.name.clone()));
    t.set_header(header);
    let mut value = vec!["value".to_string()];
    value.extend(shown.iter().map(|r| r.visible.to_string()));
    t.add_row(value);
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
        t.add_row(row);
    }
    let mut out = t.to_string();
    out.push_str(&network_line(view));
    out
}

/// The partition and the messages in flight, one line each (nothing when the network is quiet).
pub fn network_line(view: &LabView) -> String {
    let mut out = String::new();
    if !view.groups.is_empty() {
        let sides: Vec<String> = view.groups.iter().map(|g| g.join(" ")).collect();
        out.push_str(&format!("\npartition: {}", sides.join(" | ")));
    }
    for m in &view.wire {
        out.push('\n');
        out.push_str(&message(m));
    }
    out
}

/// `compare`: every set type's final elements for the same history.
pub fn compare_table(rows: &[Comparison]) -> String {
    let mut t = table(presets::UTF8_FULL_CONDENSED);
    let mut header = vec!["type".to_string()];
    header.extend(
        rows.first()
            .into_iter()
            .flat_map(|c| c.finals.iter().map(|(n, _)| n.clone())),
    );
    header.extend(["metadata".to_string(), "refused".to_string()]);
    t.set_header(header);
    for c in rows {
        let mut row = vec![c.title.to_string()];
        row.extend(c.finals.iter().map(|(_, v)| v.to_string()));
        row.push(c.meta_size.to_string());
        let refused = counted(c.refused.iter().map(|(cmd, _)| cmd.as_str()));
        row.push(if refused.is_empty() {
            "-".into()
        } else {
            refused.join("; ")
        });
        t.add_row(row);
    }
    t.to_string()
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
pub fn help(usages: &[Usage]) -> String {
    if let [one] = usages {
        return format!("{}\n  {}", one.usage, one.about);
    }
    let mut t = table(presets::NOTHING);
    for u in usages {
        t.add_row(vec![u.usage.clone(), u.about.clone()]);
    }
    format!("{t}\nA # starts a comment. help <command> says more about one.")
}

/// The worked tables as Markdown, one per lab: `Step | Replica A (...) | ... | what happened`.
pub fn markdown(tables: &[WorkedTable]) -> String {
    let mut out = String::new();
    for w in tables {
        let mut t = table(presets::ASCII_MARKDOWN);
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

/// A Markdown table cell: a `|` inside it is escaped, so it does not start another column.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `crdt-lab lessons`: number, name, title, steps and questions of each lesson.
pub fn lessons(rows: &[(String, String, usize, usize)]) -> String {
    let mut t = table(presets::NOTHING);
    t.set_header(vec!["#", "name", "title", "steps", "questions"]);
    for (k, (name, title, steps, questions)) in rows.iter().enumerate() {
        t.add_row(vec![
            (k + 1).to_string(),
            name.clone(),
            title.clone(),
            steps.to_string(),
            questions.to_string(),
        ]);
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::execute;

    #[test]
    fn compare_counts_a_command_refused_many_times_once() {
        let mut lab = Lab::new();
        for line in ["A add x", "A remove x", "A add x", "A remove x", "B add y"] {
            execute(&mut lab, line).expect("accepted on an OR-Set");
        }
        let table = compare_table(&lab.compare());
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
        let sent = lab.view().wire[0].clone();
        assert!(
            message(&sent).contains("tombstones {milk: {c1}}"),
            "the strip shows the tombstone the message carries: {}",
            message(&sent)
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
}
