//! Unit tests of the lesson engine: parsing, refusals with their lines, and the player's moves.

use super::*;
use crate::script::Reply;

const SMALL: &str = "\
# Tiny lesson

Two replicas of an OR-Set.

```crdt
new orset A B
```

## A adds x

A adds x; B has not heard.

```crdt
A add x   # a comment stays out
expect A = {x}
```

```ask
After a sync, does B have x?
- [x] yes
- [ ] no

A sync merges both ways.
```

## sync

```crdt
sync
expect B has x
```
";

fn small() -> Lesson {
    parse("lessons/tiny.md", SMALL).expect("the small lesson parses")
}

fn error(text: &str) -> String {
    parse("t.md", text)
        .expect_err("the lesson is refused")
        .to_string()
}

#[test]
fn a_lesson_reads_into_title_setup_steps_and_questions() {
    let l = small();
    assert_eq!(l.name, "tiny");
    assert_eq!(l.title, "Tiny lesson");
    assert_eq!(l.intro, "Two replicas of an OR-Set.");
    assert_eq!(l.setup, vec![(6, "new orset A B".to_string())]);
    assert_eq!(l.steps.len(), 2);
    let s = &l.steps[0];
    assert_eq!((s.title.as_str(), s.line), ("A adds x", 9));
    assert_eq!(s.narration, "A adds x; B has not heard.");
    assert_eq!(
        s.commands,
        vec![
            (14, "A add x   # a comment stays out".to_string()),
            (15, "expect A = {x}".to_string())
        ]
    );
    let q = s.question.as_ref().expect("a question");
    assert_eq!(q.prompt, "After a sync, does B have x?");
    assert_eq!(q.choices, vec!["yes", "no"]);
    assert_eq!(q.answer, 0);
    assert_eq!(q.explanation, "A sync merges both ways.");
    assert_eq!(l.steps[1].narration, "");
    assert_eq!(l.question_count(), 1);
}

#[test]
fn malformed_lessons_are_refused_with_file_and_line() {
    assert_eq!(
        error("just prose\n\n## a step\n\ntext\n"),
        "t.md:1: the lesson has no title; start it with a '# Title' line"
    );
    assert_eq!(
        error("# T\n\nprose only\n"),
        "t.md:1: the lesson has no steps; each '## ' heading starts one"
    );
    assert_eq!(
        error("# T\n\n## one\n\n## two\n\ntext\n"),
        "t.md:3: step 'one' has nothing in it; give it narration, a crdt block or an ask block"
    );
    assert_eq!(
        error("# T\n\n## one\n\n```crdt\nA add x\nA ad y\n```\n"),
        "t.md:7: unknown command 'ad'; did you mean add? (type help for the list)"
    );
    assert_eq!(
        error("# T\n\n## one\n\n```ask\nWhich?\n- [ ] a\n- [ ] b\n\nBecause.\n```\n"),
        "t.md:5: the question has no marked answer; mark the right choice with '- [x]'"
    );
    assert_eq!(
        error("# T\n\n## one\n\n```crdt\nundo\n```\n"),
        "t.md:6: a lesson cannot use 'undo': the player moves through the lesson's log itself"
    );
    assert_eq!(
        error("# T\n\n## one\n\n```crdt\ngo 1\n```\n"),
        "t.md:6: a lesson cannot use 'go': the player moves through the lesson's log itself"
    );
    assert_eq!(
        error("# T\n\n# U\n\n## one\n\ntext\n"),
        "t.md:3: a lesson has one '# ' title; make this heading a '## ' step"
    );
}

