//! `check` in words: the report of the laws (each holds, or fails with its shrunk story and its
//! numbers), and a counterexample written as a `.crdt` script whose last `expect` fails.

use super::grammar::line;
use crate::lab::{Counterexample, Law, Move, Report, Setup};

/// The report as text: one line per law, and under a failing law its story and its lines.
pub fn report_text(report: &Report) -> String {
    let setup = &report.setup;
    let mut out = vec![format!(
        "check {} ({}; replicas {}): {} random histories from seed {}",
        setup.kind.word(),
        setup.options_text(),
        setup.replicas.join(" "),
        report.cases,
        report.seed
    )];
    for (law, ce) in &report.laws {
        match ce {
            None => out.push(format!("  {:<14} holds", law.word())),
            Some(ce) => {
                out.push(format!("  {:<14} FAILS: {}", law.word(), story(ce)));
                out.extend(lines(setup, ce).iter().map(|l| format!("      {l}")));
            }
        }
    }
    out.push(match report.holds() {
        true => "every law holds".to_string(),
        false => {
            let failed: Vec<&str> = report
                .laws
                .iter()
                .filter(|(_, ce)| ce.is_some())
                .map(|(law, _)| law.word())
                .collect();
            format!(
                "broken: {} (save one as a script with --save FILE)",
                failed.join(", ")
            )
        }
    });
    out.join("\n")
}

