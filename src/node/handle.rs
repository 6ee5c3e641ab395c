//! Handling one line of input: read the message, serve it through the replica (or `init`),
//! then answer with a numbered reply or an error, or log why there is nothing to answer.

use super::json::{Body, Field, Message, write_line};
use super::replica::{Replica, Reply, Request};
use super::wire::{self, Failure, Incoming, Loose, LooseList, MsgId, unreadable};
use super::{NodeArgs, NodeType, Protocol};
use crate::crdt::Name;
use std::io::{self, Write};
use std::time::{Duration, Instant};

/// What a node knows once `init` has named it.
#[derive(Clone)]
struct Joined {
    me: Name,
    peers: Vec<String>,
    replica: Replica,
    next_gossip: Option<Instant>,
}

/// A node: its options, and its replica once `init` has named it. Cloning one copies its state.
#[derive(Clone)]
pub struct Node {
    kind: NodeType,
    read_key: &'static str,
    period: Option<Duration>,
    joined: Option<Joined>,
    next_msg_id: u64,
    line_no: u64,
}

impl Node {
    pub fn new(args: &NodeArgs) -> Node {
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

    /// The body of this node's own merge message, as its gossip sends it (without a `msg_id`);
    /// `None` before `init`.
    pub fn merge_body(&self) -> Option<serde_json::Value> {
        let Reply { kind, fields } = self.joined.as_ref()?.replica.gossip();
        let body = Body {
            kind,
            fields,
            in_reply_to: None,
            msg_id: None,
        };
        serde_json::to_value(&body).ok()
    }

    pub fn next_gossip(&self) -> Option<Instant> {
        self.joined.as_ref().and_then(|j| j.next_gossip)
    }

    /// Send the full state to every peer when the period is up.
    pub fn gossip_if_due(&mut self, out: &mut impl Write) -> io::Result<()> {
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
        write_message(out, src, dest, &body)
    }

    pub fn handle_line(
        &mut self,
        line: &[u8],
        out: &mut impl Write,
        log: &mut impl Write,
    ) -> io::Result<()> {
        self.line_no += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let e = match Incoming::parse(line) {
            Ok(message) => return self.handle(&message, out, log),
            Err(e) => e,
        };
        // An answer to an unreadable answer (`*_ok`, `error`) could bounce between two nodes.
        let answer = |kind: &Option<String>| {
            !kind
                .as_deref()
                .is_some_and(|k| k.ends_with("_ok") || k == "error")
        };
        match wire::salvage(line) {
            Some(s) if answer(&s.kind) => {
                let failure = Failure::malformed(format!(
                    "this line is not a well-formed message ({e}), so nothing was done"
                ));
                let own = s.dest.as_deref().unwrap_or("");
                self.answer(out, own, &s.src, &s.msg_id, Err(failure))
            }
            _ => writeln!(
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
            Some(MsgId::Other(_)) => Err(Failure::malformed(
                "msg_id must be an integer from 0 to 18446744073709551615",
            )),
            _ => kind.and_then(|kind| self.serve(kind, body, src, log)),
        };
        match (&body.msg_id, result) {
            (Some(id), result) => {
                let own = match &message.dest {
                    Some(Loose::Str(d)) => d.as_ref(),
                    _ => "",
                };
                self.answer(out, own, src, id, result)
            }
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
        let init_ok = Reply {
            kind: "init_ok",
            fields: Vec::new(),
        };
        let Some(Loose::Str(me)) = &body.node_id else {
            return Err(Failure::malformed("init needs node_id: a string"));
        };
        let peers = peers(me, body.node_ids.as_deref())?;
        if let Some(joined) = &self.joined {
            let (line, me) = (self.line_no, &joined.me);
            let _ = writeln!(
                log,
                "line {line}: already initialised as {me}; init changes nothing"
            );
            return Ok(init_ok);
        }
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
        Ok(init_ok)
    }

    /// Answer a request that carried a `msg_id`: its reply, or an error body. `own` is the
    /// request's `dest`, the name to answer with before `init` has given this node one.
    fn answer(
        &mut self,
        out: &mut impl Write,
        own: &str,
        dest: &str,
        msg_id: &MsgId,
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
            in_reply_to: Some(msg_id.echo()),
            msg_id: None,
        };
        match &self.joined {
            Some(joined) => {
                let me = joined.me.clone();
                self.send(out, &me, dest, body)
            }
            // No id yet, so no msg_id either: init_ok stays msg_id 0.
            None => write_message(out, own, dest, &body),
        }
    }
}

/// One message out, as a line.
fn write_message(out: &mut impl Write, src: &str, dest: &str, body: &Body) -> io::Result<()> {
    write_line(out, &Message { src, dest, body })
}

/// The other nodes named by `init`'s `node_ids`, sorted, without this node.
fn peers(me: &str, node_ids: Option<&LooseList>) -> Result<Vec<String>, Failure> {
    let bad = || Failure::malformed("init needs node_ids: a list of strings");
    let Some(LooseList::List(ids)) = node_ids else {
        return Err(bad());
    };
    let mut peers = Vec::new();
    for id in ids {
        match id {
            Loose::Str(id) if id.as_ref() == me => {}
            Loose::Str(id) => peers.push(id.to_string()),
            _ => return Err(bad()),
        }
    }
    peers.sort();
    peers.dedup();
    Ok(peers)
}
