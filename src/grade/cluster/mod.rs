//! A cluster run: N copies of the node with `init`, their messages to each other routed through seeded faults (partitions, delays that reorder, duplicates), clients on every node, then the heal, a bounded wait for convergence, and the checks on the whole history.

use super::Setup;
use super::child::{self, Output, Proc};
use super::history::{History, Op};
use super::judge::{code_name, read_elements};
use super::lines::{Numbering, Said};
use super::model::{Model, elem_to_json, verbs};
use super::report::{Report, Section, Status, statuses};
use super::story::{self, Event};
use super::verdict::{
    Check, Failure, Failures, Line, Semantic, rule, semantic_rule, set_text, show,
};
use super::workload::{self, Net, Phase, Rng, Step};
use crate::crdt::Elem;
use crate::node::NodeType;
use serde_json::{Value, json};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How often the nodes are read while the grader waits for them to converge.
const POLL: Duration = Duration::from_millis(100);

mod route;
mod slice;

pub fn grade(setup: &Setup) -> Result<(Report, Option<String>), String> {
    let names: Vec<String> = (1..=setup.nodes).map(|k| format!("n{k}")).collect();
    let phases = workload::cluster(setup.kind, setup.seed, setup.ops, setup.nodes);
    let mut run = Cluster::start(setup, names)?;
    let finished = run.init().and_then(|()| run.play(&phases)).is_ok();
    Ok(run.report(finished))
}

/// A message between two nodes, held by the router; a merge message keeps its body.
struct Flight {
    from: usize,
    to: usize,
    text: String,
    merge: Option<Value>,
}

/// Merge messages between the nodes: sent, lost to a partition, held back, delivered twice.
#[derive(Clone, Copy, Debug, Default)]
struct Traffic {
    sent: usize,
    lost: usize,
    held: usize,
    doubled: usize,
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
    /// No node has gossiped through a whole wait.
    silent: bool,
    /// The last read of each node, once the grader stopped waiting for convergence.
    last_reads: Vec<(usize, BTreeSet<Elem>)>,
    traffic: Traffic,
    net_notes: Vec<String>,
    /// How many nodes have answered `init`, in order: messages to a node not yet initialised
    /// wait in `before_init`, as a real network's would for a node not yet started.
    initialised: usize,
    before_init: Vec<(u64, Flight)>,
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
            silent: false,
            last_reads: Vec::new(),
            traffic: Traffic::default(),
            net_notes: Vec::new(),
            initialised: 0,
            before_init: Vec::new(),
        })
    }

    fn init(&mut self) -> Result<(), Stop> {
        for k in 0..self.names.len() {
            let body = json!({"type": "init", "node_id": self.names[k], "node_ids": self.names});
            let (said, at) = self.request(k, "c0", body)?;
            self.expect_kind(&said, "init_ok", "init", at);
            self.initialised = k + 1;
            let (ready, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.before_init)
                .into_iter()
                .partition(|(_, f)| f.to <= k);
            self.before_init = later;
            for (id, flight) in ready {
                self.deliver(id, flight);
            }
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
            self.silent = self.traffic.sent == 0;
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
        let failure = match (said.kind(), said.body.get("code").and_then(Value::as_u64)) {
            ("error", Some(10)) => return,
            ("error", code) => {
                let got = code.map_or("an error without a code".into(), |c| {
                    format!("error {c} ({})", code_name(Some(c)))
                });
                let detail = format!(
                    "a G-Set remove gets error 10 (not-supported), but {who} answered {got}"
                );
                Failure::new(Check::Protocol, rule::ERROR_CODE, detail)
            }
            (other, _) => {
                let detail = format!(
                    "{who} answered {other:?} to a remove; a G-Set has no remove, so it answers error 10"
                );
                let rule = semantic_rule(NodeType::Gset, Semantic::NoRemove);
                Failure::new(Check::Semantics, rule, detail)
            }
        };
        self.fail(failure.at(at));
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
        if self.traffic.sent == 0 {
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

    fn report(self, finished: bool) -> (Report, Option<String>) {
        let title = self.setup.title();
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
        let checks = statuses(&sections, |check| match check {
            Check::Convergence if !finished => {
                Status::NotMade("the run stopped before the heal".into())
            }
            _ => Status::Pass,
        });
        let Traffic {
            sent,
            lost,
            held,
            doubled,
        } = self.traffic;
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
}

fn client(k: usize) -> String {
    format!("c{}", k + 1)
}