/// One sentence with the numbers: what the law says should match, and what did not.
pub fn story(ce: &Counterexample) -> String {
    let p = &ce.probe;
    let part = |replica: &str| match p.field {
        Some(field) => format!("{replica}.{field}"),
        None => replica.to_string(),
    };
    let (want, got) = (&p.expected, &p.found);
    let (r, s) = (part(&p.expected_from), part(&p.replica));
    match ce.law {
        Law::Commutativity => format!(
            "{} gives {r} = {want}, but {} gives {s} = {got}",
            merges(ce, 1),
            merges_after_undo(ce)
        ),
        Law::Associativity => format!(
            "{} gives {r} = {want}, but {} gives {r} = {got}",
            merges(ce, 2),
            merges_after_undo(ce)
        ),
        Law::Idempotence => format!(
            "{} gives {r} = {want}, and merging the same again gives {r} = {got}",
            merges(ce, 1)
        ),
        Law::Inflation => {
            let Some((step, before, after)) = &ce.step else {
                return format!("{s} went down its order: {want} became {got}");
            };
            let merged_back = p.moves.len() > 1;
            let zombie = match (before, after) {
                _ if !merged_back => String::new(),
                (crate::crdt::Value::Set(b), crate::crdt::Value::Set(a)) => {
                    let back: Vec<&String> = b.iter().filter(|e| !a.contains(e)).collect();
                    match (back.is_empty(), p.field.is_none() && got == before) {
                        (false, true) => format!(
                            "; merging {}'s own earlier state back brings {} back (a zombie)",
                            p.replica,
                            back.iter()
                                .map(|e| e.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        _ => format!(
                            "; merging its own earlier state back gives {s} = {got}, not {want}"
                        ),
                    }
                }
                _ => String::new(),
            };
            format!(
                "`{}` took {} from {before} to {after}, down its order{zombie}",
                line(step),
                p.replica
            )
        }
        Law::Convergence => format!(
            "after every replica has merged every other's updates, {r} = {want} but {s} = {got}"
        ),
    }
}

/// The first `n` merges of the probe, as `A merge B, then A merge C`.
fn merges(ce: &Counterexample, n: usize) -> String {
    let first = ce.probe.moves.iter().take(n).filter_map(|m| match m {
        Move::Run(c) => Some(line(c)),
        Move::Undo => None,
    });
    first.collect::<Vec<_>>().join(", then ")
}

/// The merges after the probe's last undo.
fn merges_after_undo(ce: &Counterexample) -> String {
    let moves = &ce.probe.moves;
    let from = moves
        .iter()
        .rposition(|m| *m == Move::Undo)
        .map_or(0, |k| k + 1);
    let rest = moves[from..].iter().filter_map(|m| match m {
        Move::Run(c) => Some(line(c)),
        Move::Undo => None,
    });
    rest.collect::<Vec<_>>().join(", then ")
}

/// The lines of the story: the lab, the history, the probe and the `expect` that fails.
pub fn lines(setup: &Setup, ce: &Counterexample) -> Vec<String> {
    let spare = ce.law == Law::Inflation && ce.probe.moves.len() > 1;
    let mut out: Vec<String> = setup.commands(spare).iter().map(line).collect();
    out.extend(ce.history.iter().map(line));
    for (k, m) in ce.probe.moves.iter().enumerate() {
        if k == ce.probe.mark && ce.probe.mark > 0 {
            out.push(expect_line(
                &ce.probe.expected_from,
                ce.probe.field,
                &ce.probe.expected,
            ));
        }
        out.push(match m {
            Move::Run(c) => line(c),
            Move::Undo => "undo".into(),
        });
    }
    let p = &ce.probe;
    if p.mark == p.moves.len() && p.expected_from != p.replica {
        out.push(expect_line(&p.expected_from, p.field, &p.expected));
    }
    out.push(expect_line(&p.replica, p.field, &p.expected));
    out
}

fn expect_line(replica: &str, field: Option<&str>, value: &crate::crdt::Value) -> String {
    match field {
        Some(field) => format!("expect {replica}.{field} = {value}"),
        None => format!("expect {replica} = {value}"),
    }
}

/// The counterexample as a `.crdt` script: comments say what the law asks and what happens,
/// and its last `expect` fails under `crdt-lab run`.
pub fn script(report: &Report, ce: &Counterexample) -> String {
    let setup = &report.setup;
    let mut out = vec![
        format!(
            "# crdt-lab check {} (seed {}): {} fails",
            setup.kind.word(),
            report.seed,
            ce.law.word()
        ),
        format!("# The law: {}.", ce.law.rule()),
        format!("# What happens: {}.", story(ce)),
        "# The last expect states what the law says, and fails.".to_string(),
    ];
    out.extend(lines(setup, ce));
    out.push(String::new());
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crdt::Kind;
    use crate::lab::{Lab, check};
    use crate::script::{RunOptions, execute, run_text};

    /// A lab set up by `lines`, then `check` in it.
    fn checked(lines: &str) -> Report {
        let mut lab = Lab::new();
        for line in lines.lines() {
            execute(&mut lab, line).expect("the setup runs");
        }
        match execute(&mut lab, "check") {
            Ok(crate::script::Reply::Checked(report)) => report,
            other => panic!("check answered {other:?}"),
        }
    }

    /// Every counterexample's script runs until its last line, and fails there.
    fn each_script_fails_at_its_end(report: &Report) {
        for ce in report.laws.iter().filter_map(|(_, ce)| ce.as_ref()) {
            let text = script(report, ce);
            let last = text.trim_end().lines().count();
            let mut sink = vec![];
            let err = run_text(
                "ce.crdt",
                &text,
                &mut Lab::new(),
                RunOptions::default(),
                &mut sink,
            )
            .expect_err(&format!("the script fails:\n{text}"));
            assert_eq!(
                err.line, last,
                "it fails at its last expect:\n{text}\n{err}"
            );
            assert!(matches!(
                *err.failure,
                crate::script::Failure::Expectation(_)
            ));
        }
    }

    #[test]
    fn naive_and_every_mistake_fail_with_scripts_that_fail_at_their_last_expect() {
        let labs = [
            ("new naive A B", vec![Law::Inflation]),
            (
                "new naive A B\noption sync ops",
                vec![Law::Commutativity, Law::Convergence],
            ),
            (
                "new orset A B\noption mistake reuse-tags",
                vec![Law::Inflation],
            ),
            (
                "new orswot A B\noption mistake reuse-tags",
                vec![Law::Inflation],
            ),
            (
                "new 2pset A B\noption mistake merge-one-side",
                vec![Law::Commutativity, Law::Convergence],
            ),
            (
                "new lww A B\noption tiebreak remove-wins B",
                vec![Law::Convergence],
            ),
        ];
        for (setup, laws) in labs {
            let report = checked(setup);
            for law in laws {
                let found = report.laws.iter().find(|(l, _)| *l == law);
                assert!(
                    found.is_some_and(|(_, ce)| ce.is_some()),
                    "{setup}: {law:?}\n{}",
                    report_text(&report)
                );
            }
            each_script_fails_at_its_end(&report);
        }
    }

    #[test]
    fn a_crdt_reports_every_law_holding() {
        let report = checked("new orswot A B C");
        assert!(report.holds());
        let text = report_text(&report);
        let holding = text
            .lines()
            .filter(|l| l.starts_with("  ") && l.ends_with(" holds"));
        assert_eq!(holding.count(), 5, "{text}");
        assert!(text.ends_with("every law holds"), "{text}");
    }

    #[test]
    fn the_naive_story_names_the_zombie_with_its_numbers() {
        let report = check(&Setup::new(Kind::Naive), 1, 300);
        let ce = report.first().expect("naive breaks a law");
        let said = story(ce);
        assert!(
            said.contains("down its order") && said.contains("(a zombie)"),
            "{said}"
        );
    }

    #[test]
    fn explore_stats_and_exports_refuse_bad_input_and_change_nothing() {
        let mut lab = Lab::new();
        execute(&mut lab, "A add x").expect("added");
        let before = lab.position();
        for line in [
            "explore",
            "explore --all",
            "expect outcomes = two",
            "expect outcomes = 1",
            "export svg /no/such/dir/x.svg",
            "export png",
        ] {
            assert!(execute(&mut lab, line).is_err(), "{line}");
        }
        assert!(matches!(
            execute(&mut lab, "stats"),
            Ok(crate::script::Reply::Stats(_))
        ));
        assert_eq!(lab.position(), before, "nothing was logged");
        assert_eq!(lab.world().replicas[0].set.elements().len(), 1);
    }

    #[test]
    fn explore_reports_its_outcomes_with_schedules_in_words() {
        let mut lab = Lab::new();
        for line in [
            "new naive A B C",
            "option sync ops",
            "A add x",
            "sync",
            "B remove x",
        ] {
            execute(&mut lab, line).expect("runs");
        }
        for line in ["send B C", "A add x", "send A C"] {
            execute(&mut lab, line).expect("runs");
        }
        let Ok(crate::script::Reply::Explored(found)) = execute(&mut lab, "explore") else {
            panic!("explore answers with its outcomes")
        };
        let text = crate::script::findings::explored_text(&found);
        assert!(
            text.starts_with("2 messages in flight: 2 distinct outcomes"),
            "{text}"
        );
        assert!(
            text.contains("by: deliver 1, deliver 2") && text.contains("by: deliver 2, deliver 1")
        );
        assert!(execute(&mut lab, "expect outcomes = 2").is_ok());
    }

    #[test]
    fn replaying_an_outcome_lands_on_its_states_and_undo_steps_back_through_it() {
        let mut lab = Lab::new();
        let story = [
            "new naive A B C",
            "option sync ops",
            "A add x",
            "sync",
            "B remove x",
            "send B C",
            "A add x",
            "send A C",
        ];
        for line in story {
            execute(&mut lab, line).expect("runs");
        }
        let Ok(crate::script::Reply::Explored(found)) = execute(&mut lab, "explore") else {
            panic!("explored")
        };
        let start = lab.position();
        for bad in [
            "explore --replay 3",
            "explore --replay 0",
            "explore --replay x",
        ] {
            assert!(execute(&mut lab, bad).is_err(), "{bad}");
            assert_eq!(lab.position(), start, "{bad} changed nothing");
        }
        for (k, ending) in found.endings.iter().enumerate() {
            execute(&mut lab, &format!("explore --replay {}", k + 1)).expect("replayed");
            let states: Vec<(String, crate::crdt::Value)> = lab
                .world()
                .replicas
                .iter()
                .map(|r| (r.name.to_string(), r.set.visible()))
                .collect();
            assert_eq!(states, ending.states, "outcome {}", k + 1);
            assert!(lab.world().wire.is_empty());
            while lab.position() > start {
                lab.undo();
            }
        }
    }

    #[test]
    fn bad_check_lines_are_refused_and_change_nothing() {
        let mut lab = Lab::new();
        for line in [
            "check --cases 0",
            "check --seed",
            "check --seed -3",
            "check --fast",
            "check --cases 99999999",
        ] {
            assert!(execute(&mut lab, line).is_err(), "{line}");
        }
        assert_eq!(lab.position(), 0);
    }
}
