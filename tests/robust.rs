//! "Nothing lost, nothing injected": a regression test for each defect found by attacking every
//! face with adversarial input, each with the minimal input that showed it.

use crdt_lab::lab::{Lab, TABLE_ROWS, World};
use crdt_lab::script::render::{self, Style};
use crdt_lab::script::{Reply, execute, line, load, load_text, save, save_text};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn lab(lines: &[&str]) -> Lab {
    let mut lab = Lab::new();
    for line in lines {
        let _ = execute(&mut lab, line);
    }
    lab
}

/// Save and load through the session text, and check that the log, the position and the
/// state came back as they were.
fn round_trip(lab: &Lab) -> Lab {
    let text = save_text(lab).expect("saved");
    let back = load_text(&text, "f").unwrap_or_else(|e| panic!("{e}\n{text}"));
    same(lab, &back);
    back
}

fn same(a: &Lab, b: &Lab) {
    let log = |lab: &Lab| -> Vec<(String, bool)> {
        let each = lab.log().iter();
        each.map(|e| (line(&e.command), e.refused.is_some()))
            .collect()
    };
    assert_eq!(log(a), log(b), "the same commands, refused the same way");
    let commands = |lab: &Lab| -> Vec<_> { lab.log().iter().map(|e| e.command.clone()).collect() };
    assert_eq!(commands(a), commands(b));
    assert_eq!(a.position(), b.position());
    assert_eq!(a.view(), b.view(), "the same state");
}

fn visible(lab: &Lab, replica: &str) -> String {
    let r = lab.world().replica(replica).expect("the replica is there");
    r.set.visible().to_string()
}

// 1. A saved session comes back as it was.

#[test]
fn a_refused_command_whose_replica_is_a_command_word_comes_back_refused() {
    let before = lab(&["A add x", "add new x"]);
    assert!(before.log()[1].refused.is_some());
    round_trip(&before);
}

#[test]
fn a_refused_new_with_a_name_holding_a_space_stays_refused() {
    let before = lab(&["new gset A B", "A add x", "new orset \"A B\""]);
    assert!(before.log()[2].refused.is_some());
    let back = round_trip(&before);
    assert_eq!(back.world().kind.word(), "gset");
    assert_eq!(visible(&back, "A"), "{x}");
}

#[test]
fn a_refused_command_on_a_quoted_name_stays_refused() {
    let before = lab(&["\"'B'\" add x"]);
    assert!(before.log()[0].refused.is_some());
    let back = round_trip(&before);
    assert_eq!(visible(&back, "B"), "{}");
}

#[test]
fn elements_and_titles_holding_nul_come_back_whole() {
    let before = lab(&["A add \"y #\0\"", "A add \"x'\0\"", "step \"a\0 title\""]);
    let back = round_trip(&before);
    let r = back.world().replica("A").expect("A");
    let elements: Vec<String> = r.set.elements().iter().map(|e| e.to_string()).collect();
    assert_eq!(elements, ["x'\0", "y #\0"]);
}

#[test]
fn a_save_file_written_before_the_fix_still_loads() {
    // As the previous version wrote them: names unquoted, elements and titles quoted by shlex.
    let text = r#"{
  "format": "crdt-lab session",
  "version": 1,
  "commands": [
    "new 2pset A B C",
    "A add 'two words'",
    "A add 'café'",
    "B add x @12:00:05",
    "A remove y",
    "partition A B | C",
    "A skew +10",
    "time 12:00:05",
    "option tiebreak remove-wins",
    "step 'B adds x'",
    "sync"
  ],
  "position": 11
}"#;
    let back = load_text(text, "old.json").expect("today's files load");
    assert_eq!(back.position(), 11);
    assert!(
        back.log()[4].refused.is_some(),
        "the refused remove stays refused"
    );
    assert_eq!(visible(&back, "B"), "{café, two words, x}");
    assert_eq!(visible(&back, "C"), "{}");
}

// 2. Memory and time grow with what the history holds, not with its square.

#[test]
fn a_refused_ten_megabyte_line_is_not_kept() {
    let mut lab = Lab::new();
    let long = format!("A add {}", "x".repeat(10 << 20));
    let failure = execute(&mut lab, &long).expect_err("too long");
    assert!(
        failure.to_string().contains("a line is at most"),
        "{failure}"
    );
    assert!(lab.log().is_empty(), "nothing of it is kept");
    let long_element = format!("A add {}", "x".repeat(100));
    assert!(execute(&mut lab, &long_element).is_err());
    assert_eq!(
        lab.log().len(),
        1,
        "an element over the limit is refused and logged"
    );
}

