//! Expectations: `expect ...` lines that check a lab. Lessons, scripts and tests use them. They
//! compare typed values (elements, states), never their text, and they never change the lab.

use super::grammar::{Action, ParseError, parse};
use super::literal;
use crate::crdt::{Elem, Refusal, Value};
use crate::lab::{Command, Lab, Replica, World};
use std::collections::BTreeSet;
use std::fmt;

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
        value: Literal,
    },
    /// `expect refused A remove x`: passes only if the lab would refuse the command. The
    /// command is tried on a copy, so the lab does not change either way.
    Refused(Command),
    /// `expect outcomes = 2`: every delivery order of the messages in flight ends in this many
    /// distinct states (what `explore` counts).
    Outcomes(usize),
}

/// A value as the expectation wrote it, and what it reads as.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub text: String,
    pub value: Value,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A failed expectation: what was expected and what was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub expected: String,
    pub found: String,
}

fn unreadable(text: &str) -> ParseError {
    ParseError::new(format!(
        "cannot read 'expect {text}'; try expect A = {{x}}, expect A has x, expect A.removed = {{x}}, expect converged, expect refused <command>"
    ))
}

impl Expectation {
    /// Read what follows `expect` on a line, as typed (quotes included).
    pub fn parse(text: &str) -> Result<Expectation, ParseError> {
        let text = text.trim();
        let words = shlex::split(text).unwrap_or_default();
        match words.first().map(String::as_str) {
            Some("converged") if words.len() == 1 => return Ok(Expectation::Converged(true)),
            Some("diverged") if words.len() == 1 => return Ok(Expectation::Converged(false)),
            Some("refused") => {
                let rest = match text.strip_prefix("refused") {
                    Some(rest) => rest.trim().to_string(),
                    None => shlex::try_join(words[1..].iter().map(String::as_str))
                        .map_err(|e| ParseError::new(e.to_string()))?,
                };
                return refused(&rest);
            }
            _ => {}
        }
        if let Some(n) = outcomes(&words) {
            return n.map(Expectation::Outcomes);
        }
        if let [replica, verb, elem] = &words[..]
            && (verb == "has" || verb == "lacks")
        {
            return Ok(Expectation::Has {
                replica: replica.clone(),
                elem: Elem::parse(elem),
                present: verb == "has",
            });
        }
        let (left, right) = text.split_once('=').ok_or_else(|| unreadable(text))?;
        let left = match shlex::split(left).as_deref() {
            Some([one]) => one.clone(),
            _ => return Err(unreadable(text)),
        };
        let (replica, field) = match left.split_once('.') {
            Some((r, f)) => (r.to_string(), Some(f.to_string())),
            None => (left, None),
        };
        let value = literal::parse(right).map_err(|why| {
            ParseError::new(format!("cannot read the value '{}': {why}", right.trim()))
        })?;
        Ok(Expectation::Equals {
            replica,
            field,
            value: Literal {
                text: right.trim().to_string(),
                value,
            },
        })
    }

    /// Check the lab. Passing `expect refused` answers with the rule that refused.
    pub fn check(&self, lab: &Lab) -> Result<Option<Refusal>, Mismatch> {
        let world = lab.world();
        let miss = |expected: String, found: String| Err(Mismatch { expected, found });
        match self {
            Expectation::Converged(want) if world.converged() == *want => Ok(None),
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
                    return Ok(None);
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
            } => equals(world, replica, field.as_deref(), value),
            Expectation::Outcomes(want) => match crate::lab::explore(world, Default::default()) {
                Ok(found) if found.endings.len() == *want => Ok(None),
                Ok(found) => miss(
                    format!("outcomes = {want}"),
                    format!("{} distinct outcomes", found.endings.len()),
                ),
                Err(refusal) => miss(format!("outcomes = {want}"), refusal.rule),
            },
            Expectation::Refused(command) => match world.clone().replay(command) {
                Err(refusal) => Ok(Some(refusal)),
                Ok(()) => miss(
                    format!("'{command}' to be refused"),
                    "it would be accepted".into(),
                ),
            },
        }
    }
}

/// `expect A = {...}` compares elements, typed; `expect A.field = ...` compares the field's items.
fn equals(
    world: &World,
    replica: &str,
    field: Option<&str>,
    value: &Literal,
) -> Result<Option<Refusal>, Mismatch> {
    let r = replica_of(world, replica)?;
    let label = field.map_or(replica.to_string(), |f| format!("{replica}.{f}"));
    let expected = format!("{label} = {value}");
    let Some(name) = field else {
        let found: BTreeSet<Elem> = r.set.elements().into_iter().collect();
        let wanted = match &value.value {
            Value::Set(items) => Some(items.iter().map(|w| Elem::parse(w)).collect()),
            Value::Map(pairs) if pairs.is_empty() => Some(BTreeSet::new()),
            _ => None,
        };
        return match wanted == Some(found) {
            true => Ok(None),
            false => Err(Mismatch {
                expected,
                found: format!("{replica} = {}", r.set.visible()),
            }),
        };
    };
    let Some(found) = r.set.field(name) else {
        let names: Vec<&str> = r.set.describe().iter().map(|f| f.name).collect();
        return Err(Mismatch {
            expected,
            found: format!(
                "{} has no field {name} (fields: {})",
                world.kind.title(),
                names.join(", ")
            ),
        });
    };
    match literal::same(&found, &value.value) {
        true => Ok(None),
        false => Err(Mismatch {
            expected,
            found: format!("{label} = {found}"),
        }),
    }
}

/// A named replica, or a mismatch saying there is none.
fn replica_of<'w>(world: &'w World, replica: &str) -> Result<&'w Replica, Mismatch> {
    world.replica(replica).map_err(|e| Mismatch {
        expected: format!("replica {replica}"),
        found: e.rule,
    })
}

fn refused(line: &str) -> Result<Expectation, ParseError> {
    match parse(line)? {
        Some(Action::Change(command)) => Ok(Expectation::Refused(command)),
        _ => Err(ParseError::new(format!(
            "expect refused takes a command that changes the lab, not '{line}'"
        ))),
    }
}

/// `outcomes = 2` (or `outcomes=2`): the count, or why it cannot be read; `None` when the
/// words are about something else.
fn outcomes(words: &[String]) -> Option<Result<usize, ParseError>> {
    let joined = words.concat();
    let n = joined.strip_prefix("outcomes=")?;
    Some(n.parse().map_err(|_| {
        ParseError::new(format!(
            "expect outcomes = <n> takes a whole number, not '{n}'"
        ))
    }))
}
