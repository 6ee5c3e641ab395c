//! The shipped lessons: each plays headless with all its expectations and questions (its
//! transcript is a snapshot), going back and forth lands on the same states as going straight,
//! malformed lessons get their exact messages, and a wrong expectation fails the run.

use crdt_lab::lesson::{self, Lesson, Player, play_headless};
use crdt_lab::script::RunOptions;
use std::process::Command;

const CURRICULUM: &[&str] = &[
    "gset-apple-banana",
    "partitions-in-flight",
    "naive-zombie",
    "2pset-remove-wins",
    "2pset-bob-never-returns",
    "2pset-lattice",
    "2pset-monotonic-map",
    "lww-clock-decides",
    "lww-tiebreak",
    "lww-clock-skew",
    "pnset-negative",
    "orset-add-wins",
    "orset-readd",
    "orset-practice",
    "orswot-no-tombstones",
    "one-story-four-answers",
    "ops-relay",
    "metadata-and-messages",
    "mistakes",
    "choosing-a-set",
];

fn builtin() -> Vec<Lesson> {
    lesson::builtin().unwrap_or_else(|e| panic!("a built-in lesson does not parse: {e}"))
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
}

fn transcript(lesson: &Lesson) -> String {
    let mut out = Vec::new();
    let result = play_headless(lesson, RunOptions::default(), &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    if let Err(e) = result {
        panic!("{} failed: {e}\n{text}", lesson.name);
    }
    text
}

#[test]
fn the_curriculum_ships_its_twenty_lessons_in_order() {
    let names: Vec<String> = builtin().into_iter().map(|l| l.name).collect();
    assert_eq!(names, CURRICULUM);
    let mut on_disk: Vec<String> = std::fs::read_dir("lessons")
        .expect("the lessons folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".md").map(str::to_string))
        .filter(|f| f != "README")
        .collect();
    on_disk.sort();
    let mut shipped: Vec<&str> = CURRICULUM.to_vec();
    shipped.sort();
    assert_eq!(
        on_disk, shipped,
        "every lesson file ships, and nothing else"
    );
    for lesson in builtin() {
        assert!(
            lesson.question_count() >= 1,
            "{} asks at least one question",
            lesson.name
        );
    }
}

/// The lessons about the network, ops and mistakes; every other lesson is about set types.
const NOT_ON_A_TYPE: &[&str] = &[
    "partitions-in-flight",
    "ops-relay",
    "metadata-and-messages",
    "mistakes",
];

/// What a choosing question asks about: a feature a set could hold.
const FEATURES: &[&str] = &[
    "cart", "friend", "ban", "flag", "tag", "label", "ids", "status", "revoked", "block", "list",
];

#[test]
fn every_step_has_narration_and_every_lesson_on_a_type_ends_by_choosing_a_feature() {
    for lesson in builtin() {
        assert_eq!(lesson.warnings(), Vec::<String>::new(), "{}", lesson.name);
        for step in &lesson.steps {
            assert!(
                !step.narration.trim().is_empty(),
                "{}: step '{}' has no narration",
                lesson.name,
                step.title
            );
        }
        if NOT_ON_A_TYPE.contains(&lesson.name.as_str()) {
            continue;
        }
        let last = lesson.steps.last().expect("a lesson has steps");
        let q = last
            .question
            .as_ref()
            .unwrap_or_else(|| panic!("{} ends without a question on choosing", lesson.name));
        let text = format!("{} {}", q.prompt, q.choices.join(" ")).to_lowercase();
        assert!(
            FEATURES.iter().any(|f| text.contains(f)),
            "{}: the last question names no feature: {}",
            lesson.name,
            q.prompt
        );
    }
}

#[test]
fn every_lesson_plays_headless_and_matches_its_snapshot() {
    for lesson in builtin() {
        let text = transcript(&lesson);
        let want = format!("passed: {} steps", lesson.steps.len());
        assert!(text.contains(&want), "{}: {want}", lesson.name);
        insta::assert_snapshot!(lesson.name.clone(), text);
    }
}

#[test]
fn run_plays_every_lesson_file_and_passes() {
    let mut files: Vec<String> = CURRICULUM
        .iter()
        .map(|n| format!("lessons/{n}.md"))
        .collect();
    files.push("lessons/README.md".into());
    let out = bin()
        .arg("run")
        .args(&files)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches("\npassed: ").count(), files.len());
}

#[test]
fn the_lessons_command_lists_every_lesson() {
    // A home without saved progress, so the progress column is empty.
    let home = tempfile::tempdir().expect("a temporary home");
    let out = bin()
        .arg("lessons")
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .expect("the binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for (k, lesson) in builtin().iter().enumerate() {
        let line = text
            .lines()
            .find(|l| l.contains(&format!(" {} ", lesson.name)))
            .unwrap_or_default();
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells.first(), Some(&(k + 1).to_string().as_str()), "{line}");
        assert!(line.contains(&lesson.title), "{line}");
        let counts = [
            lesson.steps.len().to_string(),
            lesson.question_count().to_string(),
        ];
        assert_eq!(cells[cells.len() - 2..], counts, "{line}");
    }
}

