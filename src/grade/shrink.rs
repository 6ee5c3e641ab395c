//! Shrinking a single-node failure to the shortest story that still shows it: the failing step alone, then only the steps about its elements (and the merges that move them), then delta debugging, each candidate run on a fresh node.

use super::Setup;
use super::model::{Model, elem_from_json};
use super::single::{self, Outcome};
use super::verdict::{Check, Failure, Line};
use super::workload::{Step, single_names};
use crate::crdt::Elem;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The shortest story found, the run that showed it, and how many runs it took.
#[derive(Clone, Debug)]
pub struct Shrunk {
    pub steps: Vec<Step>,
    pub failure: Failure,
    /// The lines up to the one that shows the failure.
    pub history: Vec<Line>,
    pub runs: usize,
    /// The lines of the whole original run.
    pub of: usize,
}

/// How much shrinking may cost.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub runs: usize,
    pub time: Duration,
}

/// The best story so far: the steps before the failing one, the failing step, and what its
/// run showed.
struct Best {
    before: Vec<Step>,
    probe: Step,
    failure: Failure,
    history: Vec<Line>,
}

struct Search<'a> {
    setup: &'a Setup,
    wanted: Failure,
    /// What the model answers at the failing step, about the failure's elements.
    answer: Option<Value>,
    budget: Budget,
    started: Instant,
    runs: usize,
    best: Best,
}

/// The lines of a run up to the one that shows `failure`.
fn upto(lines: &[Line], failure: &Failure) -> Vec<Line> {
    let end = failure
        .line
        .map_or(lines.len(), |l| (l + 1).min(lines.len()));
    lines[..end].to_vec()
}

pub fn shrink(
    setup: &Setup,
    steps: &[Step],
    outcome: &Outcome,
    failure: &Failure,
    budget: Budget,
) -> Shrunk {
    let of = outcome.transcript.len();
    let Some(at) = outcome.step_of(failure) else {
        return Shrunk {
            steps: Vec::new(),
            failure: failure.clone(),
            history: upto(&outcome.transcript, failure),
            runs: 0,
            of,
        };
    };
    let mut search = Search {
        setup,
        wanted: failure.clone(),
        answer: None,
        budget,
        started: Instant::now(),
        runs: 0,
        best: Best {
            before: steps[..at].to_vec(),
            probe: steps[at].clone(),
            failure: failure.clone(),
            history: upto(&outcome.transcript, failure),
        },
    };
    search.answer = search.model_answer(&steps[..=at]);
    search.try_steps(Vec::new());
    let about = search.about(&failure.elems);
    if about.len() < search.best.before.len() {
        search.try_steps(about);
    }
    search.ddmin();
    let Best {
        mut before,
        probe,
        failure,
        history,
    } = search.best;
    before.push(probe);
    Shrunk {
        steps: before,
        failure,
        history,
        runs: search.runs,
        of,
    }
}

impl Search<'_> {
    fn spent(&self) -> bool {
        self.runs >= self.budget.runs || self.started.elapsed() >= self.budget.time
    }

    /// What the model answers to the last of `steps`, cut down to the failure's elements when
    /// it lists elements. A semantic or set-full failure can only show again where the model
    /// still answers that: other candidates are not worth a run of the node.
    fn model_answer(&self, steps: &[Step]) -> Option<Value> {
        if !matches!(self.wanted.check, Check::Semantics | Check::SetFull) {
            return None;
        }
        let mut model = Model::new(self.setup.kind, self.setup.protocol, &single_names());
        let (last, before) = steps.split_last()?;
        for step in before {
            model.apply(step);
        }
        let mut answer = model.take(last)?;
        if let Some(fields) = answer.as_object_mut() {
            fields.remove("msg_id");
            fields.remove("in_reply_to");
            for list in fields.values_mut().filter_map(Value::as_array_mut) {
                list.retain(|e| elem_from_json(e).is_none_or(|e| self.wanted.elems.contains(&e)));
            }
        }
        Some(answer)
    }

    /// The steps before the failing one that touch the failure's elements, and the merges
    /// that still change a replica when only those are taken.
    fn about(&self, elems: &[Elem]) -> Vec<Step> {
        let mut model = Model::new(self.setup.kind, self.setup.protocol, &single_names());
        let mut kept = Vec::new();
        for step in &self.best.before {
            let keep = match step {
                Step::Merge { into, .. } => {
                    let before = model.merge_body(*into);
                    model.apply(step) && model.merge_body(*into) != before
                }
                _ => step.elem().is_some_and(|e| elems.contains(e)) && model.apply(step),
            };
            if keep {
                kept.push(step.clone());
            }
        }
        kept
    }

    /// Run `before` and the failing step on a fresh node; keep them if the failure still shows.
    fn try_steps(&mut self, before: Vec<Step>) -> bool {
        if self.spent() {
            return false;
        }
        let mut candidate = before;
        candidate.push(self.best.probe.clone());
        if self.answer.is_some() && self.model_answer(&candidate) != self.answer {
            return false;
        }
        self.runs += 1;
        let Ok(outcome) = single::run(self.setup, &candidate, Some(&self.wanted)) else {
            return false;
        };
        let Some(found) = outcome.failures.iter().find(|f| f.same_as(&self.wanted)) else {
            return false;
        };
        let Some(at) = outcome.step_of(found) else {
            return false;
        };
        let probe = candidate[at].clone();
        candidate.truncate(at);
        self.best = Best {
            before: candidate,
            probe,
            failure: found.clone(),
            history: upto(&outcome.transcript, found),
        };
        true
    }

    /// Delta debugging over the steps before the failing one: drop ever smaller chunks while
    /// the failure still shows.
    fn ddmin(&mut self) {
        let mut chunks = 2;
        while !self.best.before.is_empty() && !self.spent() {
            let items = self.best.before.clone();
            let size = items.len().div_ceil(chunks).max(1);
            let dropped = (0..items.len()).step_by(size).any(|start| {
                let end = (start + size).min(items.len());
                let rest = [&items[..start], &items[end..]].concat();
                self.try_steps(rest)
            });
            if dropped {
                chunks = (chunks - 1).max(2);
            } else if chunks >= items.len() {
                return;
            } else {
                chunks = (chunks * 2).min(items.len());
            }
        }
    }
}
