//! A cluster run: N copies of the node with `init`, their messages to each other routed through seeded faults (partitions, delays that reorder, duplicates), clients on every node, then the heal, a bounded wait for convergence, and the checks on the whole history.

use super::Setup;
use super::child::{self, Output, Proc};
use super::history::{History, Op};
use super::judge::{code_name, read_elements};
use super::lines::{self, Numbering, Said};
use super::model::{Model, elem_to_json, facts, line, verbs};
use super::report::{Report, Section, Status};
use super::story::{self, Event};
use super::verdict::{
    Check, Failure, Failures, Line, Semantic, rule, semantic_rule, set_text, show, title,
};
use super::workload::{self, Net, Phase, Rng, Step};
use crate::crdt::Elem;
use crate::node::{NodeType, Protocol};
use serde_json::{Value, json};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How often the nodes are read while the grader waits for them to converge.
const POLL: Duration = Duration::from_millis(100);

pub fn grade(setup: &Setup) -> Result<(Report, Option<String>), String> {
    let names: Vec<String> = (1..=setup.nodes).map(|k| format!("n{k}")).collect();
    let phases = workload::cluster(setup.kind, setup.seed, setup.ops, setup.nodes);
    let mut run = Cluster::start(setup, names)?;
    let finished = run.init().and_then(|()| run.play(&phases)).is_ok();
    Ok(run.report(finished))
}

/// A message between two nodes, held by the router.
struct Flight {
    from: usize,
    to: usize,
    text: String,
}

/// Why a run stops early (a liveness failure, already recorded).
struct Stop;

struct Cluster<'a> {
    setup: &'a Setup,
    names: Vec<String>,
    procs: Vec<Proc>,
    numbering: Vec<Numbering>,
    output: Receiver<Output>,
    net: Net,
    rng: Rng,
    /// The type's merge message, as the model writes it: its type and fields.
    merge_shape: serde_json::Map<String, Value>,
    due: BinaryHeap<Reverse<(Instant, u64)>>,
    flights: BTreeMap<u64, Flight>,
    next_flight: u64,
    next_msg_id: u64,
    /// The request waiting for its reply: node, msg_id, client.
    waiting: Option<(usize, u64, String)>,
    reply: Option<(Said, usize)>,
    /// Each reply's line and its request's.
    asked: BTreeMap<usize, usize>,
    transcript: Vec<Line>,
    events: Vec<Event>,
    history: History,
    failures: Failures,
    /// Which node sent which a merge message, in this phase.
    pairs: BTreeSet<(usize, usize)>,
    gossips: usize,
    /// No node has gossiped through a whole wait.
    silent: bool,
    /// The last read of each node, once the grader stopped waiting for convergence.
    last_reads: Vec<(usize, BTreeSet<Elem>)>,
    /// Merge messages between nodes: sent, lost to a partition, held back, duplicated.
    traffic: [usize; 4],
    net_notes: Vec<String>,
}