/// Walk forward answering every question with its marked choice.
fn forward(player: &mut Player) {
    if let Some(q) = player.question().cloned() {
        player.answer(q.answer).expect("the marked answer");
    }
    let report = player.next().expect("the next step");
    assert!(
        report.failure().is_none(),
        "{}: {:?}",
        player.lesson().name,
        report.failure()
    );
}

/// What must be equal: the view, the position in the log and the history's commands.
fn state(player: &Player) -> (String, usize, Vec<String>) {
    let lab = player.lab();
    let history = lab
        .history()
        .iter()
        .map(|e| e.command.to_string())
        .collect();
    (format!("{:?}", lab.view()), lab.position(), history)
}

#[test]
fn going_back_and_forward_again_lands_where_going_straight_does() {
    for lesson in builtin() {
        let mut straight = Player::new(lesson.clone());
        let mut states = vec![state(&straight)];
        while !straight.at_end() {
            forward(&mut straight);
            states.push(state(&straight));
        }
        let last = states.len() - 1;
        for n in 1..=last {
            let mut p = Player::new(lesson.clone());
            (0..n).for_each(|_| forward(&mut p));
            p.back().expect("back");
            assert_eq!(
                state(&p),
                states[n - 1],
                "{} back from step {n}",
                lesson.name
            );
            forward(&mut p);
            assert_eq!(
                state(&p),
                states[n],
                "{} forward again to step {n}",
                lesson.name
            );
        }
        let mut p = straight;
        for n in (0..last).rev() {
            p.back().expect("back");
            assert_eq!(
                state(&p),
                states[n],
                "{} back down to step {n}",
                lesson.name
            );
        }
        for (n, want) in states.iter().enumerate().skip(1) {
            forward(&mut p);
            assert_eq!(&state(&p), want, "{} up again to step {n}", lesson.name);
        }
        for n in [last, 0, last / 2, last] {
            p.goto(n).expect("a jump");
            assert_eq!(state(&p), states[n], "{} jump to step {n}", lesson.name);
        }
    }
}

#[test]
fn the_readme_example_is_a_lesson_that_passes() {
    let readme = std::fs::read_to_string("lessons/README.md").expect("lessons/README.md");
    let start = readme.find("````markdown\n").expect("the example") + "````markdown\n".len();
    let end = start + readme[start..].find("````").expect("the example's end");
    let example = lesson::parse("two-fruits.md", &readme[start..end]).expect("the example parses");
    assert_eq!((example.steps.len(), example.question_count()), (2, 1));
    assert!(transcript(&example).contains("passed: 2 steps, 3 expectations, 1 question answered"));
    lesson::parse("lessons/README.md", &readme).expect("the README itself is a valid lesson");
}

fn run_file(name: &str, text: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("written");
    let out = bin()
        .arg("run")
        .arg(&path)
        .output()
        .expect("the binary runs");
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&dir.path().display().to_string(), "DIR");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

#[test]
fn malformed_lessons_are_refused_with_their_exact_messages() {
    let cases = [
        (
            "No title here.\n\n## A step\n\nText.\n",
            "DIR/bad.md:1: the lesson has no title; start it with a '# Title' line\n",
        ),
        (
            "# T\n\n## One\n\n```crdt\nnew gset A B\nA ad x\n```\n",
            "DIR/bad.md:7: unknown command 'ad'; did you mean add? (type help for the list)\n",
        ),
        (
            "# T\n\n## One\n\nText.\n\n```ask\nWhich?\n- [ ] this\n- [ ] that\n\nBecause.\n```\n",
            "DIR/bad.md:7: the question has no marked answer; mark the right choice with '- [x]'\n",
        ),
        (
            "# T\n\n## One\n\nText.\n\n## Two\n\n## Three\n\nText.\n",
            "DIR/bad.md:7: step 'Two' has nothing in it; give it narration, a crdt block or an ask block\n",
        ),
    ];
    for (text, message) in cases {
        let (code, stdout, stderr) = run_file("bad.md", text);
        assert_eq!((code, stderr.as_str()), (1, message), "{text}");
        assert_eq!(stdout, "", "nothing plays");
    }
}

#[test]
fn a_step_without_narration_is_warned_about_and_still_plays() {
    let text = "# Quiet\n\n## A adds x\n\n```crdt\nnew orset A B\nA add x\nexpect A = {x}\n```\n";
    let (code, stdout, stderr) = run_file("quiet.md", text);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "DIR/quiet.md:3: warning: step 'A adds x' has no narration; say in a sentence or two \
         what it shows, with the numbers the lab shows\n"
    );
    assert!(stdout.contains("passed: 1 step"), "{stdout}");
}

