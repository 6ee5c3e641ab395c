//! Unit tests of the language: parsing, messages for people, expectations, save and load.

use super::*;
use crate::lab::Lab;

fn run(lab: &mut Lab, lines: &[&str]) {
    for line in lines {
        execute(lab, line).unwrap_or_else(|f| panic!("{line}: {f}"));
    }
}

fn err(lab: &mut Lab, line: &str) -> String {
    execute(lab, line).expect_err("the line fails").to_string()
}

#[test]
fn subject_first_and_verb_first_read_the_same() {
    assert_eq!(parse("A add x @7"), parse("add A x @7"));
    assert_eq!(parse("A skew -5"), parse("skew A -5"));
    assert_eq!(parse("alice set 1 true"), parse("set alice 1 true"));
    assert_eq!(parse("   # only a comment"), Ok(None));
    assert_eq!(
        parse("A add 'two words'  # comment"),
        parse("add A \"two words\"")
    );
}

#[test]
fn every_command_prints_back_as_a_line_that_parses_to_it() {
    let lines = [
        "new 2pset alice bob",
        "A add x",
        "A remove 'a b' @7",
        "A add x @12:00:05",
        "A merge B",
        "sync",
        "sync A B",
        "send A B",
        "deliver",
        "deliver 2",
        "deliver all",
        "duplicate 1",
        "partition A B | C",
        "heal",
        "A skew +10",
        "A skew -3",
        "time 12:00:00",
        "tick 5",
        "option tiebreak remove-wins",
        "option tiebreak add-wins A B",
        "option clock wall",
        "option sync ops",
        "option sync state",
        "option mistake reuse-tags",
        "option mistake merge-one-side B",
        "option mistake none",
        "option remove-unseen accept",
        "option remove-unseen refuse alice",
        "alice set 1 true",
        "alice set 'two words' false",
        "cut home phone",
        "link home phone",
        "partition work phone | phone home",
        "gc",
        "step B adds x",
    ];
    for line in lines {
        let Ok(Some(Action::Change(command))) = parse(line) else {
            panic!("{line} is a change")
        };
        assert_eq!(
            parse(&command.to_string()),
            Ok(Some(Action::Change(command.clone()))),
            "{line} → {command}"
        );
    }
}

#[test]
fn mistakes_get_messages_for_people_and_change_nothing() {
    let mut lab = Lab::new();
    run(&mut lab, &["A add x"]);
    assert_eq!(
        err(&mut lab, "A ad y"),
        "unknown command 'ad'; did you mean add? (type help for the list)"
    );
    assert_eq!(
        err(&mut lab, "synk"),
        "unknown command 'synk'; did you mean sync? (type help for the list)"
    );
    assert_eq!(
        err(&mut lab, "goto 5"),
        "unknown command 'goto' (type help for the list)",
        "a number after an unknown word is not taken for the verb"
    );
    assert_eq!(
        err(&mut lab, "go 5"),
        "go: this lab has no steps; go works in a lesson"
    );
    assert!(err(&mut lab, "go five").contains("go takes a step number, like go 3, not 'five'"));
    assert!(
        err(&mut lab, "a add y").contains("there is no replica a (replicas: A B); did you mean A?")
    );
    assert!(err(&mut lab, "new orst A").contains("did you mean orset?"));
    assert!(err(&mut lab, "A add x 7").contains("a timestamp starts with @"));
    assert!(err(&mut lab, "A add 'x").contains("a quote is not closed"));
    assert!(
        err(&mut lab, "merge A").contains("usage: <R> merge <S>"),
        "{}",
        err(&mut lab, "merge A")
    );
    assert!(err(&mut lab, "time 12:60:00").contains("not a time of day"));
    assert!(err(&mut lab, "option tiebreak maybe").contains("add-wins or remove-wins"));
    assert!(err(&mut lab, "option sync maybe").contains("state or ops"));
    assert!(err(&mut lab, "A set x maybe").contains("true (removed) or false"));
    assert!(err(&mut lab, "show A as").contains("cannot read 'show A as'"));
    assert!(err(&mut lab, "show as optimised").contains("OR-Set has no layout 'optimised'"));
    assert_eq!(
        lab.history().len(),
        2,
        "the add, and the refused `a add y` marked; unreadable lines are not logged"
    );
    assert_eq!(
        lab.world()
            .replica("A")
            .map(|r| r.set.visible().to_string()),
        Ok("{x}".into())
    );
}