#[test]
fn snapshots_of_a_growing_lab_hold_a_few_copies_of_it_not_one_per_64_commands() {
    let mut lab = Lab::new();
    for k in 0..20_000 {
        execute(&mut lab, &format!("A add e{k}")).expect("accepted");
    }
    let world = lab.world().size();
    assert!(
        lab.snapshot_size() <= 3 * world,
        "snapshots hold {} pieces for a world of {world}",
        lab.snapshot_size()
    );
    // Undo still lands exactly where the log says.
    lab.goto(12_345);
    assert!(
        lab.world()
            .replica("A")
            .expect("A")
            .set
            .contains(&crdt_lab::crdt::Elem::parse("e12344"))
    );
    assert!(
        !lab.world()
            .replica("A")
            .expect("A")
            .set
            .contains(&crdt_lab::crdt::Elem::parse("e12345"))
    );
}

#[test]
fn the_worked_table_of_a_long_history_keeps_its_first_rows_and_its_end() {
    let mut lab = Lab::new();
    for k in 0..3_000 {
        execute(&mut lab, &format!("A add e{k}")).expect("accepted");
    }
    let Ok(Reply::Exported { text: Some(md), .. }) = execute(&mut lab, "export md") else {
        panic!("export md gives the text")
    };
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    // The header, its rule, TABLE_ROWS rows, the row that counts what was left out, the end.
    assert_eq!(rows.len(), TABLE_ROWS + 4, "{}", &md[..300]);
    assert!(md.contains("2001 more rows left out"));
    let end = rows.last().expect("the last row");
    assert!(
        end.starts_with("| end") && end.contains("more characters"),
        "{end}"
    );
    assert!(md.len() < 3_000_000, "{} bytes", md.len());
}

#[test]
fn compare_after_a_long_history_cuts_its_cells_short() {
    let mut lab = Lab::new();
    for k in 0..3_000 {
        execute(&mut lab, &format!("A add e{k}")).expect("accepted");
    }
    let reply = execute(&mut lab, "compare").expect("compare");
    let text = render::reply(&lab, &reply, Style::Repl);
    assert!(
        text.lines().all(|l| l.chars().count() < 2_500),
        "cells are cut short"
    );
    assert!(text.contains("more characters"));
}

// 4. Save writes only to regular files and new paths, and leaves nothing behind.

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn save_refuses_a_directory_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("a directory");
    std::fs::create_dir(dir.path().join("adir")).expect("made");
    let lab = lab(&["A add x"]);
    let target = dir.path().join("adir");
    let err = save(&lab, &target.to_string_lossy()).expect_err("refused");
    assert!(err.to_string().contains("is a directory"), "{err}");
    assert_eq!(files_in(dir.path()), ["adir"]);
    assert!(files_in(&target).is_empty());
}

#[cfg(unix)]
#[test]
fn save_leaves_symbolic_links_sockets_and_devices_alone() {
    let dir = tempfile::tempdir().expect("a directory");
    let lab = lab(&["A add x"]);
    let kept = dir.path().join("kept.txt");
    std::fs::write(&kept, "mine").expect("written");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&kept, &link).expect("linked");
    let socket = dir.path().join("a.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bound");
    for (target, why) in [
        (link.as_path(), "symbolic link"),
        (socket.as_path(), "not a regular file"),
        (Path::new("/dev/null"), "not a regular file"),
    ] {
        let err = save(&lab, &target.to_string_lossy()).expect_err("refused");
        assert!(err.to_string().contains(why), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&kept).expect("read"), "mine");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("there")
            .file_type()
            .is_symlink()
    );
    assert_eq!(files_in(dir.path()), ["a.sock", "kept.txt", "link.json"]);
    // A regular file is replaced, and loads back.
    let file = dir.path().join("f.json");
    std::fs::write(&file, "old").expect("written");
    save(&lab, &file.to_string_lossy()).expect("saved");
    same(&lab, &load(&file.to_string_lossy()).expect("loaded"));
    assert_eq!(
        files_in(dir.path()),
        ["a.sock", "f.json", "kept.txt", "link.json"]
    );
}

// 5. Text from users and lessons reaches the terminal with its control characters escaped.

const RED: &str = "A add \"\x1b[2J\x1b[31mRED\"";

