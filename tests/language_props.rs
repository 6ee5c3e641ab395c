//! Random lines never panic the parser or the lab, and a failed line never changes the lab.

use crdt_lab::lab::Lab;
use crdt_lab::script::{command_words, execute};
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
        "'",
        "\"",
        "#",
    ];
    words.extend(extra.iter().map(|s| s.to_string()));
    proptest::sample::select(words)
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

    #[test]
    fn arbitrary_text_never_panics(line in "\\PC{0,80}") {
        if safe(&line) {
            let _ = execute(&mut Lab::new(), &line);
        }
    }
}
