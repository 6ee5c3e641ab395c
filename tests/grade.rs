//! `crdt-lab grade` end to end: our own node passes every type, alone and as a cluster, over
//! several seeds; each broken Python node in `tests/fixtures/` fails, named by its defect; the
//! README's node is the fixture and passes; saved stories replay in the lab; Ctrl-C leaves no
//! node behind; bad options change nothing and say why.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_crdt-lab");
const TYPES: [&str; 5] = ["2pset", "gset", "lww", "orset", "orswot"];

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}.py", env!("CARGO_MANIFEST_DIR"))
}

struct Graded {
    code: Option<i32>,
    report: String,
}

fn run(args: &[&str]) -> Graded {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(BIN)
        .args(args)
        .output()
        .expect("crdt-lab runs");
    let mut report = String::from_utf8_lossy(&stdout).into_owned();
    report.push_str(&String::from_utf8_lossy(&stderr));
    Graded {
        code: status.code(),
        report,
    }
}

/// Grade `command` with `options`; the limit is generous, for a loaded machine.
fn grade(options: &[&str], command: &[&str]) -> Graded {
    let mut args = vec!["grade"];
    if !options.contains(&"--time-limit") {
        args.extend(["--time-limit", "20"]);
    }
    args.extend(options);
    args.push("--");
    args.extend(command);
    run(&args)
}

/// The fixtures are Python (standard library only), so these tests need `python3` on the PATH.
fn python(name: &str) -> Vec<String> {
    let found = Command::new("python3").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "the grade tests run the Python nodes in tests/fixtures/: install python3"
    );
    vec!["python3".into(), fixture(name)]
}

fn grade_python(options: &[&str], name: &str) -> Graded {
    let command = python(name);
    let command: Vec<&str> = command.iter().map(String::as_str).collect();
    grade(options, &command)
}

/// The status line of one check in the report: `  semantics    FAIL     <rule>`.
fn status<'a>(report: &'a str, check: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{check} ")))
        .unwrap_or_else(|| panic!("no {check} line in:\n{report}"))
}

fn assert_passes(g: &Graded, what: &str) {
    assert_eq!(g.code, Some(0), "{what}:\n{}", g.report);
    assert!(g.report.contains("PASS: all"), "{what}:\n{}", g.report);
}

fn assert_fails(g: &Graded, check: &str, rule: &str) {
    assert_eq!(g.code, Some(1), "{}", g.report);
    let line = status(&g.report, check);
    assert!(
        line.contains("FAIL") && line.contains(rule),
        "{check} should fail with {rule:?}:\n{}",
        g.report
    );
    assert!(
        g.report.contains(&format!("{check} FAILED: {rule}")),
        "{}",
        g.report
    );
}

#[test]
fn crdt_lab_node_passes_every_type_alone_over_several_seeds() {
    for kind in TYPES {
        for seed in ["1", "2", "3"] {
            let g = grade(
                &["--type", kind, "--seed", seed, "--ops", "150"],
                &[BIN, "node", "--type", kind],
            );
            assert_passes(&g, &format!("{kind} seed {seed}"));
            assert!(
                status(&g.report, "convergence").contains("a cluster check"),
                "{}",
                g.report
            );
        }
    }
    let g = grade(
        &["--type", "gset", "--protocol", "maelstrom"],
        &[BIN, "node", "--type", "gset", "--protocol", "maelstrom"],
    );
    assert_passes(&g, "gset, maelstrom protocol");
}

#[test]
fn crdt_lab_node_passes_every_type_as_a_3_node_cluster_over_several_seeds() {
    for kind in TYPES {
        for seed in ["1", "2"] {
            let g = grade(
                &[
                    "--type", kind, "--nodes", "3", "--seed", seed, "--ops", "120",
                ],
                &[BIN, "node", "--type", kind, "--gossip-ms", "100"],
            );
            assert_passes(&g, &format!("{kind} cluster seed {seed}"));
            assert!(
                status(&g.report, "convergence").contains("pass"),
                "{}",
                g.report
            );
            assert!(
                g.report.contains("lost") && !g.report.contains("lost 0 "),
                "the partitions met gossip:\n{}",
                g.report
            );
        }
    }
}