impl<'a> Cluster<'a> {
    fn start(setup: &'a Setup, names: Vec<String>) -> Result<Cluster<'a>, String> {
        let (tx, output) = mpsc::channel();
        let mut procs = Vec::new();
        for k in 0..names.len() {
            let proc = child::spawn(&setup.command, k, tx.clone())
                .map_err(|e| format!("cannot start {}: {e}", setup.command.join(" ")))?;
            procs.push(proc);
        }
        let model = Model::new(setup.kind, setup.protocol, &names[..1]);
        let merge_shape = model.merge_body(0).as_object().cloned().unwrap_or_default();
        Ok(Cluster {
            setup,
            numbering: vec![Numbering::new(setup.protocol); names.len()],
            history: History::new(setup.kind, &names),
            names,
            procs,
            output,
            net: Net::default(),
            rng: Rng::new(setup.seed ^ 0x5EED),
            merge_shape,
            due: BinaryHeap::new(),
            flights: BTreeMap::new(),
            next_flight: 0,
            next_msg_id: 1,
            waiting: None,
            reply: None,
            asked: BTreeMap::new(),
            transcript: Vec::new(),
            events: Vec::new(),
            failures: Failures::default(),
            pairs: BTreeSet::new(),
            gossips: 0,
            silent: false,
            last_reads: Vec::new(),
            traffic: [0; 4],
            net_notes: Vec::new(),
        })
    }

    fn init(&mut self) -> Result<(), Stop> {
        for k in 0..self.names.len() {
            let body = json!({"type": "init", "node_id": self.names[k], "node_ids": self.names});
            let (said, at) = self.request(k, "c0", body)?;
            self.expect_kind(&said, "init_ok", "init", at);
        }
        Ok(())
    }

    fn play(&mut self, phases: &[Phase]) -> Result<(), Stop> {
        for phase in phases {
            self.set_net(phase.net.clone());
            self.pairs.clear();
            for step in &phase.steps {
                self.client(step)?;
            }
            // Wait until every node has sent every other a merge message in this phase (so the
            // faults meet real gossip), but no longer than the time limit; once a whole wait
            // has passed without any gossip at all, the later phases do not wait.
            let pairs = self.names.len() * (self.names.len() - 1);
            let cap = if self.silent {
                Duration::ZERO
            } else {
                self.setup.time_limit
            };
            self.idle(Instant::now() + cap, |c| c.pairs.len() >= pairs)?;
            self.silent = self.gossips == 0;
        }
        self.set_net(Net::default());
        self.converge()
    }

    fn set_net(&mut self, net: Net) {
        if net == self.net {
            return;
        }
        let at = self.transcript.len() + 1;
        let note = match (&net.groups, net.max_delay_ms) {
            (Some(groups), _) => {
                let sides: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        g.iter()
                            .map(|&n| self.names[n].clone())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                format!("from line {at}: partition {}", sides.join(" | "))
            }
            (None, 0) => format!("from line {at}: the network is whole (healed)"),
            (None, ms) => format!(
                "from line {at}: delays up to {ms} ms (reordering) and {}% duplicates",
                net.duplicate_percent
            ),
        };
        self.net_notes.push(note);
        self.events.push(Event::Net(net.clone()));
        self.net = net;
    }

    /// One client request, its reply checked and remembered.
    fn client(&mut self, step: &Step) -> Result<(), Stop> {
        let v = verbs(self.setup.kind);
        match step {
            Step::Add(k, e) => {
                let body = json!({"type": v.add, "element": elem_to_json(e)});
                let (said, at) = self.request(*k, &client(*k), body)?;
                if self.expect_kind(&said, &format!("{}_ok", v.add), v.add, at) {
                    self.acked(*k, true, e, &said, at);
                }
            }
            Step::Remove(k, e) => {
                let allowed = match self.setup.kind {
                    NodeType::TwoPSet => self.history.has_seen(*k, e),
                    _ => true,
                };
                if !allowed {
                    return Ok(());
                }
                let body = json!({"type": v.remove, "element": elem_to_json(e)});
                let (said, at) = self.request(*k, &client(*k), body)?;
                if self.setup.kind == NodeType::Gset {
                    self.refused(&said, at);
                } else if self.expect_kind(&said, &format!("{}_ok", v.remove), v.remove, at) {
                    self.acked(*k, false, e, &said, at);
                }
            }
            Step::Read(k) => {
                self.read(*k)?;
            }
            Step::Merge { .. } => {}
        }
        Ok(())
    }

    /// Read node `k`: the reply's line and the set, if the reply could be read.
    fn read(&mut self, k: usize) -> Result<Option<(usize, BTreeSet<Elem>)>, Stop> {
        let v = verbs(self.setup.kind);
        let (said, at) = self.request(k, &client(k), json!({"type": v.read}))?;
        if !self.expect_kind(&said, &format!("{}_ok", v.read), v.read, at) {
            return Ok(None);
        }
        let (set, problems) = read_elements(self.setup.protocol, &said);
        for (rule, detail) in problems {
            self.fail(
                Failure::new(
                    Check::Protocol,
                    rule,
                    format!("{}: {detail}", self.names[k]),
                )
                .at(at),
            );
        }
        let Some(set) = set else {
            return Ok(None);
        };
        self.events.push(Event::Read { node: k, line: at });
        let sent = self.asked.get(&at).copied().unwrap_or(at);
        for failure in self.history.read(k, set.clone(), sent, at) {
            self.fail(failure);
        }
        Ok(Some((at, set)))
    }

    /// A G-Set remove must be refused with error 10.
    fn refused(&mut self, said: &Said, at: usize) {
        let who = said.src.clone();
        match (said.kind(), said.body.get("code").and_then(Value::as_u64)) {
            ("error", Some(10)) => {}
            ("error", code) => self.fail(Failure::new(Check::Protocol, rule::ERROR_CODE, format!(
                "a G-Set remove gets error 10 (not-supported), but {who} answered error {} ({})",
                code.map_or("without a code".into(), |c| c.to_string()), code_name(code)
            )).at(at)),
            (other, _) => self.fail(Failure::new(Check::Semantics, semantic_rule(NodeType::Gset, Semantic::NoRemove), format!(
                "{who} answered {other:?} to a remove; a G-Set has no remove, so it answers error 10"
            )).at(at)),
        }
    }

    /// Remember an acknowledged add or remove, checking the OR-Set's tags.
    fn acked(&mut self, node: usize, add: bool, e: &Elem, said: &Said, at: usize) {
        let tags = match self.setup.kind {
            NodeType::Orset | NodeType::Orswot => self.tags(add, e, said, at),
            _ => Vec::new(),
        };
        let sent = self.asked.get(&at).copied().unwrap_or(at);
        self.history.ops.push(Op {
            node,
            add,
            elem: e.clone(),
            sent,
            acked: at,
            tags,
        });
        self.events.push(Event::Op {
            node,
            add,
            elem: e.clone(),
        });
    }

    fn tags(&mut self, add: bool, e: &Elem, said: &Said, at: usize) -> Vec<String> {
        let who = said.src.clone();
        let field = if add { "tag" } else { "tags_removed" };
        let tags: Option<Vec<String>> = match said.body.get(field) {
            Some(Value::String(t)) if add => Some(vec![t.clone()]),
            Some(Value::Array(list)) if !add => {
                list.iter().map(|t| t.as_str().map(String::from)).collect()
            }
            _ => None,
        };
        let Some(tags) = tags else {
            let shape = if add {
                "the new tag, a string"
            } else {
                "a list of tags"
            };
            self.fail(
                Failure::new(
                    Check::Protocol,
                    rule::PAYLOAD,
                    format!("{who}'s {} carries {field}: {shape}", said.kind()),
                )
                .at(at),
            );
            return Vec::new();
        };
        let rule = |which| semantic_rule(self.setup.kind, which);
        if add && let Err(earlier) = self.history.fresh_tag(&tags[0]) {
            let detail = format!(
                "{who} answered the tag {} for an add of {}, the same as the add answered at line {}",
                tags[0],
                show(e),
                earlier + 1
            );
            self.fail(
                Failure::new(Check::Semantics, rule(Semantic::FreshTag), detail)
                    .at(at)
                    .about(e),
            );
        }
        let unknown = self.history.unknown_tags(e, &tags);
        if !add && !unknown.is_empty() {
            let detail = format!(
                "{who}'s remove of {e} took out {}, which no add of {e} minted",
                unknown.join(", "),
                e = show(e)
            );
            self.fail(
                Failure::new(Check::Semantics, rule(Semantic::ObservedTags), detail)
                    .at(at)
                    .about(e),
            );
        }
        tags
    }

    /// Whether a reply has the type the request calls for; if not, a protocol failure.
    fn expect_kind(&mut self, said: &Said, want: &str, asked: &str, at: usize) -> bool {
        let got = said.kind();
        if got == want {
            return true;
        }
        let detail = match got {
            "error" => format!(
                "{} answered error {} to the {asked}, which it should accept; the reply is {want}",
                said.src,
                said.body.get("code").unwrap_or(&Value::Null)
            ),
            _ => format!(
                "{} answered {got:?} to the {asked}; the reply to {asked} is {want:?}",
                said.src
            ),
        };
        self.fail(Failure::new(Check::Protocol, rule::REPLY_TYPE, detail).at(at));
        false
    }

    /// Send node `k` a request from `src` and route everything until its reply.
    fn request(&mut self, k: usize, src: &str, mut body: Value) -> Result<(Said, usize), Stop> {
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
                let detail = self.with_stderr(k, detail);
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
    fn idle(&mut self, until: Instant, done: impl Fn(&Self) -> bool) -> Result<(), Stop> {
        while !done(self) && Instant::now() < until {
            self.pump(until)?;
        }
        Ok(())
    }

    /// Deliver what is due, then wait for one line from a node (no later than `until`).
    fn pump(&mut self, until: Instant) -> Result<(), Stop> {
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
                let status = match self.procs[node].exit_status(Duration::from_secs(2)) {
                    Some(status) => format!("exited ({status})"),
                    None => "closed its output".into(),
                };
                let detail = format!(
                    "{} {status} at line {}",
                    self.names[node],
                    self.transcript.len()
                );
                let detail = self.with_stderr(node, detail);
                let at = self.transcript.len().saturating_sub(1);
                self.fail(Failure::new(Check::Liveness, rule::EXITED, detail).at(at));
                Err(Stop)
            }
            Err(RecvTimeoutError::Timeout) => Ok(()),
            Err(RecvTimeoutError::Disconnected) => Err(Stop),
        }
    }