#[test]
fn a_lesson_with_a_wrong_expectation_fails_the_run() {
    let text = "# Wrong\n\n## A adds x\n\nA adds x.\n\n```crdt\nnew orset A B\nA add x\nexpect A = {y}\nexpect B = {}\n```\n";
    let (code, stdout, stderr) = run_file("wrong.md", text);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "DIR/wrong.md:10: expect A = {y}\n  expected A = {y}, found A = {x}\n"
    );
    assert!(!stdout.contains("passed:"), "{stdout}");
    let lesson = lesson::parse("wrong.md", text).expect("it parses");
    let err =
        play_headless(&lesson, RunOptions { quiet: true }, &mut Vec::new()).expect_err("it fails");
    let lesson::HeadlessError::Line(err) = err else {
        panic!("{err:?}")
    };
    assert_eq!(err.line, 10);
}

#[test]
fn a_refused_command_fails_a_lesson_unless_expected() {
    let text = "# Refused\n\n## Remove on a G-Set\n\nA G-Set refuses removes.\n\n```crdt\nnew gset A B\nA add x\nA remove x\n```\n";
    let (code, _, stderr) = run_file("refused.md", text);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("DIR/refused.md:10: A remove x\n  refused 'A remove x'"),
        "{stderr}"
    );
}

#[test]
fn play_without_plain_and_without_a_terminal_points_to_plain() {
    let out = bin()
        .args(["play", "gset-apple-banana"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the TUI needs a terminal") && err.contains("play <lesson> --plain"),
        "{err}"
    );
    let out = bin()
        .args(["play", "no-such-lesson", "--plain"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("there is no lesson 'no-such-lesson'")
    );
}

/// The rows of every worked table of a lesson, one after the other: each lab its own table,
/// whose `start` row shows only for the first.
fn rows(player: &Player) -> Vec<crdt_lab::lab::Row> {
    let tables = player.lab().table();
    let mut rows = vec![];
    for (k, table) in tables.into_iter().enumerate() {
        rows.extend(table.rows.into_iter().skip(usize::from(k > 0)));
    }
    rows
}

/// Play a lesson straight to its end, answering each question with its marked choice.
fn played(name: &str) -> Player {
    let mut player = Player::new(lesson::find(name).expect("a shipped lesson"));
    while !player.at_end() {
        forward(&mut player);
    }
    player
}

#[test]
fn a_played_lesson_exports_as_a_worked_table_with_a_row_per_step() {
    for lesson in builtin() {
        let rows = rows(&played(&lesson.name));
        let labels: Vec<&str> = rows.iter().map(|r| r.step.as_str()).collect();
        let mut want = vec!["start"];
        want.extend(lesson.steps.iter().map(|s| s.title.as_str()));
        assert_eq!(labels, want, "{}", lesson.name);
    }
}

#[test]
fn the_seed_tables_come_back_cell_for_cell() {
    let cells = |name: &str| -> Vec<(String, Vec<String>)> {
        let rows = rows(&played(name));
        rows.into_iter().map(|r| (r.step, r.cells)).collect()
    };
    let row = |step: &str, cells: &[&str]| {
        (
            step.to_string(),
            cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        cells("2pset-remove-wins"),
        [
            row("start", &["{x} / {}", "{x} / {}"]),
            row("A removes x", &["{x} / {x}", "{x} / {}"]),
            row("B re-adds x", &["{x} / {x}", "{x} / {}"]),
            row("sync", &["{x} / {x}", "{x} / {x}"]),
            row("lookup(x)", &["{x} / {x}", "{x} / {x}"]),
        ]
    );
    assert_eq!(
        cells("orset-add-wins"),
        [
            row("start", &["{x: {a1}} / {}", "{x: {a1}} / {}"]),
            row("A removes x", &["{} / {x: {a1}}", "{x: {a1}} / {}"]),
            row(
                "B adds x (new tag b1)",
                &["{} / {x: {a1}}", "{x: {a1, b1}} / {}"]
            ),
            row("merge", &["{x: {b1}} / {x: {a1}}", "{x: {b1}} / {x: {a1}}"]),
            row(
                "lookup(x)",
                &["{x: {b1}} / {x: {a1}}", "{x: {b1}} / {x: {a1}}"]
            ),
        ]
    );
    assert_eq!(
        cells("lww-clock-decides")[..5],
        [
            row("start", &["{x: 1} / {}", "{x: 1} / {}"]),
            row("A removes x @5", &["{x: 1} / {x: 5}", "{x: 1} / {}"]),
            row("B adds x @7", &["{x: 1} / {x: 5}", "{x: 7} / {}"]),
            row("merge (max each)", &["{x: 7} / {x: 5}", "{x: 7} / {x: 5}"]),
            row("present(x)", &["{x: 7} / {x: 5}", "{x: 7} / {x: 5}"]),
        ]
    );
    assert_eq!(
        cells("gset-apple-banana")[..4],
        [
            row("start", &["{}", "{}"]),
            row("A adds apple", &["{apple}", "{}"]),
            row("B adds banana", &["{apple}", "{banana}"]),
            row(
                "sync (union both ways)",
                &["{apple, banana}", "{apple, banana}"]
            ),
        ]
    );
}
