//! Expectations: `expect ...` lines that check a lab. Lessons, scripts and tests use them.

use super::grammar::{Action, ParseError, parse};
use crate::crdt::Elem;
use crate::crdt::normalize;
use crate::lab::{Command, Lab, Replica, World};

#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// `expect converged` (true) or `expect diverged` (false).
    Converged(bool),
    /// `expect A has x` (true) or `expect A lacks x` (false).
    Has {
        replica: String,
        elem: Elem,
        present: bool,
    },
    /// `expect A = {x}` (no field: the visible elements) or `expect A.removed = {x}`.
    Equals {
        replica: String,
        field: Option<String>,
        value: String,
    },
    /// `expect refused A remove x`: runs the command; passes only if it is refused.
    Refused(Command),
}

/// A failed expectation: what was expected and what was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub expected: String,
    pub found: String,
}

impl Expectation {
    pub fn parse(words: &[String]) -> Result<Expectation, ParseError> {
        let text = words.join(" ");
        match words.first().map(String::as_str) {
            Some("converged") if words.len() == 1 => return Ok(Expectation::Converged(true)),
            Some("diverged") if words.len() == 1 => return Ok(Expectation::Converged(false)),
            Some("refused") => return refused(&words[1..]),
            _ => {}
        }
        if let [replica, verb, elem] = words
            && (verb == "has" || verb == "lacks")
        {
            let (replica, elem) = (replica.clone(), Elem::parse(elem));
            return Ok(Expectation::Has {
                replica,
                elem,
                present: verb == "has",
            });
        }
        let (left, value) = text.split_once('=').ok_or_else(|| {
            ParseError::new(format!("cannot read 'expect {text}'; try expect A = {{x}}, expect A has x, expect A.removed = {{x}}, expect converged, expect refused <command>"))
        })?;
        let (replica, field) = match left.trim().split_once('.') {
            Some((r, f)) => (r.to_string(), Some(f.to_string())),
            None => (left.trim().to_string(), None),
        };
        Ok(Expectation::Equals {
            replica,
            field,
            value: value.trim().to_string(),
        })
    }

    /// Check the lab. Only `refused` changes it (it runs its command).
    pub fn check(&self, lab: &mut Lab) -> Result<(), Mismatch> {
        let world = lab.world();
        let miss = |expected: String, found: String| Err(Mismatch { expected, found });
        match self {
            Expectation::Converged(want) if world.converged() == *want => Ok(()),
            Expectation::Converged(want) => {
                let states = world.visible_states();
                let word = |b: bool| if b { "converged" } else { "diverged" };
                miss(
                    word(*want).into(),
                    format!("{} ({})", word(!want), states.join(", ")),
                )
            }
            Expectation::Has {
                replica,
                elem,
                present,
            } => {
                let r = replica_of(world, replica)?;
                let word = |b: bool| if b { "has" } else { "lacks" };
                if r.set.contains(elem) == *present {
                    return Ok(());
                }
                miss(
                    format!("{replica} {} {elem}", word(*present)),
                    format!("{replica} = {}", r.set.visible()),
                )
            }
            Expectation::Equals {
                replica,
                field,
                value,
            } => {
                let r = replica_of(world, replica)?;
                let name = field.as_deref().unwrap_or("elements");
                let label = field
                    .as_ref()
                    .map_or(replica.clone(), |f| format!("{replica}.{f}"));
                let Some(found) = r.set.field(name) else {
                    let names: Vec<&str> = r.set.describe().iter().map(|f| f.name).collect();
                    return miss(
                        format!("{label} = {value}"),
                        format!(
                            "{} has no field {name} (fields: {})",
                            world.kind.title(),
                            names.join(", ")
                        ),
                    );
                };
                if found.normalized() == normalize(value) {
                    return Ok(());
                }
                miss(format!("{label} = {value}"), format!("{label} = {found}"))
            }
            Expectation::Refused(command) => match lab.run(command.clone()) {
                Err(_) => Ok(()),
                Ok(_) => miss(
                    format!("'{command}' to be refused"),
                    "it was accepted".into(),
                ),
            },
        }
    }
}

/// A named replica, or a mismatch saying there is none.
fn replica_of<'w>(world: &'w World, replica: &str) -> Result<&'w Replica, Mismatch> {
    world.replica(replica).map_err(|e| Mismatch {
        expected: format!("replica {replica}"),
        found: e.rule,
    })
}

fn refused(words: &[String]) -> Result<Expectation, ParseError> {
    let line = shlex::try_join(words.iter().map(String::as_str))
        .map_err(|e| ParseError::new(e.to_string()))?;
    match parse(&line)? {
        Some(Action::Change(command)) => Ok(Expectation::Refused(command)),
        _ => Err(ParseError::new(format!(
            "expect refused takes a command that changes the lab, not '{line}'"
        ))),
    }
}