#[test]
fn expectations_report_what_was_expected_and_found() {
    let mut lab = Lab::new();
    run(
        &mut lab,
        &[
            "new 2pset A B",
            "A add x",
            "A remove x",
            "expect A.removed = {x}",
            "expect A lacks x",
            "expect diverged",
        ],
    );
    assert_eq!(
        err(&mut lab, "expect A = {x}"),
        "expected A = {x}, found A = {}"
    );
    assert_eq!(
        err(&mut lab, "expect A.added = {y}"),
        "expected A.added = {y}, found A.added = {x}"
    );
    assert!(
        err(&mut lab, "expect A.live = {}")
            .contains("2P-Set has no field live (fields: added, removed, map)")
    );
    assert!(err(&mut lab, "expect converged").contains("found diverged (A = {}, B = {})"));
    run(
        &mut lab,
        &["expect refused B remove x", "expect A.map = {x: true}"],
    );
    let before = lab.position();
    assert_eq!(
        err(&mut lab, "expect refused A add y"),
        "expected 'A add y' to be refused, found it would be accepted"
    );
    assert_eq!(lab.position(), before, "a failed expectation added nothing");
    assert!(
        !lab.world()
            .replica("A")
            .unwrap()
            .set
            .contains(&crate::crdt::Elem::parse("y"))
    );
}

#[test]
fn a_replica_cannot_be_named_like_a_command() {
    let mut lab = Lab::new();
    assert_eq!(
        err(&mut lab, "new orset A sync"),
        "'sync' is a command word; pick another replica name"
    );
    assert_eq!(lab.history().len(), 0, "nothing was run");
}

#[test]
fn missing_words_are_named_with_the_usage() {
    assert_eq!(
        err(&mut Lab::new(), "remove x"),
        "'remove x' is missing <elem>; usage: <R> remove <elem> [@<time>]"
    );
}

#[test]
fn help_comes_from_the_command_table() {
    let Ok(Reply::Help(all)) = execute(&mut Lab::new(), "help") else {
        panic!("help answers")
    };
    let names: Vec<&str> = all.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        command_words(),
        "help lists every command, in table order"
    );
    let Ok(Reply::Help(one)) = execute(&mut Lab::new(), "help merge") else {
        panic!("help merge answers")
    };
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].usage, "<R> merge <S>");
    assert!(render::help(&one, render::Look::default()).starts_with("<R> merge <S>\n  R absorbs"));
    assert_eq!(
        err(&mut Lab::new(), "help mrge"),
        "no command 'mrge'; did you mean merge?"
    );
}

#[test]
fn save_then_load_gives_back_the_same_lab_and_its_redo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let path = path.to_str().unwrap();
    let mut lab = Lab::new();
    run(
        &mut lab,
        &[
            "new lww A B",
            "A add x @3",
            "A remove 'y z' @4",
            "sync",
            "option tiebreak remove-wins",
            "undo",
        ],
    );
    run(&mut lab, &[&format!("save {path}")]);
    let mut loaded = Lab::new();
    run(&mut loaded, &[&format!("load {path}")]);
    assert_eq!(loaded.view(), lab.view());
    assert_eq!(loaded.position(), lab.position());
    run(&mut loaded, &["redo", "expect A.removes = {y z: 4}"]);
}

#[test]
fn a_corrupt_truncated_or_foreign_file_is_refused_and_the_lab_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let mut lab = Lab::new();
    run(&mut lab, &["A add keep"]);
    let good = dir.path().join("good.json");
    run(&mut lab, &[&format!("save {}", good.display())]);
    let text = std::fs::read_to_string(&good).unwrap();
    let cases = [
        (
            "truncated",
            text[..text.len() / 2].to_string(),
            "not a saved session",
        ),
        (
            "garbage",
            "\u{0}\u{1}nonsense".to_string(),
            "not a saved session",
        ),
        (
            "script",
            "new orset A B\nA add x\n".to_string(),
            "run it with `crdt-lab run FILE` instead",
        ),
        (
            "version",
            text.replace("\"version\": 1", "\"version\": 9"),
            "version 9",
        ),
        (
            "format",
            text.replace("crdt-lab session", "something else"),
            "its format is 'something else'",
        ),
        (
            "command",
            text.replace("A add keep", "A frobnicate"),
            "command 1 ('A frobnicate')",
        ),
    ];
    for (name, body, why) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let message = err(&mut lab, &format!("load {}", path.display()));
        assert!(message.contains(why), "{name}: {message}");
        assert_eq!(lab.history().len(), 1, "{name}: the lab is untouched");
    }
    assert!(err(&mut lab, "load /no/such/file.json").contains("cannot load"));
}

