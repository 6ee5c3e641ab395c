//! How the grader carries a cluster's messages: client requests and their replies, and what the nodes send each other, lost, held back or duplicated as the phase's network says.

use super::{Cluster, Flight, Stop};
use crate::grade::child::Output;
use crate::grade::lines::{self, Said};
use crate::grade::model::line;
use crate::grade::story::Event;
use crate::grade::verdict::{Check, Failure, Line, rule};
use crate::node::Protocol;
use serde_json::{Value, json};
use std::cmp::Reverse;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

impl Cluster<'_> {
    /// Send node `k` a request from `src` and route everything until its reply.
    pub(super) fn request(
        &mut self,
        k: usize,
        src: &str,
        mut body: Value,
    ) -> Result<(Said, usize), Stop> {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        body["msg_id"] = json!(id);
        let text = line(src, &self.names[k], &body);
        self.procs[k].send(&text);
        let sent_at = self.transcript.len();
        self.transcript.push(Line {
            node: self.names[k].clone(),
            sent: true,
            text,
        });
        self.waiting = Some((k, id, src.to_string()));
        self.reply = None;
        let deadline = Instant::now() + self.setup.time_limit;
        while self.reply.is_none() {
            if Instant::now() >= deadline {
                let what = body["type"].as_str().unwrap_or("request").to_string();
                let detail = format!(
                    "{} did not answer the {what} (msg_id {id}, line {}) within {:.1} s",
                    self.names[k],
                    sent_at + 1,
                    self.setup.time_limit.as_secs_f64()
                );
                let detail = self.procs[k].with_stderr(detail);
                self.fail(Failure::new(Check::Liveness, rule::NO_ANSWER, detail).at(sent_at));
                return Err(Stop);
            }
            self.pump(deadline)?;
        }
        self.waiting = None;
        let (said, at) = self.reply.take().ok_or(Stop)?;
        self.asked.insert(at, sent_at);
        Ok((said, at))
    }

    /// Route messages until `until` or until `done` holds.
    pub(super) fn idle(
        &mut self,
        until: Instant,
        done: impl Fn(&Self) -> bool,
    ) -> Result<(), Stop> {
        while !done(self) && Instant::now() < until {
            self.pump(until)?;
        }
        Ok(())
    }

    /// Deliver what is due, then wait for one line from a node (no later than `until`).
    pub(super) fn pump(&mut self, until: Instant) -> Result<(), Stop> {
        self.deliver_due();
        let next = self
            .due
            .peek()
            .map(|Reverse((at, _))| *at)
            .unwrap_or(until)
            .min(until);
        match self
            .output
            .recv_timeout(next.saturating_duration_since(Instant::now()))
        {
            Ok(Output::Line { node, bytes }) => {
                self.on_line(node, &bytes);
                Ok(())
            }
            Ok(Output::Closed { node }) => {
                let status = self.procs[node].ending();
                let detail = format!(
                    "{} {status} at line {}",
                    self.names[node],
                    self.transcript.len()
                );
                let detail = self.procs[node].with_stderr(detail);
                let at = self.transcript.len().saturating_sub(1);
                self.fail(Failure::new(Check::Liveness, rule::EXITED, detail).at(at));
                Err(Stop)
            }
            Err(RecvTimeoutError::Timeout) => Ok(()),
            Err(RecvTimeoutError::Disconnected) => Err(Stop),
        }
    }

    pub(super) fn deliver_due(&mut self) {
        let now = Instant::now();
        while let Some(Reverse((at, id))) = self.due.peek().copied() {
            if at > now {
                return;
            }
            self.due.pop();
            if let Some(flight) = self.flights.remove(&id) {
                self.deliver(id, flight);
            }
        }
    }

    pub(super) fn deliver(&mut self, id: u64, flight: Flight) {
        if flight.to >= self.initialised {
            self.before_init.push((id, flight));
            return;
        }
        let merge = flight.merge.is_some();
        if !self.net.connected(flight.from, flight.to) {
            self.traffic.lost += usize::from(merge);
            return;
        }
        self.procs[flight.to].send(&flight.text);
        let at = self.transcript.len();
        if let Some(body) = &flight.merge {
            let from = self.names[flight.from].clone();
            self.history.delivered(flight.to, &from, body, at);
            self.events.push(Event::Delivered { flight: id });
        }
        self.transcript.push(Line {
            node: self.names[flight.to].clone(),
            sent: true,
            text: flight.text,
        });
    }

    pub(super) fn on_line(&mut self, k: usize, bytes: &[u8]) {
        let at = self.transcript.len();
        let text = String::from_utf8_lossy(bytes).into_owned();
        self.transcript.push(Line {
            node: self.names[k].clone(),
            sent: false,
            text: text.clone(),
        });
        let said = match lines::read(bytes) {
            Ok(said) => said,
            Err(why) => {
                let detail = format!("{}: {why}", self.names[k]);
                return self
                    .fail(Failure::new(Check::Protocol, rule::NOT_A_MESSAGE, detail).at(at));
            }
        };
        if let Err(why) = self.numbering[k].check(&said) {
            let detail = format!("{}: {why}", self.names[k]);
            self.fail(Failure::new(Check::Protocol, rule::MSG_ID, detail).at(at));
        }
        if said.src != self.names[k] {
            let detail = format!(
                "{}'s message says it comes from {:?}",
                self.names[k], said.src
            );
            self.fail(Failure::new(Check::Protocol, rule::ADDRESS, detail).at(at));
        }
        if let Some(to) = self.names.iter().position(|n| *n == said.dest) {
            return self.route(k, to, &said, text, at);
        }
        match &self.waiting {
            Some((node, id, client)) if *node == k && said.dest == *client => {
                let id = *id;
                if self.check_reply(&said, bytes, id, at) {
                    self.reply = Some((said, at));
                }
            }
            _ => {
                let detail = format!(
                    "{} sent its {} to {}, who asked nothing",
                    self.names[k],
                    said.kind(),
                    said.dest
                );
                self.fail(Failure::new(Check::Protocol, rule::UNASKED, detail).at(at));
            }
        }
    }

    /// Check a reply's `in_reply_to` and (for the course) its bytes. Returns whether it answers
    /// the request that is waiting (a reply to another one is not taken for it).
    pub(super) fn check_reply(&mut self, said: &Said, bytes: &[u8], id: u64, at: usize) -> bool {
        let (answers, problem) = lines::answers(said, id);
        if let Some(detail) = problem {
            self.fail(Failure::new(Check::Protocol, rule::IN_REPLY_TO, detail).at(at));
        }
        if self.setup.protocol == Protocol::Course
            && let Err(why) = lines::course_bytes(bytes, said)
        {
            self.fail(
                Failure::new(Check::Protocol, rule::BYTES, format!("{}: {why}", said.src)).at(at),
            );
        }
        answers
    }

    /// A message from node `from` to node `to`: check it is the type's merge message (or a
    /// reply to one), then let the network lose, delay or duplicate it.
    pub(super) fn route(&mut self, from: usize, to: usize, said: &Said, text: String, at: usize) {
        let kind = self.merge_kind();
        let merge = (said.kind() == kind).then(|| Value::Object(said.body.clone()));
        if merge.is_some() {
            self.check_gossip(said, at);
            self.pairs.insert((from, to));
            self.traffic.sent += 1;
        } else if said.kind() != format!("{kind}_ok") && said.kind() != "error" {
            let detail = format!(
                "{} sent {} a {:?}; nodes send each other the type's merge message, {kind:?} with {}",
                self.names[from],
                self.names[to],
                said.kind(),
                self.merge_fields()
            );
            self.fail(Failure::new(Check::Protocol, rule::GOSSIP, detail).at(at));
        }
        if from == to || !self.net.connected(from, to) {
            self.traffic.lost += usize::from(merge.is_some());
            return;
        }
        let copies = if self.rng.chance(self.net.duplicate_percent) {
            2
        } else {
            1
        };
        for copy in 0..copies {
            let id = self.next_flight;
            self.next_flight += 1;
            if merge.is_some() {
                self.traffic.doubled += copy;
                self.events.push(Event::Sent {
                    flight: id,
                    from,
                    to,
                });
            }
            let flight = Flight {
                from,
                to,
                text: text.clone(),
                merge: merge.clone(),
            };
            let delay = self.rng.below(self.net.max_delay_ms as usize + 1) as u64;
            if delay == 0 {
                self.deliver(id, flight);
                continue;
            }
            self.traffic.held += usize::from(merge.is_some());
            self.flights.insert(id, flight);
            let due = Instant::now() + Duration::from_millis(delay);
            self.due.push(Reverse((due, id)));
        }
    }

    pub(super) fn merge_kind(&self) -> String {
        let kind = self.merge_shape.get("type").and_then(Value::as_str);
        kind.unwrap_or("merge").to_string()
    }

    pub(super) fn merge_fields(&self) -> String {
        let fields: Vec<&str> = self
            .merge_shape
            .keys()
            .filter(|k| *k != "type")
            .map(String::as_str)
            .collect();
        fields.join(" and ")
    }

    /// A merge message has every field of the type's, each a list (or an object, as the model's).
    pub(super) fn check_gossip(&mut self, said: &Said, at: usize) {
        let wrong = self
            .merge_shape
            .iter()
            .filter(|(k, _)| *k != "type")
            .find(|(field, model)| {
                let theirs = said.body.get(*field);
                !matches!(
                    (model, theirs),
                    (Value::Array(_), Some(Value::Array(_)))
                        | (Value::Object(_), Some(Value::Object(_)))
                )
            });
        if let Some((field, _)) = wrong {
            let detail = format!(
                "{}'s {} to {} has no proper {field}: a {} node gossips {} with {}",
                said.src,
                said.kind(),
                said.dest,
                self.setup.kind.word(),
                said.kind(),
                self.merge_fields()
            );
            self.fail(Failure::new(Check::Protocol, rule::GOSSIP, detail).at(at));
        }
    }
}
