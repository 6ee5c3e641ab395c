//! Gossip and end of input, in-process: the node's input stays open like a pipe until the test
//! closes it, so the gossip timer has time to fire (or to be seen not firing).

use crdt_lab::node::{NodeArgs, NodeType, Protocol, run};
use serde_json::Value;
use std::io::{self, BufReader, Read, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Input fed line by line from the test; dropping the sender is end of input.
struct Pipe {
    rx: Receiver<Vec<u8>>,
    pending: io::Cursor<Vec<u8>>,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.pending.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            match self.rx.recv() {
                Ok(bytes) => self.pending = io::Cursor::new(bytes),
                Err(_) => return Ok(0),
            }
        }
    }
}

/// Output the test can look at while the node runs.
#[derive(Clone, Default)]
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

impl Shared {
    fn lines(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

struct Running {
    input: Option<Sender<Vec<u8>>>,
    out: Shared,
    log: Shared,
    node: JoinHandle<io::Result<()>>,
}

fn start(kind: NodeType, gossip_ms: u64) -> Running {
    let (tx, rx) = mpsc::channel();
    let (out, log) = (Shared::default(), Shared::default());
    let args = NodeArgs {
        kind,
        protocol: Protocol::Course,
        gossip_ms,
    };
    let input = BufReader::new(Pipe {
        rx,
        pending: io::Cursor::new(Vec::new()),
    });
    let (o, l) = (out.clone(), log.clone());
    let node = thread::spawn(move || run(&args, input, o, l));
    Running {
        input: Some(tx),
        out,
        log,
        node,
    }
}

impl Running {
    fn send(&self, line: &str) {
        self.input
            .as_ref()
            .unwrap()
            .send(format!("{line}\n").into_bytes())
            .unwrap();
    }
    /// Wait until `ready` holds for the output, or panic after two seconds.
    fn wait_for(&self, what: &str, ready: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let lines = self.out.lines();
            if ready(&lines) {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; got {lines:#?}"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }
    /// Close the input and return how long the node took to finish.
    fn close(mut self) -> (Duration, Vec<Value>, String) {
        let started = Instant::now();
        self.input = None;
        self.node.join().unwrap().expect("the node ends cleanly");
        let log = String::from_utf8(self.log.0.lock().unwrap().clone()).unwrap();
        (started.elapsed(), self.out.lines(), log)
    }
}

const INIT3: &str = r#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3"]}}"#;
const INIT1: &str = r#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}"#;

fn gossip_to(lines: &[Value], peer: &str) -> Vec<Value> {
    lines
        .iter()
        .filter(|m| m["dest"] == peer)
        .cloned()
        .collect()
}

#[test]
fn a_2pset_node_gossips_add_set_and_remove_set_to_every_peer_and_numbers_them() {
    let node = start(NodeType::TwoPSet, 20);
    node.send(INIT3);
    node.send(r#"{"src":"c1","dest":"n1","body":{"type":"add","msg_id":2,"element":"x"}}"#);
    node.send(r#"{"src":"c1","dest":"n1","body":{"type":"add","msg_id":3,"element":4}}"#);
    node.send(r#"{"src":"c1","dest":"n1","body":{"type":"remove","msg_id":4,"element":"x"}}"#);
    let lines = node.wait_for("gossip to n2 and n3", |l| {
        let full = |peer| {
            gossip_to(l, peer)
                .iter()
                .any(|m| m["body"]["remove_set"] == serde_json::json!(["x"]))
        };
        full("n2") && full("n3")
    });
    let to_n2 = gossip_to(&lines, "n2");
    let last = &to_n2.last().unwrap()["body"];
    assert_eq!(last["type"], "merge");
    assert_eq!(last["add_set"], serde_json::json!([4, "x"]));
    assert_eq!(last.get("in_reply_to"), None, "gossip is not a reply");
    let ids: Vec<u64> = lines
        .iter()
        .map(|m| m["body"]["msg_id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        ids,
        (0..ids.len() as u64).collect::<Vec<_>>(),
        "one counter for replies and gossip"
    );
    let (_, _, log) = node.close();
    assert_eq!(log, "");
}

#[test]
fn each_type_gossips_its_own_merge_message_and_its_answers_are_ignored() {
    let cases = [
        (NodeType::Gset, "merge", vec!["elements"]),
        (NodeType::Lww, "merge", vec!["adds", "removes"]),
        (NodeType::Orset, "or_set_merge", vec!["live", "tombstones"]),
        (NodeType::Orswot, "or_set_merge", vec!["entries", "clock"]),
    ];
    for (kind, merge, fields) in cases {
        let node = start(kind, 10);
        node.send(INIT3);
        let lines = node.wait_for("a gossip message", |l| l.len() >= 3);
        let body = &lines[1]["body"];
        assert_eq!(body["type"], merge, "{kind:?}");
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        let mut want = vec!["type"];
        want.extend(&fields);
        want.push("msg_id");
        assert_eq!(keys, want, "{kind:?}: body keys in order");
        let answer =
            format!(r#"{{"src":"n2","dest":"n1","body":{{"type":"{merge}_ok","in_reply_to":1}}}}"#);
        node.send(&answer);
        let (_, lines, log) = node.close();
        assert!(
            lines
                .iter()
                .all(|m| m["dest"] != "n2" || m["body"]["type"] == merge),
            "{kind:?}: no answer to an answer"
        );
        assert_eq!(log, "", "{kind:?}");
    }
}

#[test]
fn a_node_alone_prints_nothing_beyond_its_replies() {
    let node = start(NodeType::TwoPSet, 5);
    node.send(INIT1);
    node.send(r#"{"src":"c1","dest":"n1","body":{"type":"add","msg_id":2,"element":"x"}}"#);
    node.wait_for("two replies", |l| l.len() == 2);
    thread::sleep(Duration::from_millis(60));
    let (_, lines, _) = node.close();
    let types: Vec<&str> = lines
        .iter()
        .map(|m| m["body"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["init_ok", "add_ok"]);
}

#[test]
fn gossip_ms_zero_turns_gossip_off() {
    let node = start(NodeType::TwoPSet, 0);
    node.send(INIT3);
    node.wait_for("init_ok", |l| l.len() == 1);
    thread::sleep(Duration::from_millis(60));
    let (_, lines, _) = node.close();
    assert_eq!(lines.len(), 1, "only init_ok: {lines:?}");
}

#[test]
fn end_of_input_ends_the_node_at_once_even_with_a_long_gossip_timer() {
    let node = start(NodeType::Orset, 60_000);
    node.send(INIT3);
    node.send(r#"{"src":"c1","dest":"n1","body":{"type":"or_set_add","msg_id":2,"element":"x"}}"#);
    node.wait_for("two replies", |l| l.len() == 2);
    let (took, lines, _) = node.close();
    assert!(took < Duration::from_millis(500), "took {took:?}");
    assert_eq!(lines[1]["body"]["tag"], "n1:1");
}

#[test]
fn replies_are_flushed_while_the_input_stays_open() {
    let node = start(NodeType::TwoPSet, 0);
    node.send(INIT1);
    node.send(r#"{"src":"c1","dest":"n1","body":{"type":"read","msg_id":2}}"#);
    let lines = node.wait_for("the read_ok before end of input", |l| l.len() == 2);
    assert_eq!(lines[1]["body"]["elements"], serde_json::json!([]));
    node.close();
}
