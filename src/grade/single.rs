//! A single-node run: the node under test is replica n1, the grader plays n2 and n3 on the model, and every reply is compared with the model's reply to the same line.

use super::Setup;
use super::child::{self, Output, Proc};
use super::judge::{Judge, Memory};
use super::lines::{self, Numbering, Said};
use super::model::{Model, Tags, line};
use super::verdict::{Check, Failure, Failures, Line, rule};
use super::workload::{Step, single_names};
use crate::node::{NodeType, Protocol};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Instant;

/// What a run found.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub transcript: Vec<Line>,
    pub failures: Vec<Failure>,
    /// For each failure, the step it showed at (`None`: at `init`).
    pub steps_at: Vec<Option<usize>>,
}

impl Outcome {
    pub fn step_of(&self, failure: &Failure) -> Option<usize> {
        let k = self.failures.iter().position(|f| f == failure)?;
        self.steps_at[k]
    }
}

/// Run `steps` against a fresh node. With `stop_at`, stop as soon as a failure like it shows.
pub fn run(setup: &Setup, steps: &[Step], stop_at: Option<&Failure>) -> Result<Outcome, String> {
    let (tx, output) = mpsc::channel();
    let proc = child::spawn(&setup.command, 0, tx)
        .map_err(|e| format!("cannot start {}: {e}", setup.command.join(" ")))?;
    let mut run = Single {
        setup,
        proc,
        output,
        model: Model::new(setup.kind, setup.protocol, &single_names()),
        tags: Tags::default(),
        foreign_tags: BTreeSet::new(),
        numbering: Numbering::new(setup.protocol),
        memory: Memory::default(),
        transcript: Vec::new(),
        failures: Failures::default(),
        steps_at: Vec::new(),
        step: None,
        comparing: true,
        stop_at,
    };
    run.play(steps);
    Ok(Outcome {
        transcript: run.transcript,
        failures: run.failures.into_vec(),
        steps_at: run.steps_at,
    })
}

struct Single<'a> {
    setup: &'a Setup,
    proc: Proc,
    output: Receiver<Output>,
    model: Model,
    tags: Tags,
    foreign_tags: BTreeSet<String>,
    numbering: Numbering,
    memory: Memory,
    transcript: Vec<Line>,
    failures: Failures,
    steps_at: Vec<Option<usize>>,
    /// The step being played (`None` during `init`).
    step: Option<usize>,
    /// Replies are compared with the model until the first semantic or set-full failure:
    /// after it, the node's state and the model's differ and every comparison would fail.
    comparing: bool,
    stop_at: Option<&'a Failure>,
}

/// Why a run stops early.
struct Stop;