#[test]
fn a_node_of_another_type_fails_the_protocol() {
    let g = grade(&["--type", "orset"], &[BIN, "node", "--type", "2pset"]);
    assert_fails(&g, "protocol", "each request has its own reply type");
    assert!(
        g.report.contains("error 10 to the or_set_read"),
        "{}",
        g.report
    );
}

#[test]
fn numbering_msg_ids_from_1_fails_the_protocol_at_init_ok() {
    let g = grade_python(&["--type", "2pset"], "msg_id_from_1");
    assert_fails(&g, "protocol", "msg_id starts at 0");
    assert!(
        g.report
            .contains("its first message (the init_ok) has msg_id 1; it should be 0"),
        "{}",
        g.report
    );
    // The shortest history is init and its reply.
    assert!(g.report.contains("(2 lines;"), "{}", g.report);
    assert_eq!(
        status(&g.report, "semantics").split_whitespace().nth(1),
        Some("pass")
    );
}

#[test]
fn compact_json_fails_the_course_byte_format() {
    let g = grade_python(&["--type", "2pset"], "compact_json");
    assert_fails(&g, "protocol", "the course compares bytes");
    assert!(g.report.contains("the separators are"), "{}", g.report);
}

#[test]
fn forgetting_the_remove_set_in_a_merge_is_named_and_its_story_replays_in_the_lab() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("story.crdt");
    let save = story.to_str().unwrap();
    let g = grade_python(&["--type", "2pset", "--save", save], "forgets_remove_set");
    assert_fails(&g, "semantics", "2P-Set: a removed element never returns");
    assert!(
        g.report.contains("carried it in remove_set"),
        "{}",
        g.report
    );
    let history = g.report.split("shortest message history").nth(1).unwrap();
    assert!(
        history.contains("\"remove_set\":["),
        "the merge is in the history:\n{}",
        g.report
    );
    assert!(g.report.contains("shrunk in"), "{}", g.report);
    let text = std::fs::read_to_string(&story).unwrap();
    assert!(text.starts_with("# crdt-lab grade: 2P-Set"), "{text}");
    assert!(
        text.contains("new 2pset n1 n2 n3") && text.contains("\nn1 merge n"),
        "{text}"
    );
    let replay = run(&["run", save]);
    assert_eq!(
        replay.code,
        Some(0),
        "the story replays in the lab:\n{text}\n{}",
        replay.report
    );
}

#[test]
fn a_removed_element_that_comes_back_is_named_alone_and_in_a_cluster() {
    let g = grade_python(&["--type", "2pset"], "removed_comes_back");
    assert_fails(&g, "semantics", "2P-Set: a removed element never returns");
    let g = grade_python(&["--type", "2pset", "--nodes", "3"], "removed_comes_back");
    assert_fails(&g, "semantics", "2P-Set: a removed element never returns");
}

#[test]
fn a_node_that_never_answers_read_fails_liveness() {
    let g = grade_python(
        &["--type", "2pset", "--time-limit", "4"],
        "never_answers_read",
    );
    assert_fails(
        &g,
        "liveness",
        "every request is answered within the time limit",
    );
    assert!(g.report.contains("did not answer the read"), "{}", g.report);
    assert!(g.report.contains("within 4.0 s"), "{}", g.report);
}

#[test]
fn a_node_that_crashes_on_merge_fails_liveness_with_its_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("crash.crdt");
    let save = story.to_str().unwrap();
    let g = grade_python(&["--type", "2pset", "--save", save], "crashes_on_merge");
    assert_fails(&g, "liveness", "a node runs until its input ends");
    assert!(
        g.report.contains("while handling the merge"),
        "{}",
        g.report
    );
    assert!(
        g.report.contains("KeyError: 'adds'"),
        "the stderr tail:\n{}",
        g.report
    );
    assert_eq!(run(&["run", save]).code, Some(0));
}