#[test]
fn questions_need_a_prompt_choices_one_answer_and_an_explanation() {
    let ask = |body: &str| error(&format!("# T\n\n## one\n\n```ask\n{body}\n```\n"));
    assert_eq!(
        ask("- [x] a\n- [ ] b\n\nWhy."),
        "t.md:5: the question has no prompt; write it above the choices"
    );
    assert_eq!(
        ask("Which?\n\nWhy."),
        "t.md:5: the question has no choices; list them as '- [ ] choice', with '- [x]' on the right one"
    );
    assert_eq!(
        ask("Which?\n- [x] a\n\nWhy."),
        "t.md:5: a question needs at least two choices"
    );
    assert_eq!(
        ask("Which?\n- [x] a\n- [x] b\n\nWhy."),
        "t.md:5: the question marks 2 answers; mark only the right one with '- [x]'"
    );
    assert_eq!(
        ask("Which?\n- [x] a\n- [ ] b"),
        "t.md:5: the question has no explanation; write it below the choices"
    );
    assert_eq!(
        ask("Which?\n- [x] a\n- b\n\nWhy."),
        "t.md:8: choice 2 is not a checklist item; write '- [ ] choice', or '- [x] choice' for the right one"
    );
    let intro = error("# T\n\n```ask\nWhich?\n- [x] a\n- [ ] b\n\nWhy.\n```\n\n## one\n\nx\n");
    assert_eq!(
        intro,
        "t.md:3: a question belongs in a step; put a '## ' heading above it"
    );
}

#[test]
fn next_runs_the_step_and_marks_it_in_the_log() {
    let mut p = Player::new(small());
    assert_eq!(p.step(), 0);
    assert_eq!(p.narration(), "Two replicas of an OR-Set.");
    let report = p.next().expect("step 1");
    assert_eq!(report.lines.len(), 2);
    assert!(report.lines.iter().all(|(_, r)| r.is_ok()));
    assert_eq!(p.step(), 1);
    assert_eq!(
        p.lab().step(),
        1,
        "the player runs `step <title>` on entering a step"
    );
    assert!(crate::script::render::markdown(&p.lab().table()).contains("| A adds x "));
}

#[test]
fn a_pending_question_holds_the_player_until_answered_right() {
    let mut p = Player::new(small());
    p.next().expect("step 1");
    assert_eq!(p.next(), Err(PlayError::QuestionPending { choices: 2 }));
    assert_eq!(
        p.answer(5),
        Err(PlayError::NoSuchChoice {
            choice: 5,
            choices: 2
        })
    );
    let huge = p
        .answer(usize::MAX)
        .expect_err("no such choice")
        .to_string();
    assert!(huge.ends_with("pick a number from 1 to 2"), "{huge}");
    let wrong = p.answer(1).expect("an answer");
    assert!(!wrong.correct);
    assert!(
        p.question().is_some(),
        "a wrong answer leaves the question waiting"
    );
    let right = p.answer(0).expect("an answer");
    assert_eq!((right.correct, right.right), (true, 0));
    assert_eq!(p.question(), None);
    assert_eq!(p.score(), (0, 1));
    p.next().expect("step 2");
    assert_eq!(p.next(), Err(PlayError::AtEnd { steps: 2 }));
    assert_eq!(p.answer(0), Err(PlayError::NoQuestion));
}

#[test]
fn back_returns_to_the_step_boundary_in_the_log() {
    let mut p = Player::new(small());
    let start = p.lab().position();
    p.next().expect("step 1");
    let after_one = p.lab().position();
    p.answer(0).expect("answered");
    p.next().expect("step 2");
    p.back().expect("back");
    assert_eq!((p.step(), p.lab().position()), (1, after_one));
    assert_eq!(
        p.lab()
            .world()
            .replica("B")
            .map(|r| r.set.visible().to_string()),
        Ok("{}".to_string())
    );
    p.back().expect("back");
    assert_eq!((p.step(), p.lab().position()), (0, start));
    assert_eq!(p.back(), Err(PlayError::AtStart));
    p.goto(2).expect("forward along the log");
    assert!(p.lab().world().converged());
    assert_eq!(p.goto(3), Err(PlayError::NoSuchStep { step: 3, steps: 2 }));
}