    fn deliver_due(&mut self) {
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

    fn deliver(&mut self, id: u64, flight: Flight) {
        if !self.net.connected(flight.from, flight.to) {
            self.traffic[1] += 1;
            return;
        }
        self.procs[flight.to].send(&flight.text);
        let at = self.transcript.len();
        if let Ok(message) = serde_json::from_str::<Value>(&flight.text)
            && message["body"]["type"].as_str() == Some(self.merge_kind().as_str())
        {
            let from = self.names[flight.from].clone();
            self.history
                .delivered(flight.to, &from, &message["body"], at);
            self.events.push(Event::Delivered { flight: id });
        }
        self.transcript.push(Line {
            node: self.names[flight.to].clone(),
            sent: true,
            text: flight.text,
        });
    }

    fn on_line(&mut self, k: usize, bytes: &[u8]) {
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
    fn check_reply(&mut self, said: &Said, bytes: &[u8], id: u64, at: usize) -> bool {
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
    fn route(&mut self, from: usize, to: usize, said: &Said, text: String, at: usize) {
        let merge = self.merge_kind();
        let kind = said.kind();
        if kind == merge {
            self.check_gossip(said, at);
            self.pairs.insert((from, to));
            self.gossips += 1;
            self.traffic[0] += 1;
        } else if kind != format!("{merge}_ok") && kind != "error" {
            let detail = format!(
                "{} sent {} a {kind:?}; nodes send each other the type's merge message, {merge:?} with {}",
                self.names[from],
                self.names[to],
                self.merge_fields()
            );
            self.fail(Failure::new(Check::Protocol, rule::GOSSIP, detail).at(at));
        }
        if from == to || !self.net.connected(from, to) {
            self.traffic[1] += usize::from(kind == merge);
            return;
        }
        let copies = if self.rng.chance(self.net.duplicate_percent) {
            2
        } else {
            1
        };
        if kind == merge {
            self.traffic[3] += copies - 1;
        }
        for _ in 0..copies {
            let id = self.next_flight;
            self.next_flight += 1;
            if kind == merge {
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
            };
            let delay = self.rng.below(self.net.max_delay_ms as usize + 1) as u64;
            if delay == 0 {
                self.deliver(id, flight);
            } else if kind == merge {
                self.traffic[2] += 1;
                self.flights.insert(id, flight);
                self.due
                    .push(Reverse((Instant::now() + Duration::from_millis(delay), id)));
            } else {
                self.flights.insert(id, flight);
                self.due
                    .push(Reverse((Instant::now() + Duration::from_millis(delay), id)));
            }
        }
    }

    fn merge_kind(&self) -> String {
        let kind = self.merge_shape.get("type").and_then(Value::as_str);
        kind.unwrap_or("merge").to_string()
    }

    fn merge_fields(&self) -> String {
        let fields: Vec<&str> = self
            .merge_shape
            .keys()
            .filter(|k| *k != "type")
            .map(String::as_str)
            .collect();
        fields.join(" and ")
    }

    /// A merge message has every field of the type's, each a list (or an object, as the model's).
    fn check_gossip(&mut self, said: &Said, at: usize) {
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

    /// After the heal: read every node until they agree on what the history allows, or the
    /// time limit is up.
    fn converge(&mut self) -> Result<(), Stop> {
        let deadline = Instant::now() + self.setup.time_limit;
        loop {
            let mut reads = Vec::new();
            for k in 0..self.names.len() {
                reads.extend(self.read(k)?);
            }
            let agreed =
                reads.len() == self.names.len() && reads.windows(2).all(|w| w[0].1 == w[1].1);
            self.last_reads = reads;
            let settled = agreed
                && self
                    .history
                    .final_state(&self.last_reads[0].1, 0)
                    .is_empty();
            if settled || Instant::now() >= deadline {
                break;
            }
            self.idle(Instant::now() + POLL, |_| false)?;
        }
        self.judge_end();
        Ok(())
    }

    fn judge_end(&mut self) {
        let Some((first_at, first)) = self.last_reads.first().cloned() else {
            return;
        };
        let apart = self
            .last_reads
            .iter()
            .find(|(_, set)| *set != first)
            .cloned();
        let Some((at, other)) = apart else {
            for failure in self.history.final_state(&first, first_at) {
                self.fail(failure);
            }
            return;
        };
        let reads: Vec<String> = self
            .last_reads
            .iter()
            .map(|(at, set)| format!("{} {}", self.transcript[*at].node, set_text(set)))
            .collect();
        let mut detail = format!(
            "{:.1} s after the heal, the nodes still read different sets: {}",
            self.setup.time_limit.as_secs_f64(),
            reads.join(", ")
        );
        if self.gossips == 0 {
            detail.push_str(". No node ever sent another a message: each node must send its merge message to its peers now and then (crdt-lab node does it every second)");
        }
        let mut failure = Failure::new(Check::Convergence, rule::DIVERGED, detail).at(at);
        if let Some(e) = first.symmetric_difference(&other).next() {
            failure = failure.about(e);
        }
        self.fail(failure);
    }

    fn fail(&mut self, failure: Failure) {
        self.failures.push(failure);
    }

    fn with_stderr(&self, k: usize, detail: String) -> String {
        let tail = self.procs[k].stderr_tail();
        if tail.is_empty() {
            return format!("{detail}; it wrote nothing on stderr");
        }
        format!(
            "{detail}; the end of its stderr:\n      {}",
            tail.join("\n      ")
        )
    }

    fn report(self, finished: bool) -> (Report, Option<String>) {
        let title = self.title();
        let failures = self.failures.all().to_vec();
        let mut sections: Vec<Section> = failures.iter().map(|f| self.section(f)).collect();
        sections.sort_by_key(|s| s.failure.check);
        let story = sections
            .iter()
            .find(|s| {
                !matches!(s.failure.check, Check::Protocol | Check::Liveness)
                    && !s.failure.elems.is_empty()
            })
            .map(|s| {
                let at_end = s
                    .failure
                    .line
                    .is_some_and(|l| self.last_reads.iter().any(|(at, _)| *at == l));
                story::cluster(
                    self.setup.kind,
                    &self.names,
                    &self.events,
                    &s.failure,
                    at_end,
                    &title,
                )
            });
        let checks = Check::ALL
            .iter()
            .map(|&check| {
                let status = if self.failures.has(check) {
                    Status::Fail
                } else if !finished && matches!(check, Check::Convergence) {
                    Status::NotMade("the run stopped before the heal".into())
                } else {
                    Status::Pass
                };
                (check, status)
            })
            .collect();
        let [sent, lost, held, doubled] = self.traffic;
        let mut notes = vec![match sent {
            0 => "Between the nodes: not one message; no node ever gossiped.".to_string(),
            _ => format!(
                "Between the nodes: {sent} merge messages; the grader lost {lost} to partitions, held \
                 back {held} (reordering them) and delivered {doubled} twice."
            ),
        }];
        if !finished {
            notes.push(format!(
                "The run stopped at line {} (a node could not go on).",
                self.transcript.len()
            ));
        }
        let report = Report {
            title,
            command: self.setup.command.join(" "),
            checks,
            sections,
            notes,
            ..Report::default()
        };
        (report, story)
    }

    fn title(&self) -> String {
        let setup = self.setup;
        let protocol = match setup.protocol {
            Protocol::Course => "course",
            Protocol::Maelstrom => "maelstrom",
        };
        format!(
            "{} ({}), a cluster of {} nodes (n1 to n{}), seed {}, {} requests, {protocol} protocol, time limit {} s",
            title(setup.kind),
            setup.kind.word(),
            setup.nodes,
            setup.nodes,
            setup.seed,
            setup.ops,
            setup.time_limit.as_secs_f64()
        )
    }

    /// A failure with the lines of the run that show it. For a read: the node's requests about
    /// the failure's elements, its reads where they changed, and the merges that brought them.
    /// For the end of the run: every node's last read, each node's last request about them, and
    /// the last merge that brought them to each node.
    fn section(&self, failure: &Failure) -> Section {
        let end = failure.line.map_or(self.transcript.len(), |l| l + 1);
        let elems = &failure.elems;
        let mut keep = BTreeSet::new();
        let pair = |keep: &mut BTreeSet<usize>, at: usize| {
            keep.insert(at);
            keep.extend(self.asked.get(&at));
        };
        if let Some(at) = failure.line {
            pair(&mut keep, at);
        }
        let at_end = failure
            .line
            .is_some_and(|l| self.last_reads.iter().any(|(at, _)| *at == l));
        let failing = failure.line.and_then(|l| {
            self.names
                .iter()
                .position(|n| *n == self.transcript[l].node)
        });
        let nodes: Vec<usize> = match failing {
            Some(k) if !at_end => vec![k],
            _ => (0..self.names.len()).collect(),
        };
        if elems.is_empty() {
            keep.extend(end.saturating_sub(6)..end);
        }
        for &k in nodes.iter().filter(|_| !elems.is_empty()) {
            let ops: Vec<&Op> = self
                .history
                .ops
                .iter()
                .filter(|op| op.node == k && elems.contains(&op.elem) && op.acked < end)
                .collect();
            if at_end {
                // Each node's last add and last remove of them.
                for add in [true, false] {
                    ops.iter()
                        .rfind(|op| op.add == add)
                        .into_iter()
                        .for_each(|op| pair(&mut keep, op.acked));
                }
            } else {
                ops.iter().for_each(|op| pair(&mut keep, op.acked));
            }
            if !at_end {
                let mut before: Option<Vec<bool>> = None;
                for (at, set) in self.history.reads[k].iter().filter(|(at, _)| *at < end) {
                    let now: Vec<bool> = elems.iter().map(|e| set.contains(e)).collect();
                    if before.as_ref().is_some_and(|b| *b != now) {
                        pair(&mut keep, *at);
                    }
                    before = Some(now);
                }
                keep.extend(
                    elems
                        .iter()
                        .filter_map(|e| self.history.first_told(k, e, true))
                        .filter(|&l| l < end),
                );
            }
            let last_merge = (0..end).rev().find(|&l| {
                let line = &self.transcript[l];
                line.sent && line.node == self.names[k] && self.carries(&line.text, elems)
            });
            keep.extend(last_merge);
        }
        if at_end {
            self.last_reads
                .iter()
                .for_each(|(at, _)| pair(&mut keep, *at));
        }
        let history: Vec<(usize, Line)> = keep
            .into_iter()
            .filter(|&k| k < self.transcript.len())
            .map(|k| (k, self.transcript[k].clone()))
            .collect();
        let mut source = format!(
            "{} of the run's {} lines",
            history.len(),
            self.transcript.len()
        );
        if !elems.is_empty() {
            source.push_str(&format!(", those about {}", set_text(elems)));
            for note in &self.net_notes {
                source.push_str(&format!("; {note}"));
            }
        }
        Section {
            failure: failure.clone(),
            history,
            source,
        }
    }

    /// Whether a line is a merge message that has any of `elems`.
    fn carries(&self, text: &str, elems: &[Elem]) -> bool {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return false;
        };
        let body = &message["body"];
        let merge = self.merge_shape.get("type");
        body.get("type") == merge && elems.iter().any(|e| facts(body, e) != Default::default())
    }
}

fn client(k: usize) -> String {
    format!("c{}", k + 1)
}
