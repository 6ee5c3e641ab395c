//! Shrinking a single-node failure to the shortest story that still shows it: the failing step alone, then only the steps about its elements, then delta debugging, each candidate run on a fresh node.

use super::Setup;
use super::single::{self, Outcome};
use super::verdict::{Failure, Line};
use super::workload::Step;
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

struct Search<'a> {
    setup: &'a Setup,
    wanted: Failure,
    budget: Budget,
    started: Instant,
    runs: usize,
    best: (Vec<Step>, Step, Failure, Vec<Line>),
}

pub fn shrink(
    setup: &Setup,
    steps: &[Step],
    outcome: &Outcome,
    failure: &Failure,
    budget: Budget,
) -> Shrunk {
    let of = outcome.transcript.len();
    let upto = |lines: &[Line], f: &Failure| {
        lines[..f.line.map_or(lines.len(), |l| (l + 1).min(lines.len()))].to_vec()
    };
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
        budget,
        started: Instant::now(),
        runs: 0,
        best: (
            steps[..at].to_vec(),
            steps[at].clone(),
            failure.clone(),
            upto(&outcome.transcript, failure),
        ),
    };
    search.try_steps(Vec::new());
    if !search.best.0.is_empty() {
        let elems = &failure.elems;
        let about: Vec<Step> = search
            .best
            .0
            .iter()
            .filter(|s| {
                matches!(s, Step::Merge { .. }) || s.elem().is_some_and(|e| elems.contains(e))
            })
            .cloned()
            .collect();
        if about.len() < search.best.0.len() {
            search.try_steps(about);
        }
    }
    search.ddmin();
    let (mut steps, probe, failure, history) = search.best;
    steps.push(probe);
    Shrunk {
        steps,
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

    /// Run `before` and the current probe; keep it if the failure still shows.
    fn try_steps(&mut self, before: Vec<Step>) -> bool {
        if self.spent() {
            return false;
        }
        self.runs += 1;
        let mut candidate = before;
        candidate.push(self.best.1.clone());
        let Ok(outcome) = single::run(self.setup, &candidate, Some(&self.wanted)) else {
            return false;
        };
        let Some(found) = outcome.failures.iter().find(|f| f.same_as(&self.wanted)) else {
            return false;
        };
        let Some(at) = outcome.step_of(found) else {
            return false;
        };
        let end = found.line.map_or(outcome.transcript.len(), |l| {
            (l + 1).min(outcome.transcript.len())
        });
        let probe = candidate[at].clone();
        candidate.truncate(at);
        self.best = (
            candidate,
            probe,
            found.clone(),
            outcome.transcript[..end].to_vec(),
        );
        true
    }

    /// Delta debugging over the steps before the probe: drop ever smaller chunks while the
    /// failure still shows.
    fn ddmin(&mut self) {
        let mut chunks = 2;
        while !self.best.0.is_empty() && !self.spent() {
            let items = self.best.0.clone();
            let size = items.len().div_ceil(chunks);
            let mut dropped = false;
            for start in (0..items.len()).step_by(size.max(1)) {
                let rest: Vec<Step> = items[..start]
                    .iter()
                    .chain(&items[(start + size).min(items.len())..])
                    .cloned()
                    .collect();
                if self.try_steps(rest) {
                    chunks = (chunks - 1).max(2);
                    dropped = true;
                    break;
                }
            }
            if !dropped {
                if chunks >= items.len() {
                    return;
                }
                chunks = (chunks * 2).min(items.len());
            }
        }
    }
}