#[test]
fn a_passed_expect_refused_names_the_rule_that_refused() {
    let mut lab = Lab::new();
    execute(&mut lab, "new gset A B").expect("a fresh lab");
    let reply = execute(&mut lab, "expect refused A remove x").expect("refused, as expected");
    let Reply::Passed {
        refusal: Some(rule),
        ..
    } = &reply
    else {
        panic!("{reply:?}")
    };
    assert!(rule.rule.contains("grow-only"), "{rule}");
    let text = render::reply(&lab, &reply, render::Style::Repl);
    assert!(
        text.starts_with("ok: 'A remove x' is refused: a G-Set is grow-only"),
        "{text}"
    );
}

#[test]
fn show_hash_n_answers_one_message_in_flight_with_its_payload() {
    let mut lab = Lab::new();
    run(&mut lab, &["A add x", "send A B", "A remove x", "send A B"]);
    let Ok(Reply::Message(m)) = execute(&mut lab, "show #2") else {
        panic!("show #2 answers with the message");
    };
    assert_eq!((m.number, m.from.as_str(), m.to.as_str()), (2, "A", "B"));
    let tombstones = m.payload.iter().find(|f| f.name == "tombstones");
    assert_eq!(
        tombstones.map(|f| f.value.to_string()).as_deref(),
        Some("{x: {a1}}"),
        "the message carries the tombstone"
    );
    run(&mut lab, &["deliver 1"]);
    assert_eq!(
        err(&mut lab, "show #1"),
        "no message #1 is in flight (in flight: #2)"
    );
    assert!(err(&mut lab, "show #1x").contains("takes a message number, like show #1"));
    assert_eq!(parse("show  # a comment"), parse("show"));
    assert_eq!(
        parse("A add 'a#1'"),
        Ok(Some(Action::Change(Command::Edit {
            replica: "A".into(),
            edit: crate::crdt::Edit::Add(crate::crdt::Elem::parse("a#1")),
            at: None
        })))
    );
}

/// A transcript prints every state while the lab is small, and past the threshold only what
/// changed, saying so.
#[test]
fn a_transcript_prints_whole_states_only_while_the_lab_is_small() {
    let transcript = |adds: usize| {
        let mut text = String::from("new orswot A B\n");
        (0..adds).for_each(|k| text.push_str(&format!("A add e{k}\n")));
        text.push_str("B add last\n");
        let mut out = vec![];
        run_text("t", &text, &mut Lab::new(), RunOptions::default(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        out.lines().last().unwrap_or_default().to_string()
    };
    let small = transcript(150);
    assert!(
        small.starts_with("  A = {e0, e1,") && small.ends_with("B = {last}"),
        "{small}"
    );
    let big = transcript(render::TRANSCRIPT_ELEMENTS);
    assert_eq!(
        big,
        "  B: clock gained B: 1; entries gained last: b1; last now on B   (over 200 elements: only what changed is shown; `show` prints the states)"
    );
}

/// A lab that does not record what each command changes (`run --quiet`) ends in the same state
/// and exports the same JSON, changes included, as one that records them.
#[test]
fn a_lab_run_without_recording_exports_the_same_json() {
    let lines = [
        "new orswot A B C",
        "A add x",
        "B add y",
        "A merge B",
        "B remove x",
        "sync",
        "send A C",
        "C add z",
        "deliver all",
        "A remove y",
        "undo",
        "A add w",
        "B add x",
        "sync A B",
    ];
    let export = |record: bool| {
        let mut lab = Lab::new();
        lab.set_recording(record);
        run(&mut lab, &lines);
        match execute(&mut lab, "export json") {
            Ok(Reply::Exported { text: Some(t), .. }) => t,
            other => panic!("{other:?}"),
        }
    };
    let (recorded, unrecorded) = (export(true), export(false));
    assert!(
        recorded.contains("\"shown\": [\n"),
        "the export holds changes"
    );
    assert_eq!(unrecorded, recorded);
}
