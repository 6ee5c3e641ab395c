//! `crdt-lab node`: the core's set CRDTs as a process speaking the Maelstrom protocol, one JSON
//! message per line on stdin and stdout, logs on stderr, with gossip of the full state to peers.
//!
//! The merge payloads of each `--type` (and the gossip a node sends) are:
//! - `gset`: `merge` with `elements` (a list), answered by `merge_ok` with `new_count`;
//! - `2pset`: `merge` with `add_set` and `remove_set` (lists), answered by `merge_ok`;
//! - `lww`: `merge` with `adds` and `removes`, lists of `[element, time, node]`, answered by `merge_ok`;
//! - `orset`: `or_set_merge` with `live` and `tombstones`, lists of `[element, [tag, ...]]`;
//! - `orswot`: `or_set_merge` with `entries` (as `live`) and `clock`, an object `{"n1": 2}`.
//!
//! A tag or dot is `"n1:3"`: the node that minted it and that node's counter.

mod input;
mod json;
mod payload;
mod replica;
mod wire;

use self::json::{Body, Field, Message, write_line};
use self::replica::{Replica, Reply, Request};
use self::wire::{Failure, Incoming, Loose, LooseList, unreadable};
use crate::crdt::Name;
use std::io::{self, BufRead, BufWriter, Write};
use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

pub use self::json::PythonFormatter;

/// The set type a node runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NodeType {
    /// 2P-Set: the course's task (add, remove, read, merge with add_set and remove_set).
    #[value(name = "2pset")]
    TwoPSet,
    /// G-Set: add, read, merge with elements (answered with new_count).
    Gset,
    /// LWW-Element-Set with Lamport timestamps: add, remove, read, merge with adds and removes.
    Lww,
    /// OR-Set: or_set_add (answered with its tag), or_set_remove, or_set_read, or_set_merge.
    Orset,
    /// ORSWOT: the OR-Set's messages, merged with entries and a clock instead of tombstones.
    Orswot,
}

impl NodeType {
    pub fn word(self) -> &'static str {
        match self {
            NodeType::TwoPSet => "2pset",
            NodeType::Gset => "gset",
            NodeType::Lww => "lww",
            NodeType::Orset => "orset",
            NodeType::Orswot => "orswot",
        }
    }
}

/// Whose message format to speak.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    /// The course's ("Gossiper" track): `read_ok` carries `elements`.
    #[default]
    Course,
    /// Maelstrom's own workloads (`-w g-set`): `read_ok` carries `value`.
    Maelstrom,
}

/// Options of `crdt-lab node`.
#[derive(Clone, Debug, PartialEq, Eq, clap::Args)]
pub struct NodeArgs {
    /// The set CRDT this node runs.
    #[arg(long = "type", value_enum, default_value = "2pset")]
    pub kind: NodeType,
    /// The message format: the course's, or Maelstrom's own workloads.
    #[arg(long, value_enum, default_value = "course")]
    pub protocol: Protocol,
    /// How often to gossip the full state to the other nodes, in milliseconds; 0 turns it off.
    #[arg(long, default_value_t = 1000)]
    pub gossip_ms: u64,
}

impl Default for NodeArgs {
    fn default() -> Self {
        NodeArgs {
            kind: NodeType::TwoPSet,
            protocol: Protocol::Course,
            gossip_ms: 1000,
        }
    }
}