#[test]
fn a_node_that_never_gossips_passes_alone_and_fails_to_converge_as_a_cluster() {
    let g = grade_python(&["--type", "2pset"], "never_gossips");
    assert_passes(&g, "never_gossips alone");
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("diverged.crdt");
    let save = story.to_str().unwrap();
    let g = grade_python(
        &[
            "--type",
            "2pset",
            "--nodes",
            "3",
            "--time-limit",
            "5",
            "--save",
            save,
        ],
        "never_gossips",
    );
    assert_fails(
        &g,
        "convergence",
        "after the heal, every node reads the same set",
    );
    assert!(
        g.report.contains("No node ever sent another a message"),
        "{}",
        g.report
    );
    let text = std::fs::read_to_string(&story).unwrap();
    assert!(
        text.contains("sync") && text.contains("expect converged"),
        "{text}"
    );
    assert_eq!(run(&["run", save]).code, Some(0), "{text}");
}

#[test]
fn the_readme_node_is_the_fixture_and_passes_alone_and_as_a_cluster() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Test your own node")
        .nth(1)
        .expect("the README has the section");
    let code = section
        .split("```python\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a python block");
    assert_eq!(
        code,
        std::fs::read_to_string(fixture("twopset_node")).unwrap()
    );
    assert_passes(
        &grade_python(&["--type", "2pset"], "twopset_node"),
        "README node alone",
    );
    assert_passes(
        &grade_python(&["--type", "2pset", "--nodes", "3"], "twopset_node"),
        "README node as a cluster",
    );
}

#[test]
fn an_or_set_node_with_its_own_tags_passes_alone_and_as_a_cluster() {
    assert_passes(
        &grade_python(&["--type", "orset", "--seed", "4"], "orset_node"),
        "orset alone",
    );
    assert_passes(
        &grade_python(&["--type", "orset", "--nodes", "3"], "orset_node"),
        "orset cluster",
    );
}

#[cfg(target_os = "linux")]
fn running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

/// Start a grade of nodes that never answer a read, interrupt it with `signal` once all its
/// nodes run, and check that it exits 128 + the signal and that no node is left running.
#[cfg(target_os = "linux")]
fn interrupt(nodes: &str, signal: rustix::process::Signal, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    let mut child = Command::new(BIN)
        .args([
            "grade",
            "--type",
            "2pset",
            "--nodes",
            nodes,
            "--time-limit",
            "60",
            "--",
        ])
        .args(python("never_answers_read"))
        .env("GRADE_PIDFILE", &pids)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let want: usize = nodes.parse().unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    let started = loop {
        let text = std::fs::read_to_string(&pids).unwrap_or_default();
        let started: Vec<u32> = text.lines().filter_map(|l| l.parse().ok()).collect();
        if started.len() == want {
            break started;
        }
        assert!(Instant::now() < until, "the nodes did not start: {text:?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(300));
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, signal).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(code));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("interrupted; every node it started is stopped"),
        "{stderr}"
    );
    for node in started {
        assert!(!running(node), "node {node} outlived the grader");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_and_sigterm_stop_every_node() {
    interrupt("3", rustix::process::Signal::INT, 130);
    interrupt("1", rustix::process::Signal::TERM, 143);
}

#[test]
fn bad_options_change_nothing_and_say_why() {
    let g = grade(&["--type", "2pset"], &["no-such-node-program-here"]);
    assert_eq!(g.code, Some(2), "{}", g.report);
    assert!(
        g.report.contains("cannot start no-such-node-program-here"),
        "{}",
        g.report
    );
    let g = run(&[
        "grade",
        "--type",
        "2pset",
        "--time-limit",
        "0",
        "--",
        BIN,
        "node",
    ]);
    assert_eq!(g.code, Some(2));
    assert!(
        g.report.contains("--time-limit takes seconds above 0"),
        "{}",
        g.report
    );
    let g = run(&["grade", "--type", "2pset"]);
    assert_eq!(
        g.code,
        Some(2),
        "the node's command is required:\n{}",
        g.report
    );
    let g = run(&[
        "grade", "--type", "2pset", "--nodes", "0", "--", BIN, "node",
    ]);
    assert_eq!(g.code, Some(2), "{}", g.report);
    let dir = tempfile::tempdir().unwrap();
    let story: PathBuf = dir.path().join("none.crdt");
    let g = grade(
        &["--type", "gset", "--save", story.to_str().unwrap()],
        &[BIN, "node", "--type", "gset"],
    );
    assert_passes(&g, "gset");
    assert!(
        g.report.contains("there is no failure to save"),
        "{}",
        g.report
    );
    assert!(!story.exists(), "a passing grade writes no story");
}