fn raw_controls(text: &str) -> Vec<char> {
    let bad = |c: &char| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c);
    text.chars().filter(bad).collect()
}

#[test]
fn an_escape_sequence_in_an_element_is_shown_escaped_in_every_rendering() {
    let mut lab = Lab::new();
    let added = execute(&mut lab, RED).expect("accepted");
    let mut shown = vec![render::reply(&lab, &added, Style::Repl)];
    for line in [
        "show",
        "explain \"\x1b[2J\x1b[31mRED\"",
        "compare",
        "export md",
        "export json",
    ] {
        let reply = execute(&mut lab, line).expect("answered");
        shown.push(render::reply(&lab, &reply, Style::Repl));
        shown.push(render::reply(&lab, &reply, Style::Transcript));
    }
    let failure = execute(&mut lab, "B remove \"\x1b[2J\" @x").expect_err("unreadable");
    shown.push(render::failure(&failure));
    for text in &shown {
        assert!(raw_controls(text).is_empty(), "{text:?}");
    }
    assert!(shown[1].contains("\\e[2J\\e[31mRED"), "{}", shown[1]);
}

#[test]
fn the_escape_function_names_each_control_character() {
    assert_eq!(render::escape("a\x1b[2Jb"), "a\\e[2Jb");
    assert_eq!(render::escape("nul\0"), "nul\\x00");
    assert_eq!(render::escape("\u{202e}txt"), "\\u{202e}txt");
    assert_eq!(render::escape("two\nlines\t"), "two\\nlines\\t");
    assert_eq!(render::escape_lines("two\nlines\r"), "two\nlines\\r");
    assert_eq!(render::escape("café ✓"), "café ✓");
}

// 6. Expectations do not lie.

#[test]
fn replica_names_whose_tags_could_read_alike_are_refused() {
    let mut lab = Lab::new();
    let err = execute(&mut lab, "new orset A A1").expect_err("refused");
    assert!(err.to_string().contains("a11"), "{err}");
    assert!(execute(&mut lab, "new orset A A0x B").is_ok());
}

#[test]
fn converged_compares_typed_states_even_when_their_text_reads_alike() {
    // Built past the name check, as an older lab could have been: A's tag 11 and A1's tag 1
    // both read a11.
    let mut world = World::fresh(crdt_lab::crdt::Kind::OrSet, &["A".into(), "A1".into()]);
    for _ in 0..10 {
        world.replay(&parsed("A add y")).expect("accepted");
    }
    for line in ["A remove y", "A1 merge A", "A add x", "A1 add x"] {
        world.replay(&parsed(line)).expect("accepted");
    }
    let text = |r: usize| world.replicas[r].set.describe()[0].value.to_string();
    assert_eq!(text(0), "{x: {a11}}");
    assert_eq!(
        world.view().replicas[0].fields,
        world.view().replicas[1].fields
    );
    assert!(!world.converged(), "a11 of A is not a11 of A1");
}

