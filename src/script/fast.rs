//! The short way through the grammar for the lines a long script is made of (`A add x`,
//! `A remove x`, `A merge B`, `sync`, `sync A B`): plain words read without clap, giving exactly
//! the action clap gives (a property test compares the two). Any other line takes the long way.

use super::grammar::{Action, SUBJECT_VERBS, is_command_word};
use crate::crdt::{Edit, Elem};
use crate::lab::Command;

/// The action of a plain common line, or `None` when the line must go through clap.
pub(super) fn parse(line: &str) -> Option<Action> {
    if !line.bytes().all(plain) {
        return None;
    }
    let mut words = line.split([' ', '\t']).filter(|w| !w.is_empty());
    let (first, second, third) = (words.next()?, words.next(), words.next());
    if words.next().is_some() {
        return None;
    }
    let command = match (first, second, third) {
        ("sync", None, None) => Command::Sync(None),
        ("sync", Some(a), Some(b)) => Command::Sync(Some((a.to_string(), b.to_string()))),
        (subject, Some(verb), Some(object))
            if SUBJECT_VERBS.contains(&verb) && !is_command_word(subject) =>
        {
            let replica = subject.to_string();
            match verb {
                "add" => Command::Edit {
                    replica,
                    edit: Edit::Add(Elem::parse(object)),
                    at: None,
                },
                "remove" => Command::Edit {
                    replica,
                    edit: Edit::Remove(Elem::parse(object)),
                    at: None,
                },
                "merge" => Command::Merge {
                    into: replica,
                    from: object.to_string(),
                },
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Action::Change(command))
}

/// A byte the short way reads as clap's way would: a printable ASCII character other than
/// quotes, a backslash and `#` (which start quoting, escapes and comments), or a space or tab.
fn plain(b: u8) -> bool {
    matches!(b, b' ' | b'\t') || (b.is_ascii_graphic() && !matches!(b, b'\'' | b'"' | b'\\' | b'#'))
}

#[cfg(test)]
mod tests {
    use super::super::grammar;
    use proptest::prelude::*;

    /// Words the property mixes: replica names, every verb, command words, numbers, dashes,
    /// stamps and odd characters.
    const WORDS: &[&str] = &[
        "A", "B", "alice", "sync", "add", "remove", "merge", "set", "skew", "new", "show", "help",
        "Sync", "ADD", "x", "e12", "7", "-3", "007", "--", "-x", "@7", "a.b", "x|y", "undo",
        "expect", "#1", "'q'", "\\", "é", "1e3", "true",
    ];

    fn line() -> impl Strategy<Value = String> {
        let word = proptest::sample::select(WORDS);
        let space = proptest::sample::select(&[" ", "  ", "\t", " \t "][..]);
        proptest::collection::vec((word, space), 0..5).prop_map(|parts| {
            parts
                .iter()
                .map(|(w, s)| format!("{w}{s}"))
                .collect::<String>()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whenever the short way reads a line, clap reads it to exactly the same action.
        #[test]
        fn the_short_way_reads_every_line_it_takes_as_clap_does(line in line()) {
            if let Some(fast) = super::parse(&line) {
                let slow = grammar::parse_with_clap(&line);
                prop_assert_eq!(slow, Ok(Some(fast)), "{:?}", line);
            }
        }
    }

    /// The short way takes the common lines (else it would save nothing).
    #[test]
    fn the_common_lines_take_the_short_way() {
        for line in [
            "A add x",
            "B remove 7",
            "C merge D",
            "sync",
            "sync A B",
            " A  add\tx ",
        ] {
            assert!(super::parse(line).is_some(), "{line}");
        }
        for line in [
            "A add x @7",
            "add A x",
            "new merge x",
            "A add 'x y'",
            "A add x # c",
        ] {
            assert!(super::parse(line).is_none(), "{line}");
        }
    }
}
