//! Help while typing a line, for every interactive face (the REPL and the TUI's command line):
//! completion of commands, replicas, elements, set types and option values by where the cursor
//! is, the usage of the command being typed, `a x` on the focused replica, and the quit words.

use super::grammar::{
    FORMATS, OPTIONS, PER_REPLICA, SUBJECT_VERBS, command_words, is_command_word, usage_of,
};
use crate::crdt::{Edit, Kind};
use crate::lab::{Command, Lab};

/// What Tab offers: the word to replace (from byte `start` to the cursor) and what fits there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<String>,
}

/// The words that fit where the cursor is (byte `pos` of `line`), starting like the word there.
pub fn complete(lab: &Lab, line: &str, pos: usize) -> Completion {
    let pos = floor_char(line, pos.min(line.len()));
    let head = &line[..pos];
    let start = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let prefix = &head[start..];
    let before: Vec<&str> = head[..start].split_whitespace().collect();
    let mut candidates: Vec<String> = context(lab, &before)
        .into_iter()
        .filter(|w| w.starts_with(prefix))
        .collect();
    candidates.sort();
    candidates.dedup();
    Completion { start, candidates }
}

fn floor_char(line: &str, mut pos: usize) -> usize {
    while !line.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// What may come after `before`.
fn context(lab: &Lab, before: &[&str]) -> Vec<String> {
    let replicas = || lab.world().names();
    let (verb, args) = match before {
        [] => return [command_words(), replicas()].concat(),
        [subject] if !is_command_word(subject) => return words(SUBJECT_VERBS),
        [subject, verb, rest @ ..] if !is_command_word(subject) => (*verb, rest.len() + 1),
        [verb, rest @ ..] => (*verb, rest.len()),
    };
    match (verb, args) {
        ("new", 0) => Kind::ALL.iter().map(|k| k.word().to_string()).collect(),
        ("add" | "remove" | "set", 0) | ("lookup" | "explain", 1) => replicas(),
        ("add" | "remove" | "set", 1) | ("lookup" | "explain", 0) => elements(lab),
        ("set", 2) => words(&["true", "false"]),
        ("show", 0) => [replicas(), words(&["as"])].concat(),
        ("show", _) if before.last() == Some(&"as") => layouts(lab),
        ("show", 1) => words(&["as"]),
        ("merge" | "sync" | "send" | "partition" | "skew" | "cut" | "link", _) => replicas(),
        ("deliver", 0) => [vec!["all".to_string()], messages(lab)].concat(),
        ("duplicate", 0) => messages(lab),
        ("option", 0) => OPTIONS.iter().map(|(n, _)| n.to_string()).collect(),
        ("option", 1) => option_values(before.last().copied().unwrap_or("")),
        ("option", _) if before.get(1).is_some_and(|n| PER_REPLICA.contains(n)) => replicas(),
        ("export", 0) => words(FORMATS),
        ("help", 0) => command_words(),
        ("expect", 0) => [words(&["converged", "diverged", "refused"]), replicas()].concat(),
        ("expect", 1) if before.last() == Some(&"refused") => command_words(),
        ("expect", 1) => words(&["has", "lacks", "="]),
        ("expect", 2) => elements(lab),
        _ => vec![],
    }
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| w.to_string()).collect()
}

fn option_values(name: &str) -> Vec<String> {
    let values = OPTIONS.iter().find(|(n, _)| *n == name);
    values.map(|(_, v)| words(v)).unwrap_or_default()
}

/// The layouts the lab's type can be shown in.
fn layouts(lab: &Lab) -> Vec<String> {
    let first = lab.world().replicas.first();
    first.map(|r| words(r.set.layouts())).unwrap_or_default()
}

/// The elements named in the history so far.
fn elements(lab: &Lab) -> Vec<String> {
    lab.history()
        .iter()
        .filter_map(|entry| match &entry.command {
            Command::Edit {
                edit: Edit::Add(e) | Edit::Remove(e),
                ..
            }
            | Command::Set { elem: e, .. } => Some(e.to_string()),
            _ => None,
        })
        .collect()
}