#[test]
fn experiments_run_on_a_copy_and_the_next_step_rolls_them_back() {
    let mut p = Player::new(small());
    p.next().expect("step 1");
    p.answer(0).expect("answered");
    let reply = p.experiment("B add zebra").expect("accepted");
    assert!(matches!(reply, Reply::Changed { .. }));
    p.experiment("show").expect("a query");
    assert!(p.experiment("B remove nothing-here").is_ok());
    assert_eq!(p.experiments(), ["B add zebra", "B remove nothing-here"]);
    assert!(
        p.lab()
            .world()
            .replica("B")
            .is_ok_and(|r| r.set.visible().to_string() == "{zebra}")
    );
    let report = p.next().expect("step 2");
    assert_eq!(report.rolled_back, ["B add zebra", "B remove nothing-here"]);
    assert!(
        report.lines.iter().all(|(_, r)| r.is_ok()),
        "the step carries on from the lesson's state"
    );
    assert!(
        p.lab()
            .world()
            .replica("B")
            .is_ok_and(|r| r.set.visible().to_string() == "{x}")
    );
    assert!(p.experiments().is_empty());
}

#[test]
fn an_experiment_that_undoes_the_lessons_own_commands_is_rolled_back_too() {
    let mut p = Player::new(small());
    p.next().expect("step 1");
    p.answer(0).expect("answered");
    p.experiment("undo").expect("undo");
    p.experiment("undo").expect("undo");
    p.experiment("B add y").expect("add");
    p.next().expect("step 2");
    let b = p
        .lab()
        .world()
        .replica("B")
        .map(|r| r.set.visible().to_string());
    assert_eq!(b, Ok("{x}".to_string()));
}

#[test]
fn builtin_lessons_parse_and_find_by_name_number_or_path() {
    let lessons = builtin().expect("the built-in lessons parse");
    assert_eq!(lessons.len(), BUILTIN.len(), "every shipped lesson parses");
    let first = &lessons[0];
    assert_eq!(find("1").map(|l| l.name), Ok(first.name.clone()));
    assert_eq!(find(&first.name).map(|l| l.title), Ok(first.title.clone()));
    assert!(find("0").is_err());
    let typo = find("gset-apple-banan")
        .expect_err("no such lesson")
        .to_string();
    assert!(typo.contains("did you mean gset-apple-banana?"), "{typo}");
    assert!(
        find("no/such/file.md")
            .is_err_and(|e| e.to_string().starts_with("cannot read no/such/file.md"))
    );
}

#[test]
fn giving_up_scores_wrong_and_a_solved_question_remembers_how() {
    let mut p = Player::new(small());
    p.next().expect("step 1");
    assert_eq!(p.solved(), None, "not answered yet");
    let given = p.give_up().expect("a question waits");
    assert_eq!((given.correct, given.right), (false, 0));
    assert_eq!(given.explanation, "A sync merges both ways.");
    assert_eq!(p.question(), None, "giving up lets the lesson go on");
    assert_eq!(
        p.score(),
        (0, 1),
        "giving up counts as not right the first time"
    );
    assert_eq!(
        p.solved().map(|(first, a)| (first, a.right)),
        Some((false, 0))
    );
    p.next().expect("step 2");
    p.back().expect("back to step 1");
    assert!(
        p.solved().is_some(),
        "coming back, the answer is still known"
    );
    assert_eq!(p.give_up(), Err(PlayError::NoQuestion));

    let mut p = Player::new(small());
    p.next().expect("step 1");
    p.answer(0).expect("an answer");
    assert_eq!(p.solved().map(|(first, _)| first), Some(true));
}

#[test]
fn go_lines_are_read_by_the_grammar() {
    assert_eq!(Player::jump_of("go 3"), Some(3));
    assert_eq!(Player::jump_of("  go 0  # the title page"), Some(0));
    assert_eq!(Player::jump_of("go three"), None);
    assert_eq!(Player::jump_of("A add x"), None);
}
