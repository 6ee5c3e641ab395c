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

mod handle;
mod input;
mod json;
mod payload;
mod quick;
mod replica;
mod wire;

pub use self::handle::Node;
use crate::crdt::Kind;
use std::io::{self, BufRead, BufWriter, Write};
use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
use std::time::Instant;

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
    /// The core's set type this node runs.
    pub fn kind(self) -> Kind {
        match self {
            NodeType::TwoPSet => Kind::TwoPSet,
            NodeType::Gset => Kind::GSet,
            NodeType::Lww => Kind::Lww,
            NodeType::Orset => Kind::OrSet,
            NodeType::Orswot => Kind::Orswot,
        }
    }

    /// Its type word, the core's.
    pub fn word(self) -> &'static str {
        self.kind().word()
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
/// Output is flushed whenever no more input is waiting, and at the end. Without gossip there is
/// no clock to wait on besides the input, so the input is read where it is handled.
pub fn run(
    args: &NodeArgs,
    input: impl BufRead + Send + 'static,
    output: impl Write,
    log: impl Write,
) -> io::Result<()> {
    serve(args, input, output, log).map(drop)
}

/// [`run`], handing back the node at end of input (a process about to end can leave its state
/// to the system rather than free it element by element).
pub fn serve(
    args: &NodeArgs,
    input: impl BufRead + Send + 'static,
    output: impl Write,
    log: impl Write,
) -> io::Result<Node> {
    let out = BufWriter::with_capacity(1 << 16, output);
    let node = Node::new(args);
    if args.gossip_ms == 0 {
        return run_in_place(node, input, out, log);
    }
    run_with_gossip(node, input, out, log)
}

/// Read input on a thread of its own, so that a line and a gossip tick can be waited for at once.
fn run_with_gossip(
    mut node: Node,
    input: impl BufRead + Send + 'static,
    mut out: BufWriter<impl Write>,
    mut log: impl Write,
) -> io::Result<Node> {
    let chunks = input::spawn_reader(input)?;
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
    out.flush()?;
    Ok(node)
}

/// Handle the lines in the input's buffer as they are, and flush before reading more (which may
/// wait): what is answered is sent before the node waits.
fn run_in_place(
    mut node: Node,
    mut input: impl BufRead,
    mut out: BufWriter<impl Write>,
    mut log: impl Write,
) -> io::Result<Node> {
    let mut lines = input::Lines::default();
    loop {
        let chunk = match input.fill_buf() {
            Ok([]) => break,
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let len = chunk.len();
        lines.feed(chunk, |line| node.handle_line(line, &mut out, &mut log))?;
        input.consume(len);
        out.flush()?;
    }
    lines.finish(|line| node.handle_line(line, &mut out, &mut log))?;
    out.flush()?;
    Ok(node)
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;
    use std::io::{BufReader, Read};
    use std::sync::{Arc, Mutex};

    /// Input that arrives a few bytes at a time, as from a pipe, and notes at each read how many
    /// replies had reached the output by then.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
        written: Arc<Mutex<Vec<u8>>>,
        seen: Arc<Mutex<Vec<(usize, usize)>>>,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let replies = self
                .written
                .lock()
                .unwrap()
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.seen.lock().unwrap().push((self.at, replies));
            let n = self.step.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    /// A writer whose bytes the test can read while the node runs.
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    const SESSION: &str = concat!(
        r#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1"]}}"#,
        "\n",
        r#"{"src":"c1","dest":"n1","body":{"type":"add","msg_id":1,"element":"x"}}"#,
        "\n\n",
        r#"{"src":"n2","dest":"n1","body":{"type":"merge","msg_id":2,"add_set":[3,"y"],"remove_set":["x"]}}"#,
        "\nnot json\n",
        r#"{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}"#,
    );

    /// Run a node on the session, fed `step` bytes at a time; its output, its log, and what each
    /// read saw (bytes of input taken so far, replies written so far).
    fn trickled(gossip_ms: u64, step: usize) -> (String, String, Vec<(usize, usize)>) {
        let (written, seen) = (Arc::default(), Arc::default());
        let input = Trickle {
            data: SESSION.as_bytes().to_vec(),
            at: 0,
            step,
            written: Arc::clone(&written),
            seen: Arc::clone(&seen),
        };
        let args = NodeArgs {
            gossip_ms,
            ..NodeArgs::default()
        };
        let mut log = Vec::new();
        run(
            &args,
            BufReader::with_capacity(4, input),
            Shared(Arc::clone(&written)),
            &mut log,
        )
        .expect("the node reaches end of input");
        let out = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        let seen = seen.lock().unwrap().clone();
        (out, String::from_utf8(log).unwrap(), seen)
    }

    #[test]
    fn without_gossip_the_node_answers_the_same_however_its_input_arrives() {
        let (want, want_log, _) = trickled(1000, SESSION.len());
        assert_eq!(want.lines().count(), 4, "{want}");
        assert!(
            want.ends_with("\"elements\": [3, \"y\"], \"in_reply_to\": 3, \"msg_id\": 3}}\n"),
            "{want}"
        );
        assert!(want_log.contains("not JSON"), "{want_log}");
        for step in [1, 3, 7, SESSION.len()] {
            let (out, log, _) = trickled(0, step);
            assert_eq!(out, want, "{step} bytes at a time");
            assert_eq!(log, want_log, "{step} bytes at a time");
        }
    }

    #[test]
    fn without_gossip_every_answer_is_out_before_the_node_waits_for_more_input() {
        let (_, _, seen) = trickled(0, 5);
        let ends: Vec<usize> = SESSION.match_indices('\n').map(|(i, _)| i + 1).collect();
        for (taken, replies) in seen {
            // Every complete line taken so far has been answered (the blank and the unreadable
            // line are not), and nothing waits in a buffer while the node waits for input.
            let lines = ends.iter().filter(|end| **end <= taken).count();
            let answered = lines - usize::from(lines >= 3) - usize::from(lines >= 5);
            assert_eq!(replies, answered, "after {taken} bytes");
        }
    }

    #[test]
    fn every_node_type_is_named_by_the_core_type_it_runs() {
        let mut names = vec![];
        for t in NodeType::value_variants() {
            let value = t
                .to_possible_value()
                .expect("every node type has a value name");
            assert_eq!(value.get_name(), t.kind().word(), "{t:?}");
            names.push(value.get_name().to_string());
        }
        assert_eq!(names, ["2pset", "gset", "lww", "orset", "orswot"]);
    }
}
