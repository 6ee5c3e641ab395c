//! The seed worked tables as `.crdt` scripts: each runs with its expectations, its transcript is
//! a snapshot, and its Markdown export matches the seed table's cells.

use crdt_lab::lab::Lab;
use crdt_lab::script::{RunOptions, execute, run_text};
use std::path::Path;

fn run(name: &str) -> (Lab, String) {
    let path = Path::new("tests/scripts").join(name);
    let text = std::fs::read_to_string(&path).expect("the script exists");
    let (mut lab, mut out) = (Lab::new(), Vec::new());
    let result = run_text(name, &text, &mut lab, RunOptions::default(), &mut out);
    if let Err(e) = result {
        panic!("{e}");
    }
    (lab, String::from_utf8(out).expect("utf-8 transcript"))
}

#[test]
fn every_script_passes_and_its_transcript_is_stable() {
    let mut names: Vec<String> = std::fs::read_dir("tests/scripts")
        .expect("tests/scripts exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".crdt"))
        .collect();
    names.sort();
    assert!(names.len() >= 33, "the seed tables are all here: {names:?}");
    for name in names {
        let (_, transcript) = run(&name);
        insta::assert_snapshot!(name.trim_end_matches(".crdt"), transcript);
    }
}

/// The cells of the export row whose step is `step`, without white space.
fn row(lab: &mut Lab, step: &str) -> Vec<String> {
    let md = match execute(lab, "export md") {
        Ok(crdt_lab::script::Reply::Exported {
            text: Some(text), ..
        }) => text,
        other => panic!("export md gave {other:?}"),
    };
    let line = md
        .lines()
        .find(|l| l.split('|').nth(1).is_some_and(|c| c.trim() == step))
        .unwrap_or_else(|| panic!("no row '{step}' in\n{md}"));
    let cells: Vec<&str> = line.split('|').collect();
    cells[2..cells.len() - 2]
        .iter()
        .map(|c| c.split_whitespace().collect())
        .collect()
}

fn cells(seed: &[&str]) -> Vec<String> {
    seed.iter()
        .map(|c| c.split_whitespace().collect())
        .collect()
}

#[test]
fn gset_export_matches_the_seed_table() {
    let (mut lab, _) = run("gset-apple-banana.crdt");
    assert_eq!(row(&mut lab, "start"), cells(&["{}", "{}"]));
    assert_eq!(row(&mut lab, "A adds apple"), cells(&["{apple}", "{}"]));
    assert_eq!(
        row(&mut lab, "B adds banana"),
        cells(&["{apple}", "{banana}"])
    );
    assert_eq!(
        row(&mut lab, "sync (union both ways)"),
        cells(&["{apple, banana}", "{apple, banana}"])
    );
}

#[test]
fn twopset_export_matches_the_seed_table() {
    let (mut lab, _) = run("2pset-remove-wins.crdt");
    assert_eq!(row(&mut lab, "start"), cells(&["{x} / {}", "{x} / {}"]));
    assert_eq!(
        row(&mut lab, "A removes x"),
        cells(&["{x} / {x}", "{x} / {}"])
    );
    assert_eq!(
        row(&mut lab, "B re-adds x"),
        cells(&["{x} / {x}", "{x} / {}"])
    );
    assert_eq!(row(&mut lab, "sync"), cells(&["{x} / {x}", "{x} / {x}"]));
}

#[test]
fn alice_and_bob_export_matches_the_seed_table() {
    let (mut lab, _) = run("2pset-alice-bob.crdt");
    assert_eq!(
        row(&mut lab, "start"),
        cells(&["{2, 3} / {}", "{2, 3} / {}"])
    );
    assert_eq!(
        row(&mut lab, "Alice adds 1"),
        cells(&["{1, 2, 3} / {}", "{2, 3} / {}"])
    );
    assert_eq!(
        row(&mut lab, "Bob adds 1"),
        cells(&["{1, 2, 3} / {}", "{1, 2, 3} / {}"])
    );
    assert_eq!(
        row(&mut lab, "Alice deletes 1"),
        cells(&["{1, 2, 3} / {1}", "{1, 2, 3} / {}"])
    );
    assert_eq!(
        row(&mut lab, "merge"),
        cells(&["{1, 2, 3} / {1}", "{1, 2, 3} / {1}"])
    );
}

#[test]
fn lww_export_matches_the_seed_table() {
    let (mut lab, _) = run("lww-clock-decides.crdt");
    assert_eq!(row(&mut lab, "start"), cells(&["{x:1} / {}", "{x:1} / {}"]));
    assert_eq!(
        row(&mut lab, "A removes x @5"),
        cells(&["{x:1} / {x:5}", "{x:1} / {}"])
    );
    assert_eq!(
        row(&mut lab, "B adds x @7"),
        cells(&["{x:1} / {x:5}", "{x:7} / {}"])
    );
    assert_eq!(
        row(&mut lab, "merge (max each)"),
        cells(&["{x:7} / {x:5}", "{x:7} / {x:5}"])
    );
}

#[test]
fn orset_export_matches_the_seed_table() {
    let (mut lab, _) = run("orset-add-wins.crdt");
    assert_eq!(
        row(&mut lab, "start"),
        cells(&["{x: {a1}} / {}", "{x: {a1}} / {}"])
    );
    assert_eq!(
        row(&mut lab, "A removes x"),
        cells(&["{} / {x: {a1}}", "{x: {a1}} / {}"])
    );
    assert_eq!(
        row(&mut lab, "B adds x (new tag b1)"),
        cells(&["{} / {x: {a1}}", "{x: {a1, b1}} / {}"])
    );
    assert_eq!(
        row(&mut lab, "merge"),
        cells(&["{x: {b1}} / {x: {a1}}", "{x: {b1}} / {x: {a1}}"])
    );
}

#[test]
fn compare_gives_the_four_answers_of_section_5() {
    let (lab, transcript) = run("compare-four-answers.crdt");
    let answers: Vec<(&str, String)> = lab
        .compare()
        .iter()
        .map(|c| (c.kind, c.finals[0].1.to_string()))
        .collect();
    let get = |kind: &str| {
        answers
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("2pset"), Some("{}"), "2P-Set: remove wins");
    assert_eq!(get("orset"), Some("{x}"), "OR-Set: add wins");
    assert_eq!(
        get("lww"),
        Some("{x}"),
        "LWW: B's add has the later Lamport stamp"
    );
    assert_eq!(get("gset"), Some("{x}"));
    let gset = lab
        .compare()
        .into_iter()
        .find(|c| c.kind == "gset")
        .expect("gset row");
    assert_eq!(gset.refused.len(), 1, "the G-Set refuses the remove");
    assert!(transcript.contains("A remove x"));
}

#[test]
fn a_wrong_expectation_fails_run_and_names_the_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
        .args(["run", "tests/scripts/wrong-expectation.crdt.fail"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wrong-expectation.crdt.fail:5: expect B = {y}"),
        "{err}"
    );
    assert!(err.contains("expected B = {y}, found B = {x}"), "{err}");
}

#[test]
fn an_unexpected_refusal_fails_run_quietly_and_names_the_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("refused.crdt");
    std::fs::write(&path, "new gset A\nA add x\nA remove x\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
        .args(["run", "--quiet"])
        .arg(&path)
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "--quiet prints only failures");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused.crdt:3: A remove x"), "{err}");
    assert!(err.contains("grow-only"), "{err}");
}

