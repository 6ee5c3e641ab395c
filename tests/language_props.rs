//! Random lines never panic the parser or the lab, and a failed line never changes the lab.

use crdt_lab::crdt::Delta;
use crdt_lab::lab::Lab;
use crdt_lab::script::{Reply, command_words, execute};
use proptest::prelude::*;

/// Words from the grammar, replica names, elements, numbers, stamps and punctuation.
fn token() -> impl Strategy<Value = String> {
    let mut words: Vec<String> = command_words();
    let extra = [
        "A",
        "B",
        "C",
        "x",
        "y",
        "1",
        "-1",
        "@7",
        "@12:00:05",
        "@",
        "|",
        "{x}",
        "=",
        "A.live",
        "has",
        "lacks",
        "converged",
        "refused",
        "all",
        "0",
        "99999999999999999999",
        "orset",
        "2pset",
        "lww",
        "gset",
        "naive",
        "pnset",
        "orswot",
        "tiebreak",
        "clock",
        "wall",
        "lamport",
        "add-wins",
        "remove-wins",
        "+10",
        "ops",
        "state",
        "mistake",
        "reuse-tags",
        "merge-one-side",
        "none",
        "remove-unseen",
        "accept",
        "refuse",
        "true",
        "false",
        "as",
        "element",
        "optimised",
        "'",
        "\"",
        "#",
    ];
    words.extend(extra.iter().map(|s| s.to_string()));
    proptest::sample::select(words)
}

/// Lines that are mostly accepted: edits, merges, messages, links and options on three replicas.
fn command() -> impl Strategy<Value = String> {
    let r = || proptest::sample::select(vec!["A", "B", "C"]);
    let e = || proptest::sample::select(vec!["x", "y", "1"]);
    let fixed = proptest::sample::select(vec![
        "sync",
        "deliver",
        "deliver all",
        "duplicate 1",
        "heal",
        "gc",
        "partition A | B C",
        "option sync ops",
        "option sync state",
        "option mistake reuse-tags",
        "option mistake none",
        "option remove-unseen accept",
        "new orset A B C",
        "new orswot A B C",
        "new 2pset A B C",
        "new lww A B C",
        "new pnset A B C",
        "new naive A B C",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        3 => (r(), e()).prop_map(|(r, e)| format!("{r} add {e}")),
        2 => (r(), e()).prop_map(|(r, e)| format!("{r} remove {e}")),
        1 => (r(), e(), any::<bool>()).prop_map(|(r, e, b)| format!("{r} set {e} {b}")),
        1 => (r(), r()).prop_map(|(r, s)| format!("{r} merge {s}")),
        1 => (r(), r()).prop_map(|(r, s)| format!("sync {r} {s}")),
        2 => (r(), r()).prop_map(|(r, s)| format!("send {r} {s}")),
        1 => (r(), r()).prop_map(|(r, s)| format!("cut {r} {s}")),
        1 => (r(), r()).prop_map(|(r, s)| format!("link {r} {s}")),
        1 => r().prop_map(|r| format!("option tiebreak remove-wins {r}")),
        1 => r().prop_map(|r| format!("option mistake merge-one-side {r}")),
        2 => fixed,
    ]
}

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(token(), 0..7).prop_map(|w| w.join(" "))
}

/// File commands are left out: random lines must not write files into the work tree.
fn safe(line: &str) -> bool {
    !["save", "load", "export"].iter().any(|w| line.contains(w))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn token_soup_never_panics_and_failures_change_nothing(lines in proptest::collection::vec(soup(), 1..20)) {
        let mut lab = Lab::new();
        for line in lines.iter().filter(|l| safe(l)) {
            let before = (lab.view(), lab.position());
            if execute(&mut lab, line).is_err() && !line.contains("expect") {
                let refused_logged = lab.position() == before.1 + 1;
                prop_assert_eq!(lab.view().replicas, before.0.replicas, "{} changed the replicas", line);
                prop_assert!(lab.position() == before.1 || refused_logged);
            }
        }
    }

    /// Every accepted command's answer is true: it names exactly the replicas whose state
    /// changed, each with what changed (deliveries, relays, held ops and rules included).
    #[test]
    fn an_accepted_command_says_exactly_what_changed(lines in proptest::collection::vec(command(), 1..40)) {
        let mut lab = Lab::new();
        for line in &lines {
            let before = lab.view().replicas;
            let Ok(Reply::Changed { applied, .. }) = execute(&mut lab, line) else {
                continue;
            };
            if line.starts_with("new ") {
                continue; // a new lab replaces the replicas; it changes none of them
            }
            for (old, new) in before.iter().zip(lab.view().replicas) {
                let delta = Delta::between(&old.fields, &new.fields, &old.visible, &new.visible);
                let said = applied.delta(&new.name).cloned().unwrap_or_default();
                prop_assert_eq!(&said, &delta, "{} on {}", line, new.name);
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(line in "\\PC{0,80}") {
        if safe(&line) {
            let _ = execute(&mut Lab::new(), &line);
        }
    }
}
