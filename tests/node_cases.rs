//! The node's byte-for-byte cases. Each `tests/node/<group>/<case>.in` goes through the node,
//! in-process and through the real `crdt-lab node` binary; stdout must equal `<case>.out` byte
//! for byte, and stderr must equal `<case>.log` (or be empty when there is no `.log`).

use crdt_lab::node::{NodeArgs, NodeType, Protocol, run};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The options each group runs with, in-process and as command-line words.
fn options(group: &str) -> (NodeArgs, Vec<&'static str>) {
    let (kind, words): (NodeType, &[&'static str]) = match group {
        // The seed's task runs with no options at all: 2pset and a 1 s gossip are the defaults.
        "2pset" | "errors" => (NodeType::TwoPSet, &[]),
        "gset" => (NodeType::Gset, &["--type", "gset"]),
        "lww" => (NodeType::Lww, &["--type", "lww"]),
        "orset" => (NodeType::Orset, &["--type", "orset"]),
        "orswot" => (NodeType::Orswot, &["--type", "orswot"]),
        "maelstrom-gset" => (
            NodeType::Gset,
            &["--type", "gset", "--protocol", "maelstrom"],
        ),
        other => panic!("no options for the case group {other}"),
    };
    let protocol = if group.starts_with("maelstrom") {
        Protocol::Maelstrom
    } else {
        Protocol::Course
    };
    (
        NodeArgs {
            kind,
            protocol,
            ..NodeArgs::default()
        },
        words.to_vec(),
    )
}

fn cases(group: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/node")
        .join(group);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "in"))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no cases in {}", dir.display());
    found
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The expected stdout and stderr of a case.
fn expected(case: &Path) -> (String, String) {
    let out = String::from_utf8(read(&case.with_extension("out"))).unwrap();
    let log_path = case.with_extension("log");
    let log = if log_path.exists() {
        String::from_utf8(read(&log_path)).unwrap()
    } else {
        String::new()
    };
    (out, log)
}

fn in_process(args: &NodeArgs, input: Vec<u8>) -> (String, String) {
    let (mut out, mut log) = (Vec::new(), Vec::new());
    run(args, Cursor::new(input), &mut out, &mut log).expect("the node runs to end of input");
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(log).unwrap(),
    )
}

fn through_binary(words: &[&str], input: Vec<u8>) -> (String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
        .arg("node")
        .args(words)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crdt-lab starts");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "crdt-lab node exits 0 at end of input"
    );
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn check_group(group: &str) {
    let (args, words) = options(group);
    for case in cases(group) {
        let name = case.display();
        let (want_out, want_log) = expected(&case);
        let (out, log) = in_process(&args, read(&case));
        assert_eq!(out, want_out, "{name}: stdout in-process");
        assert_eq!(log, want_log, "{name}: stderr in-process");
        let (out, log) = through_binary(&words, read(&case));
        assert_eq!(
            out,
            want_out,
            "{name}: stdout of crdt-lab node {}",
            words.join(" ")
        );
        assert_eq!(
            log,
            want_log,
            "{name}: stderr of crdt-lab node {}",
            words.join(" ")
        );
    }
}

#[test]
fn the_seed_cases_pass_byte_for_byte_with_no_options() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/2pset");
    for name in ["seed_add_then_read", "seed_add_then_remove_then_read"] {
        let case = dir.join(format!("{name}.in"));
        let (want_out, _) = expected(&case);
        assert_eq!(
            want_out.lines().count(),
            read(&case)
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count()
        );
        let (out, log) = through_binary(&[], read(&case));
        assert_eq!(out, want_out, "{name}");
        assert_eq!(log, "", "{name}: nothing is logged for good input");
    }
}

#[test]
fn two_p_set_cases() {
    check_group("2pset");
}

#[test]
fn g_set_cases() {
    check_group("gset");
}

#[test]
fn lww_cases() {
    check_group("lww");
}

#[test]
fn or_set_cases() {
    check_group("orset");
}

#[test]
fn orswot_cases() {
    check_group("orswot");
}

#[test]
fn maelstrom_g_set_cases() {
    check_group("maelstrom-gset");
}

#[test]
fn error_path_cases() {
    check_group("errors");
}
