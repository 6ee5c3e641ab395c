//! `explore` and `stats` in words: the distinct outcomes of every delivery order, each with a
//! schedule, and what the lab costs, per replica (with a sparkline of its metadata) and per message.

use crate::lab::{Exploration, Stats};

/// `explore`'s answer: how many outcomes, the states visited, and each outcome with a schedule.
pub fn explored_text(found: &Exploration) -> String {
    let faults = match (found.faults.drops, found.faults.duplicates) {
        (false, false) => "",
        (true, false) => " (messages may be lost)",
        (false, true) => " (messages may arrive twice)",
        (true, true) => " (messages may be lost or arrive twice)",
    };
    let n = found.endings.len();
    let mut out = vec![format!(
        "{} in flight{faults}: {n} distinct outcome{} ({} states visited; {} without merging identical states)",
        plural(found.in_flight, "message"),
        if n == 1 { "" } else { "s" },
        found.visited,
        found.unmerged
    )];
    for (k, ending) in found.endings.iter().enumerate() {
        let states: Vec<String> = ending
            .states
            .iter()
            .map(|(r, v)| format!("{r} = {v}"))
            .collect();
        let schedule: Vec<String> = ending.schedule.iter().map(|c| c.to_string()).collect();
        let mut said = format!("  {}. {}", k + 1, states.join("   "));
        if !ending.converged {
            said.push_str("   (diverged)");
        }
        if !ending.stuck.is_empty() {
            let stuck: Vec<String> = ending.stuck.iter().map(|n| format!("#{n}")).collect();
            said.push_str(&format!("   ({} stuck on a cut link)", stuck.join(" ")));
        }
        out.push(said);
        out.push(format!("     by: {}", schedule.join(", ")));
    }
    if found.endings.iter().any(|e| !e.schedule.is_empty()) {
        out.push("  (explore --replay <k> runs outcome k's schedule)".into());
    }
    out.join("\n")
}

/// `stats` as text: a row per replica, then the messages sent.
pub fn stats_text(stats: &Stats) -> String {
    let mut out = vec![format!(
        "{} ({}): live entries against the metadata stored, and the state's size as JSON",
        stats.kind,
        if stats.sync == "ops" {
            "op-based sync"
        } else {
            "state sync"
        }
    )];
    let width = stats
        .replicas
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let spark = crate::lab::HISTORY_POINTS;
    out.push(format!(
        "  {:<width$}  {:>4}  {:>8}  {:>6}  {:<spark$}  stored",
        "replica", "live", "metadata", "bytes", "metadata so far"
    ));
    for r in &stats.replicas {
        let pieces: Vec<String> = r.pieces.iter().map(|(k, n)| format!("{k} {n}")).collect();
        out.push(format!(
            "  {:<width$}  {:>4}  {:>8}  {:>6}  {:<spark$}  {}",
            r.name,
            r.live,
            r.metadata,
            r.bytes,
            sparkline(&r.history),
            pieces.join(", ")
        ));
    }
    match stats.sent.is_empty() {
        true => out.push("  no message sent yet (send A B puts one on the wire)".into()),
        false => {
            out.push(format!("  {} sent:", plural(stats.sent.len(), "message")));
            for m in &stats.sent {
                let what = match m.ops {
                    None => "a whole state".to_string(),
                    Some(n) => plural(n, "op"),
                };
                out.push(format!(
                    "    #{} {} → {}: {what}, {} bytes",
                    m.number, m.from, m.to, m.bytes
                ));
            }
        }
    }
    out.join("\n")
}

/// Numbers as a line of block characters, the highest as a full block (all low when all 0).
pub fn sparkline(points: &[usize]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let top = points.iter().copied().max().unwrap_or(0).max(1);
    points
        .iter()
        .map(|&p| BARS[p * (BARS.len() - 1) / top])
        .collect()
}

pub fn plural(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        _ => format!("{n} {word}s"),
    }
}