impl Single<'_> {
    fn play(&mut self, steps: &[Step]) {
        if self.init().is_err() {
            return;
        }
        for (k, step) in steps.iter().enumerate() {
            self.step = Some(k);
            if self.take(step).is_err() {
                return;
            }
        }
    }

    fn init(&mut self) -> Result<(), Stop> {
        let body = json!({"type": "init", "msg_id": 1, "node_id": "n1", "node_ids": ["n1"]});
        let expected = json!({"type": "init_ok"});
        self.ask("c0", &body, &body, &expected)
    }

    fn take(&mut self, step: &Step) -> Result<(), Stop> {
        let Some(request) = self.model.request_for(step) else {
            return Ok(());
        };
        let (_, body) = self.model.number(&request);
        let names = single_names();
        let model_line = line(&request.src, &names[request.to], &body);
        let expected = self.model.feed(request.to, &model_line).unwrap_or_default();
        if request.to != 0 {
            return Ok(());
        }
        let mut theirs = body.clone();
        if self.setup.kind == NodeType::Orset {
            self.note_foreign_tags(&theirs);
            self.tags.body_to_node(&mut theirs);
        }
        self.memory
            .note_request(self.setup.kind, self.transcript.len(), &request.src, &body);
        self.ask(&request.src, &theirs, &body, &expected)
    }

    /// Tags in a merge that the grader's replicas minted: the node must never answer with one.
    fn note_foreign_tags(&mut self, body: &Value) {
        for field in ["live", "tombstones"] {
            for pair in body[field].as_array().into_iter().flatten() {
                let tags = pair.get(1).and_then(Value::as_array).into_iter().flatten();
                for tag in tags.filter_map(Value::as_str) {
                    if !tag.starts_with("n1:") {
                        self.foreign_tags.insert(tag.to_string());
                    }
                }
            }
        }
    }

    /// Send the node `theirs` (from `src`), wait for its reply and judge it against `expected`,
    /// the model's reply to `ours` (the same request in the model's tags).
    fn ask(
        &mut self,
        src: &str,
        theirs: &Value,
        ours: &Value,
        expected: &Value,
    ) -> Result<(), Stop> {
        let text = line(src, "n1", theirs);
        self.proc.send(&text);
        let sent_at = self.transcript.len();
        self.transcript.push(Line {
            node: "n1".into(),
            sent: true,
            text,
        });
        let msg_id = theirs["msg_id"].as_u64().unwrap_or(0);
        let (said, at) = self.await_reply(src, msg_id, sent_at, theirs)?;
        if self.comparing {
            let state = self.model.merge_body(0);
            let mut judge = Judge {
                kind: self.setup.kind,
                protocol: self.setup.protocol,
                memory: &self.memory,
                tags: &mut self.tags,
                foreign_tags: &self.foreign_tags,
                state: &state,
                at,
            };
            let found = judge.reply(ours, expected, &said);
            for failure in found {
                if matches!(failure.check, Check::Semantics | Check::SetFull) {
                    self.comparing = false;
                }
                self.fail(failure)?;
            }
        }
        if let Some(read) = said.body.get(super::model::read_key(self.setup.protocol)) {
            let elems = read.as_array().into_iter().flatten();
            let set = elems.filter_map(super::model::elem_from_json).collect();
            self.memory.note_read(at, &set);
        }
        Ok(())
    }

    /// Read the node's lines until the reply to `msg_id` (sent to `src`), checking each line.
    fn await_reply(
        &mut self,
        src: &str,
        msg_id: u64,
        sent_at: usize,
        request: &Value,
    ) -> Result<(Said, usize), Stop> {
        let deadline = Instant::now() + self.setup.time_limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let bytes = match self.output.recv_timeout(left) {
                Ok(Output::Line { bytes, .. }) => bytes,
                Ok(Output::Closed { .. }) | Err(RecvTimeoutError::Disconnected) => {
                    let failure = self.exited(sent_at, request);
                    self.fail(failure)?;
                    return Err(Stop);
                }
                Err(RecvTimeoutError::Timeout) => {
                    let failure = self.no_answer(sent_at, request);
                    self.fail(failure)?;
                    return Err(Stop);
                }
            };
            let at = self.transcript.len();
            self.transcript.push(Line {
                node: "n1".into(),
                sent: false,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            });
            let said = match lines::read(&bytes) {
                Ok(said) => said,
                Err(why) => {
                    self.fail(Failure::new(Check::Protocol, rule::NOT_A_MESSAGE, why).at(at))?;
                    continue;
                }
            };
            if let Err(why) = self.numbering.check(&said) {
                let why = format!("n1: {why}");
                self.fail(Failure::new(Check::Protocol, rule::MSG_ID, why).at(at))?;
            }
            if said.dest != src {
                let why = format!(
                    "n1 sent its {} to {}, but nobody there asked anything: the grader waits for the reply to {src}",
                    said.kind(),
                    said.dest
                );
                self.fail(Failure::new(Check::Protocol, rule::UNASKED, why).at(at))?;
                continue;
            }
            let (reply, problem) = lines::answers(&said, msg_id);
            if let Some(why) = problem {
                self.fail(Failure::new(Check::Protocol, rule::IN_REPLY_TO, why).at(at))?;
            }
            if reply {
                self.check_envelope(&said, &bytes, at)?;
                return Ok((said, at));
            }
        }
    }

    /// The address, `in_reply_to` and (for the course) the bytes of a reply.
    /// The sender and (for the course) the bytes of a reply.
    fn check_envelope(&mut self, said: &Said, bytes: &[u8], at: usize) -> Result<(), Stop> {
        if said.src != "n1" {
            let why = format!("n1's reply says it comes from {:?}", said.src);
            self.fail(Failure::new(Check::Protocol, rule::ADDRESS, why).at(at))?;
        }
        if self.setup.protocol == Protocol::Course
            && let Err(why) = lines::course_bytes(bytes, said)
        {
            self.fail(Failure::new(Check::Protocol, rule::BYTES, why).at(at))?;
        }
        Ok(())
    }

    fn what(request: &Value) -> String {
        let kind = request["type"].as_str().unwrap_or("request");
        match request.get("element") {
            Some(e) => format!("{kind} of {e}"),
            None => kind.to_string(),
        }
    }

    fn no_answer(&self, sent_at: usize, request: &Value) -> Failure {
        let detail = format!(
            "n1 did not answer the {} (msg_id {}, line {}) within {:.1} s",
            Self::what(request),
            request["msg_id"],
            sent_at + 1,
            self.setup.time_limit.as_secs_f64()
        );
        Failure::new(
            Check::Liveness,
            rule::NO_ANSWER,
            self.proc.with_stderr(detail),
        )
        .at(sent_at)
    }

    fn exited(&self, sent_at: usize, request: &Value) -> Failure {
        let status = self.proc.ending();
        let detail = format!(
            "n1 {status} while handling the {} (line {})",
            Self::what(request),
            sent_at + 1
        );
        Failure::new(Check::Liveness, rule::EXITED, self.proc.with_stderr(detail)).at(sent_at)
    }

    /// Keep a failure; stop if it is the one being looked for.
    fn fail(&mut self, failure: Failure) -> Result<(), Stop> {
        let wanted = self.stop_at.is_some_and(|f| f.same_as(&failure));
        if self.failures.push(failure) {
            self.steps_at.push(self.step);
        }
        if wanted { Err(Stop) } else { Ok(()) }
    }
}
