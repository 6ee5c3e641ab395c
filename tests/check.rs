//! `crdt-lab check` from the real binary: the exit statuses, the saved counterexample that
//! fails when run, and the same report for the same seed.

use std::process::{Command, Output};

fn crdt_lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("it runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn naive_saves_a_counterexample_that_fails_when_run() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("ce.crdt");
    let path = path.to_string_lossy();
    for seed in ["1", "2", "5"] {
        let out = crdt_lab(&["check", "naive", "--seed", seed, "--save", &path]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("inflation      FAILS"), "{stdout}");
        assert!(stdout.contains("(a zombie)"), "{stdout}");
        let run = crdt_lab(&["run", &path]);
        assert_eq!(run.status.code(), Some(1), "the saved story fails");
        let script = std::fs::read_to_string(&*path).expect("saved");
        let last = script.trim_end().lines().count();
        let said = text(&run.stdout) + &text(&run.stderr);
        assert!(said.contains(&format!("ce.crdt:{last}: expect")), "{said}");
    }
}

#[test]
fn every_crdt_passes_and_exits_0() {
    for kind in ["gset", "2pset", "lww", "orset", "orswot", "pnset"] {
        let out = crdt_lab(&["check", kind, "--seed", "3"]);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", text(&out.stdout));
        assert!(text(&out.stdout).trim_end().ends_with("every law holds"));
    }
}

#[test]
fn the_same_seed_prints_the_same_report_and_bad_arguments_exit_2() {
    let a = crdt_lab(&["check", "all", "--seed", "9", "--cases", "50"]);
    let b = crdt_lab(&["check", "all", "--seed", "9", "--cases", "50"]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.status.code(), Some(1), "naive is among them");
    let dir = tempfile::tempdir().expect("a directory");
    let into_dir = crdt_lab(&["check", "naive", "--save", &dir.path().to_string_lossy()]);
    assert_eq!(into_dir.status.code(), Some(1));
    assert!(text(&into_dir.stderr).contains("it is a directory"));
    let bad = crdt_lab(&["check", "orsett"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("unknown set type 'orsett'"));
}