/// Seed 002 §4, cell by cell: each type's fact for each property says what the seed's cell says.
#[test]
fn compare_reproduces_the_seed_comparison_table() {
    use crdt_lab::crdt::{Kind, PROPERTIES, SEED_TYPES};
    let seed: [(&str, [&str; 4]); 8] = [
        ("supports remove?", ["no", "yes", "yes", "yes"]),
        ("can re-add after remove?", ["n/a", "never", "yes", "yes"]),
        (
            "concurrent add + remove: who wins",
            ["n/a", "remove wins", "the bigger stamp", "add wins"],
        ),
        ("needs synchronized clocks?", ["no", "no", "yes", "no"]),
        (
            "can silently lose a user's write?",
            ["no", "only the re-add", "yes: clock skew", "no"],
        ),
        ("metadata cost", ["tiny", "grows", "moderate", "higher"]),
        ("merge", ["union", "union", "max", "union of live tags"]),
        (
            "typical use",
            [
                "dedup log",
                "revoked-id list, ban list",
                "last-known status",
                "cart, friends, tags, flags",
            ],
        ),
    ];
    assert_eq!(
        SEED_TYPES,
        [Kind::GSet, Kind::TwoPSet, Kind::Lww, Kind::OrSet]
    );
    for (p, (row, cells)) in seed.iter().enumerate() {
        assert_eq!(PROPERTIES[p], *row);
        for (kind, cell) in SEED_TYPES.iter().zip(cells) {
            let fact = kind.facts()[p];
            assert!(fact.starts_with(cell), "{row} / {}: {fact}", kind.title());
        }
    }
    let (mut lab, _) = run("compare-table.crdt");
    let text = match execute(&mut lab, "compare") {
        Ok(reply) => {
            crdt_lab::script::render::reply(&lab, &reply, crdt_lab::script::render::Style::Repl)
        }
        Err(e) => panic!("{e}"),
    };
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let rows = lab.compare();
    let of = |kind: &str| rows.iter().find(|c| c.kind == kind).expect("a row");
    assert_eq!(
        of("2pset").observed.readd,
        Some(("A add y @4".into(), false))
    );
    assert_eq!(
        of("orset").observed.readd,
        Some(("A add y @4".into(), true))
    );
    assert_eq!(of("lww").observed.readd, Some(("A add y @4".into(), true)));
    assert_eq!(
        of("2pset").observed.contested,
        [("x".into(), "none".into())]
    );
    assert_eq!(of("orset").observed.contested, [("x".into(), "all".into())]);
    assert_eq!(
        of("lww").observed.stamps.as_deref(),
        Some("explicit @1, @5, @7, @2, @3, @4")
    );
    assert_eq!(
        of("orset").metadata,
        [("live tags", 4), ("tombstoned tags", 4)]
    );
    assert_eq!(of("orset").observed.elements, 2);
    assert!(
        flat.contains("8 = 4 live tags + 4 tombstoned tags"),
        "{text}"
    );
}

/// Issue 12's relay script, exactly as the issue gives it, opens `ops-relay.crdt` and passes.
#[test]
fn the_relay_script_of_the_issue_passes() {
    let issue = [
        "new orset home work phone",
        "cut home phone",
        "option sync ops",
        "home add milk",
        "send home work",
        "deliver all",
        "send work phone",
        "deliver all",
        "expect phone has milk",
        "expect refused sync home phone",
    ];
    let text = std::fs::read_to_string("tests/scripts/ops-relay.crdt").expect("the script");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines[..issue.len()], issue);
    let (lab, transcript) = run("ops-relay.crdt");
    assert!(
        transcript.contains("carrying 1 op: add milk home1"),
        "{transcript}"
    );
    assert!(
        transcript.contains("already had here, so skipped"),
        "{transcript}"
    );
    assert!(lab.world().converged());
}