/// Run a node until end of input: read messages from `input`, answer on `output`, log to `log`.
/// Output is flushed whenever no more input is waiting, and at the end.
pub fn run(
    args: &NodeArgs,
    input: impl BufRead + Send + 'static,
    output: impl Write,
    mut log: impl Write,
) -> io::Result<()> {
    let chunks = input::spawn_reader(input)?;
    let mut out = BufWriter::with_capacity(1 << 16, output);
    let mut node = Node::new(args);
    let mut lines = input::Lines::default();
    loop {
        node.gossip_if_due(&mut out)?;
        let chunk = match chunks.try_recv() {
            Ok(chunk) => chunk,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                out.flush()?;
                match wait(&chunks, node.next_gossip()) {
                    Ok(chunk) => chunk,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
        };
        lines.feed(&chunk?, |line| node.handle_line(line, &mut out, &mut log))?;
    }
    lines.finish(|line| node.handle_line(line, &mut out, &mut log))?;
    out.flush()
}

/// Wait for input, but no later than `deadline`.
fn wait<T>(
    rx: &std::sync::mpsc::Receiver<T>,
    deadline: Option<Instant>,
) -> Result<T, RecvTimeoutError> {
    match deadline {
        None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
    }
}

/// What a node knows once `init` has named it.
struct Joined {
    me: Name,
    peers: Vec<String>,
    replica: Replica,
    next_gossip: Option<Instant>,
}

struct Node {
    kind: NodeType,
    read_key: &'static str,
    period: Option<Duration>,
    joined: Option<Joined>,
    next_msg_id: u64,
    line_no: u64,
}

impl Node {
    fn new(args: &NodeArgs) -> Node {
        Node {
            kind: args.kind,
            read_key: match args.protocol {
                Protocol::Course => "elements",
                Protocol::Maelstrom => "value",
            },
            period: (args.gossip_ms > 0).then(|| Duration::from_millis(args.gossip_ms)),
            joined: None,
            next_msg_id: 0,
            line_no: 0,
        }
    }

    fn next_gossip(&self) -> Option<Instant> {
        self.joined.as_ref().and_then(|j| j.next_gossip)
    }

    /// Send the full state to every peer when the period is up.
    fn gossip_if_due(&mut self, out: &mut impl Write) -> io::Result<()> {
        let (Some(due), Some(period)) = (self.next_gossip(), self.period) else {
            return Ok(());
        };
        let now = Instant::now();
        if now < due {
            return Ok(());
        }
        let Some(joined) = self.joined.as_mut() else {
            return Ok(());
        };
        joined.next_gossip = Some(now + period);
        let Reply { kind, fields } = joined.replica.gossip();
        let (me, peers) = (joined.me.clone(), joined.peers.clone());
        for peer in &peers {
            let body = Body {
                kind,
                fields: fields.clone(),
                in_reply_to: None,
                msg_id: None,
            };
            self.send(out, &me, peer, body)?;
        }
        Ok(())
    }

    /// Send one message, numbering it with the next `msg_id`.
    fn send(
        &mut self,
        out: &mut impl Write,
        src: &str,
        dest: &str,
        mut body: Body,
    ) -> io::Result<()> {
        body.msg_id = Some(self.next_msg_id);
        self.next_msg_id += 1;
        write_line(
            out,
            &Message {
                src,
                dest,
                body: &body,
            },
        )
    }

    fn handle_line(
        &mut self,
        line: &[u8],
        out: &mut impl Write,
        log: &mut impl Write,
    ) -> io::Result<()> {
        self.line_no += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        match serde_json::from_slice::<Incoming>(line) {
            Ok(message) => self.handle(&message, out, log),
            Err(e) => writeln!(
                log,
                "line {}: {}; skipped",
                self.line_no,
                unreadable(line, &e)
            ),
        }
    }

    fn handle(
        &mut self,
        message: &Incoming,
        out: &mut impl Write,
        log: &mut impl Write,
    ) -> io::Result<()> {
        let body = &message.body;
        let kind = match &body.kind {
            Some(Loose::Str(kind)) => Ok(kind.as_ref()),
            Some(Loose::Int(_)) => Err(Failure::malformed("type must be a string, not an integer")),
            Some(Loose::Other(what)) => Err(Failure::malformed(format!(
                "type must be a string, not {what}"
            ))),
            None => Err(Failure::malformed("the body has no type")),
        };
        let src = match &message.src {
            Some(Loose::Str(src)) => src.as_ref(),
            _ => "",
        };
        match kind {
            Ok(kind) if kind.ends_with("_ok") => return Ok(()),
            Ok("error") => return self.log_error(body, src, log),
            _ if src.is_empty() => return writeln!(log, "line {}: no src; skipped", self.line_no),
            _ => {}
        }
        let result = match &body.msg_id {
            Some(wire::MsgId::Other(_)) => {
                Err(Failure::malformed("msg_id must be a non-negative integer"))
            }
            _ => kind.and_then(|kind| self.serve(kind, body, src, log)),
        };
        match (&body.msg_id, result) {
            (Some(id), result) => self.answer(out, message, src, id, result),
            (None, Err(failure)) => {
                writeln!(
                    log,
                    "line {}: {} (no msg_id, so no answer)",
                    self.line_no, failure.text
                )
            }
            (None, Ok(_)) => Ok(()),
        }
    }

    fn log_error(&self, body: &wire::Body, src: &str, log: &mut impl Write) -> io::Result<()> {
        let show = |v: &Option<Box<serde_json::Value>>| match v.as_deref() {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => "?".into(),
        };
        let (code, text) = (show(&body.code), show(&body.text));
        writeln!(
            log,
            "line {}: error {code} from {src}: {text}",
            self.line_no
        )
    }

    /// Serve a request: `init`, or whatever this node's replica answers.
    fn serve(
        &mut self,
        kind: &str,
        body: &wire::Body,
        src: &str,
        log: &mut impl Write,
    ) -> Result<Reply, Failure> {
        if kind == "init" {
            return self.init(body, log);
        }
        let Some(joined) = self.joined.as_mut() else {
            return Err(Failure {
                code: Failure::TEMPORARILY_UNAVAILABLE,
                text: "this node has no id yet: send init first".into(),
            });
        };
        let request = Request {
            name: kind,
            body,
            src,
            read_key: self.read_key,
        };
        joined.replica.handle(&request).unwrap_or_else(|| {
            Err(Failure::unsupported(format!(
                "a {} node does not know the message type {kind:?}; it answers init, {}",
                self.kind.word(),
                joined.replica.requests()
            )))
        })
    }

    fn init(&mut self, body: &wire::Body, log: &mut impl Write) -> Result<Reply, Failure> {
        let Some(Loose::Str(me)) = &body.node_id else {
            return Err(Failure::malformed("init needs node_id: a string"));
        };
        let node_ids: Vec<&str> = match body.node_ids.as_deref() {
            Some(LooseList::List(ids)) => ids.iter().map(|id| match id {
                Loose::Str(id) => Some(id.as_ref()),
                _ => None,
            }),
            _ => return Err(Failure::malformed("init needs node_ids: a list of strings")),
        }
        .collect::<Option<_>>()
        .ok_or_else(|| Failure::malformed("init needs node_ids: a list of strings"))?;
        if let Some(joined) = &self.joined {
            let _ = writeln!(
                log,
                "line {}: already initialised as {}; init changes nothing",
                self.line_no, joined.me
            );
            return Ok(Reply {
                kind: "init_ok",
                fields: Vec::new(),
            });
        }
        let mut peers: Vec<String> = node_ids
            .iter()
            .filter(|id| **id != me.as_ref())
            .map(|id| id.to_string())
            .collect();
        peers.sort();
        peers.dedup();
        let me: Name = me.as_ref().into();
        let next_gossip = self
            .period
            .filter(|_| !peers.is_empty())
            .map(|p| Instant::now() + p);
        let replica = Replica::new(self.kind, &me);
        self.joined = Some(Joined {
            me,
            peers,
            replica,
            next_gossip,
        });
        Ok(Reply {
            kind: "init_ok",
            fields: Vec::new(),
        })
    }

    /// Answer a request that carried a `msg_id`: its reply, or an error body.
    fn answer(
        &mut self,
        out: &mut impl Write,
        message: &Incoming,
        dest: &str,
        msg_id: &wire::MsgId,
        result: Result<Reply, Failure>,
    ) -> io::Result<()> {
        let (kind, fields) = match result {
            Ok(Reply { kind, fields }) => (kind, fields),
            Err(Failure { code, text }) => (
                "error",
                vec![("code", Field::Count(code)), ("text", Field::Text(text))],
            ),
        };
        let body = Body {
            kind,
            fields,
            in_reply_to: Some(msg_id.to_json()),
            msg_id: None,
        };
        match &self.joined {
            Some(joined) => {
                let me = joined.me.clone();
                self.send(out, &me, dest, body)
            }
            None => {
                // No id yet, so no msg_id either: init_ok stays msg_id 0.
                let src = match &message.dest {
                    Some(Loose::Str(d)) => d.as_ref(),
                    _ => "",
                };
                write_line(
                    out,
                    &Message {
                        src,
                        dest,
                        body: &body,
                    },
                )
            }
        }
    }
}
