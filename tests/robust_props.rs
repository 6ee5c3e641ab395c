//! The families behind "Nothing lost, nothing injected", checked on arbitrary input at 10,000
//! cases each: a saved session comes back exactly, `expect R = S` passes exactly when the
//! element sets are equal, and no face shows a raw control character from what it was given.

use crdt_lab::lab::Lab;
use crdt_lab::lesson;
use crdt_lab::script::render::{self, Style};
use crdt_lab::script::{RunOptions, execute, line, literal, load_text, run_text, save_text};
use proptest::prelude::*;

const CASES: u32 = 10_000;

/// Short text, mostly of the characters that break quoting, sets, comments and terminals.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        'a', 'B', 'x', '1', '0', '-', ' ', ',', '{', '}', ':', '\'', '"', '\\', '#', '|', '@', '=',
        '.', '$', '`', '\0', '\x1b', '\n', '\t', '\r', '\u{7f}', '\u{9b}', '\u{202e}', '\u{200b}',
        'é', '✓',
    ]);
    let one = prop_oneof![6 => tricky, 1 => any::<char>()];
    prop::collection::vec(one, 0..7).prop_map(|chars| chars.into_iter().collect())
}

/// A word quoted the way a shell user would, independently of the crate's own quoting.
fn q(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\"'\"'"))
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec!["A", "B", "C", "alice", "new", "sync"]).prop_map(String::from),
        1 => text(),
    ]
}

/// A name for a partition, which the grammar reads as words between `|`.
fn side_name() -> impl Strategy<Value = String> {
    name().prop_filter("a word of its own", |n| {
        !n.is_empty() && !n.contains(|c: char| c.is_whitespace() || c == '|')
    })
}

/// A line a user could type: every command, with arbitrary names, elements and titles.
fn session_line() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(vec![
        "naive", "gset", "2pset", "lww", "orset", "orswot", "pnset",
    ]);
    let stamp = prop_oneof![
        Just(String::new()),
        any::<u64>().prop_map(|t| format!(" @{t}")),
        (0u64..200, 0u64..60, 0u64..60).prop_map(|(h, m, s)| format!(" @{h}:{m:02}:{s:02}")),
    ];
    prop_oneof![
        6 => (name(), text(), stamp.clone()).prop_map(|(r, e, at)| format!("{} add {}{at}", q(&r), q(&e))),
        3 => (name(), text(), stamp).prop_map(|(r, e, at)| format!("{} remove {}{at}", q(&r), q(&e))),
        2 => (name(), name()).prop_map(|(a, b)| format!("{} merge {}", q(&a), q(&b))),
        1 => Just("sync".to_string()),
        1 => (name(), name()).prop_map(|(a, b)| format!("sync {} {}", q(&a), q(&b))),
        1 => (name(), name()).prop_map(|(a, b)| format!("send {} {}", q(&a), q(&b))),
        1 => prop::sample::select(vec!["deliver", "deliver 1", "deliver all", "duplicate 2", "heal", "undo", "redo", "option tiebreak remove-wins", "option clock wall"]).prop_map(String::from),
        1 => prop::collection::vec(prop::collection::vec(side_name(), 1..3), 2..4).prop_map(|sides| {
            let sides: Vec<String> = sides.iter().map(|s| s.iter().map(|n| q(n)).collect::<Vec<_>>().join(" ")).collect();
            format!("partition {}", sides.join(" | "))
        }),
        1 => (name(), any::<i64>()).prop_map(|(r, s)| format!("{} skew {s:+}", q(&r))),
        1 => any::<u64>().prop_map(|n| format!("tick {n}")),
        1 => (0u64..100, 0u64..60, 0u64..60).prop_map(|(h, m, s)| format!("time {h}:{m:02}:{s:02}")),
        1 => (kind, prop::collection::vec(name(), 1..4)).prop_map(|(k, names)| {
            let names: Vec<String> = names.iter().map(|n| q(n)).collect();
            format!("new {k} {}", names.join(" "))
        }),
        1 => text().prop_map(|t| format!("step {}", q(&t))),
    ]
}

