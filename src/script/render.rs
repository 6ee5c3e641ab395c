//! Text renderings shared by the line faces and exports: state tables, compare, help, worked tables.

use super::{Failure, Reply, command_table};
use crate::crdt::Elem;
use crate::lab::{Comparison, Lab, LabView, Row};
use comfy_table::{Table, presets};

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
        let held = if m.deliverable {
            ""
        } else {
            " (held by the partition)"
        };
        out.push_str(&format!(
            "\nin flight {}: {} → {} carrying {}{held}",
            m.number, m.from, m.to, m.carries
        ));
    }
    out
}

/// `lookup x`: true or false per replica.
pub fn lookup(lab: &Lab, elem: &Elem, only: Option<&str>) -> String {
    let answers = each(lab, only, |r| {
        format!("{}: {}", r.name, r.set.contains(elem))
    });
    answers.join("   ")
}

/// `explain x`: the core's sentence per replica.
pub fn explain(lab: &Lab, elem: &Elem, only: Option<&str>) -> String {
    each(lab, only, |r| {
        format!("on {}, {}", r.name, r.set.explain(elem))
    })
    .join("\n")
}

fn each(lab: &Lab, only: Option<&str>, f: impl Fn(&crate::lab::Replica) -> String) -> Vec<String> {
    let replicas = lab.world().replicas.iter();
    replicas
        .filter(|r| only.is_none_or(|n| &*r.name == n))
        .map(f)
        .collect()
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
fn counted<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
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

/// `help` lists the commands; `help <command>` explains one.
pub fn help(command: Option<&str>) -> Result<String, String> {
    let rows = command_table();
    let Some(word) = command else {
        let mut t = table(presets::NOTHING);
        for (_, usage, about) in &rows {
            t.add_row(vec![usage.clone(), about.clone()]);
        }
        return Ok(format!(
            "{t}\nA # starts a comment. help <command> says more about one."
        ));
    };
    match rows.iter().find(|(name, _, _)| name == word) {
        Some((_, usage, about)) => Ok(format!("{usage}\n  {about}")),
        None => {
            let names = rows.iter().map(|(n, _, _)| n.as_str());
            let hint = super::closest(word, names)
                .map(|w| format!("; did you mean {w}?"))
                .unwrap_or_default();
            Err(format!("no command '{word}'{hint}"))
        }
    }
}

/// The history as a Markdown worked table: `Step | Replica A | Replica B | what happened`.
pub fn markdown(lab: &Lab) -> String {
    let world = lab.world();
    let labels = world.cell_labels();
    let mut t = table(presets::ASCII_MARKDOWN);
    let mut header = vec!["Step".to_string()];
    header.extend(
        world
            .replicas
            .iter()
            .map(|r| format!("Replica {} ({labels})", r.name)),
    );
    header.push("what happened".into());
    t.set_header(header);
    for Row {
        step,
        cells,
        happened,
    } in lab.table()
    {
        let mut row = vec![step];
        row.extend(cells);
        row.push(happened);
        t.add_row(row);
    }
    let title = format!(
        "**{}**, replicas {}\n\n",
        world.kind.title(),
        world.names().join(", ")
    );
    title + &t.to_string() + "\n"
}

/// One reply as transcript lines (for `run` and the plain faces).
pub fn transcript(lab: &Lab, reply: &Reply) -> String {
    match reply {
        Reply::Nothing => String::new(),
        Reply::Changed { applied, .. } => {
            let states = lab.world().visible_states();
            let mut lines = vec![];
            if !applied.changed.is_empty() {
                lines.push(format!("  {}", states.join("   ")));
            }
            lines.extend(applied.note.iter().map(|note| format!("  note: {note}")));
            lines.join("\n")
        }
        Reply::Moved(what) => format!("  {what}"),
        Reply::Text(text) => indent(text),
        Reply::Passed(what) => format!("  ok: {what}"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_counts_a_command_refused_many_times_once() {
        let mut lab = Lab::new();
        for line in ["A add x", "A remove x", "A add x", "A remove x", "B add y"] {
            crate::script::execute(&mut lab, line).expect("accepted on an OR-Set");
        }
        let table = compare_table(&lab.compare());
        let gset = table
            .lines()
            .find(|l| l.contains("G-Set"))
            .unwrap_or_default();
        assert!(gset.contains("A remove x (×2)"), "{table}");
        assert_eq!(counted(["a", "b", "a"].into_iter()), ["a (×2)", "b"]);
    }
}