fn parsed(line: &str) -> crdt_lab::lab::Command {
    match crdt_lab::script::parse(line) {
        Ok(Some(crdt_lab::script::Action::Change(c))) => c,
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn an_expected_set_is_read_element_by_element_with_quotes() {
    let mut lab = lab(&["A add 'x, y'", "B add 'a b'"]);
    assert!(execute(&mut lab, "expect A = {x, y}").is_err());
    assert!(execute(&mut lab, "expect A = {'x, y'}").is_ok());
    assert!(execute(&mut lab, "expect B = {ab}").is_err());
    assert!(execute(&mut lab, "expect B = {a b}").is_ok());
    assert!(execute(&mut lab, "expect B = {\"a b\"}").is_ok());
    assert!(execute(&mut lab, "expect B.live = {'a b': {b1}}").is_ok());
    assert!(execute(&mut lab, "expect B.live = {'a b': {b 1}}").is_err());
}

#[test]
fn expect_refused_never_changes_the_lab() {
    let mut lab = lab(&["new gset A B", "A add x"]);
    let before = (lab.position(), lab.view());
    assert!(execute(&mut lab, "expect refused A add y").is_err());
    assert!(execute(&mut lab, "expect refused A remove x").is_ok());
    assert_eq!((lab.position(), lab.view()), before);
}

// 7. Simulated time never goes back, and every stamp it shows can be typed.

#[test]
fn a_tick_that_would_overflow_the_clock_is_refused() {
    let mut lab = Lab::new();
    let err = execute(&mut lab, "tick 18446744073709551615").expect_err("refused");
    assert!(err.to_string().contains("cannot count"), "{err}");
    assert_eq!(lab.view().time, "12:00:00");
}

#[test]
fn past_midnight_the_clock_counts_on_and_its_stamps_can_be_typed() {
    let mut lab = lab(&["new lww A B", "option clock wall", "tick 100000", "A add x"]);
    assert_eq!(lab.view().time, "39:46:40");
    let adds = lab.world().replica("A").expect("A").set.describe()[0]
        .value
        .to_string();
    assert_eq!(adds, "{x: 39:46:40}");
    for line in ["B add x @39:46:40", "time 39:46:41", "A remove x @39:46:41"] {
        execute(&mut lab, line).unwrap_or_else(|e| panic!("{line}: {e}"));
    }
    assert_eq!(visible(&lab, "A"), "{}");
}

// 8. Input: bytes that are not UTF-8, and the element `--`.

#[test]
fn the_element_double_dash_can_be_added_and_removed() {
    let mut lab = lab(&["A add --", "B add '--' @7", "A add -x"]);
    assert_eq!(visible(&lab, "A"), "{--, -x}");
    assert_eq!(visible(&lab, "B"), "{--}");
    execute(&mut lab, "A remove --").expect("accepted");
    assert_eq!(visible(&lab, "A"), "{-x}");
}

fn crdt_lab(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    // A home of its own: history and saved progress stay out of the user's.
    let home = tempfile::tempdir().expect("a temporary home");
    let mut child = Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("it starts");
    let mut input = child.stdin.take().expect("stdin");
    let _ = input.write_all(stdin); // a face that reads no input may have closed it
    drop(input);
    child.wait_with_output().expect("it ends")
}

#[test]
fn a_piped_line_that_is_not_utf8_is_reported_and_skipped() {
    let out = crdt_lab(&["repl"], b"A add x\nA add \xff\nB add y\nshow\n");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2 is not UTF-8"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("{y}"),
        "the lines after it still run: {stdout}"
    );

    let out = crdt_lab(&["play", "1", "--plain"], b"\n\xfe\nq\n");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2 of the input is not UTF-8"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Bye."));
}

#[test]
fn a_script_or_lesson_that_is_not_utf8_names_its_line() {
    let dir = tempfile::tempdir().expect("a directory");
    let script = dir.path().join("bad.crdt");
    std::fs::write(&script, b"A add x\nB add y\nA add \xff\n").expect("written");
    let lesson = dir.path().join("bad.md");
    std::fs::write(&lesson, b"# T\n\n## One\n\nText\n\xc3(\n").expect("written");
    for (file, line) in [(&script, 3), (&lesson, 6)] {
        let out = crdt_lab(&["run", &file.to_string_lossy()], b"");
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("line {line} is not valid UTF-8")),
            "{stderr}"
        );
    }
}

// 10. Write errors are reported, and the status says so.

#[cfg(target_os = "linux")]
fn to_dev_full(args: &[&str], stdin: &[u8], stderr_full: bool) -> Output {
    use std::io::Write;
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crdt-lab"));
    cmd.args(args).env("NO_COLOR", "1").stdin(Stdio::piped());
    match stderr_full {
        true => cmd.stdout(Stdio::piped()).stderr(full()),
        false => cmd.stdout(full()).stderr(Stdio::piped()),
    };
    let mut child = cmd.spawn().expect("it starts");
    let mut input = child.stdin.take().expect("stdin");
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("it ends")
}

#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_reported_with_a_failing_status() {
    let dir = tempfile::tempdir().expect("a directory");
    let fail = dir.path().join("fail.crdt");
    std::fs::write(&fail, "A add x\nexpect A = {y}\n").expect("written");
    let pass = dir.path().join("pass.crdt");
    std::fs::write(&pass, "A add x\nexpect A = {x}\n").expect("written");
    let out = to_dev_full(&["run", &fail.to_string_lossy()], b"", true);
    assert_eq!(out.status.code(), Some(1), "no panic when stderr is full");
    for args in [
        vec!["run", &*pass.to_string_lossy()],
        vec!["repl"],
        vec!["lessons"],
    ] {
        let out = to_dev_full(&args, b"A add x\nshow\n", false);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("cannot write the output"),
            "{args:?}: {stderr}"
        );
    }
}