fn session(lines: &[String]) -> Lab {
    let mut lab = Lab::new();
    for line in lines {
        let _ = execute(&mut lab, line);
    }
    lab
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// `load(save(lab))` has the same log (every command, accepted or refused), position and state.
    #[test]
    fn a_saved_session_comes_back_exactly(lines in prop::collection::vec(session_line(), 0..12)) {
        let lab = session(&lines);
        let text = save_text(&lab).expect("saved");
        let back = load_text(&text, "f").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let log = |lab: &Lab| -> Vec<_> {
            lab.log().iter().map(|e| (e.command.clone(), line(&e.command), e.refused.is_some())).collect()
        };
        prop_assert_eq!(log(&lab), log(&back));
        prop_assert_eq!(lab.position(), back.position());
        prop_assert_eq!(lab.view(), back.view());
    }

    /// `expect A = S` passes exactly when A's elements and S's are the same set, whatever the
    /// elements hold, written with the crate's quoting or a shell user's.
    #[test]
    fn an_expected_set_passes_exactly_when_the_sets_are_equal(
        held in prop::collection::vec(text(), 0..5),
        other in prop::collection::vec(text(), 0..5),
        take_other in any::<bool>(),
        ours in any::<bool>(),
    ) {
        let mut lab = Lab::new();
        for e in &held {
            execute(&mut lab, &format!("A add {}", q(e))).expect("accepted");
        }
        let expected = if take_other { other.clone() } else { held.iter().rev().cloned().collect() };
        let literal = match ours {
            true => literal::set(&expected),
            false => format!("{{{}}}", expected.iter().map(|e| q(e)).collect::<Vec<_>>().join(", ")),
        };
        let elems = |v: &[String]| -> std::collections::BTreeSet<crdt_lab::crdt::Elem> {
            v.iter().map(|e| crdt_lab::crdt::Elem::parse(e)).collect()
        };
        let passed = execute(&mut lab, &format!("expect A = {literal}")).is_ok();
        prop_assert_eq!(passed, elems(&held) == elems(&expected), "expect A = {}", literal);
    }

    /// No face prints a raw control character it was given: the REPL's and the transcripts'
    /// renderings, failures, exports, `run`, a lesson played headless and in `--plain`.
    #[test]
    fn no_face_shows_a_raw_control_character(
        lines in prop::collection::vec(session_line(), 1..6),
        element in text(),
        title in text(),
        prose in text(),
    ) {
        let mut lab = Lab::new();
        let mut shown = vec![];
        let queries = [
            format!("A add {}", q(&element)),
            "show".to_string(),
            format!("explain {}", q(&element)),
            format!("lookup {}", q(&element)),
            "compare".to_string(),
            "export md".to_string(),
            "export json".to_string(),
            format!("expect A = {{{}}}", q(&element)),
            format!("{} frobnicate", q(&element)),
        ];
        for line in lines.iter().chain(&queries) {
            match execute(&mut lab, line) {
                Ok(reply) => {
                    shown.push(render::reply(&lab, &reply, Style::Repl));
                    shown.push(render::reply(&lab, &reply, Style::Transcript));
                }
                Err(failure) => shown.push(render::failure(&failure)),
            }
        }
        let script = [lines.join("\n"), queries.join("\n")].join("\n");
        let mut out = vec![];
        if let Err(e) = run_text("s.crdt", &script, &mut Lab::new(), RunOptions::default(), &mut out) {
            shown.push(e.to_string());
        }
        shown.push(String::from_utf8_lossy(&out).into_owned());

        let md = format!("# {title}\n\n{prose}\n\n## {title}\n\n{prose}\n\n```crdt\nA add {}\n```\n", q(&element));
        if let Ok(lesson) = lesson::parse("l.md", &md) {
            let mut out = vec![];
            let _ = lesson::play_headless(&lesson, RunOptions::default(), &mut out);
            shown.push(String::from_utf8_lossy(&out).into_owned());
            let mut out = vec![];
            let input = format!("\nA add {}\nshow\nb\nq\n", q(&element));
            let options = crdt_lab::plain::Options { verbose: true, ..Default::default() };
            crdt_lab::plain::play(lesson, input.as_bytes(), &mut out, options);
            shown.push(String::from_utf8_lossy(&out).into_owned());
        }
        for text in &shown {
            let raw: Vec<char> = text.chars().filter(|&c| raw_control(c)).collect();
            prop_assert!(raw.is_empty(), "{:?} in {:?}", raw, text);
        }
    }
}

fn raw_control(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}