/// The numbers of the messages in flight.
fn messages(lab: &Lab) -> Vec<String> {
    let wire = &lab.world().wire;
    wire.iter().map(|m| m.number.to_string()).collect()
}

/// The usage of the command being typed (the first of its first two words that is a command):
/// `A merge ` hints `<R> merge <S>`.
pub fn hint(line: &str) -> Option<&'static str> {
    line.split_whitespace().take(2).find_map(usage_of)
}

/// `a x` and `r x` act on the focused replica: they become `<R> add x` and `<R> remove x`.
pub fn expand_focus(line: &str, replica: &str) -> String {
    let trimmed = line.trim_start();
    let verb = match trimmed.split_whitespace().next() {
        Some("a") => "add",
        Some("r") => "remove",
        _ => return line.to_string(),
    };
    let rest = trimmed[1..].trim_start();
    let first = rest.split_whitespace().next();
    if rest.is_empty() || first.is_some_and(|w| SUBJECT_VERBS.contains(&w)) {
        return line.to_string();
    }
    format!("{replica} {verb} {rest}")
}

/// Does this line ask to leave (`q`, `quit`, `exit`)?
pub fn is_quit(line: &str) -> bool {
    matches!(line.trim(), "q" | "quit" | "exit")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::execute;

    fn lab(lines: &[&str]) -> Lab {
        let mut lab = Lab::new();
        for line in lines {
            execute(&mut lab, line).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
        lab
    }

    fn tab(lab: &Lab, line: &str) -> Vec<String> {
        complete(lab, line, line.len()).candidates
    }

    #[test]
    fn completion_follows_the_words_before_the_cursor() {
        let lab = lab(&["A add apple", "send A B"]);
        assert_eq!(tab(&lab, "A me"), ["merge"]);
        assert_eq!(tab(&lab, "A add a"), ["apple"]);
        assert_eq!(tab(&lab, "new o"), ["orset", "orswot"]);
        assert_eq!(
            tab(&lab, "option "),
            ["clock", "mistake", "remove-unseen", "sync", "tiebreak"]
        );
        assert_eq!(tab(&lab, "option tiebreak "), ["add-wins", "remove-wins"]);
        assert_eq!(tab(&lab, "option tiebreak remove-wins "), ["A", "B"]);
        assert_eq!(tab(&lab, "option sync ops "), Vec::<String>::new());
        assert_eq!(
            tab(&lab, "option mistake "),
            ["merge-one-side", "none", "reuse-tags"]
        );
        assert_eq!(tab(&lab, "cut A "), ["A", "B"]);
        assert_eq!(tab(&lab, "A set a"), ["apple"]);
        assert_eq!(tab(&lab, "A set apple "), ["false", "true"]);
        assert_eq!(tab(&lab, "show A "), ["as"]);
        assert_eq!(tab(&lab, "show A as "), ["boolean", "element", "separate"]);
        assert_eq!(tab(&lab, "deliver "), ["1", "all"]);
        assert_eq!(tab(&lab, "export "), ["json", "md", "svg", "timeline"]);
        assert_eq!(tab(&lab, "B merge "), ["A", "B"]);
        assert!(tab(&lab, "re").contains(&"redo".to_string()));
        assert_eq!(complete(&lab, "A add a", 7).start, 6);
    }

    #[test]
    fn the_hint_is_the_usage_of_the_verb_being_typed() {
        assert_eq!(hint("A merge "), Some("<R> merge <S>"));
        assert_eq!(hint("partition A"), Some("partition <R>... | <S>..."));
        assert_eq!(hint("A"), None);
    }

    #[test]
    fn a_and_r_act_on_the_focused_replica_and_quit_words_are_known() {
        assert_eq!(expand_focus("a x", "B"), "B add x");
        assert_eq!(expand_focus("r 'two words'", "A"), "A remove 'two words'");
        assert_eq!(expand_focus("a", "A"), "a");
        assert_eq!(expand_focus("a add x", "A"), "a add x");
        assert_eq!(expand_focus("A add x", "B"), "A add x");
        assert!(is_quit(" quit ") && is_quit("q") && !is_quit("q x"));
    }
}
