//! Five real `crdt-lab node` processes, gossiping every 50 ms through a router that delivers by
//! `dest` and drops every message across a partition. Clients add and remove on different nodes,
//! on both sides of the partition; after it heals, every node must read the same set, and no
//! acknowledged add may be missing unless a remove that the type says wins took it out.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const NODES: usize = 5;
/// Nothing in this test may take longer than this; it fails rather than hangs.
const DEADLINE: Duration = Duration::from_secs(15);

enum Event {
    FromNode(usize, String),
    FromClient(usize, String),
    Shutdown,
}

/// How the router sees the network: the group of each node, or one group when healed.
#[derive(Clone, Default)]
struct Network {
    groups: Arc<Mutex<Option<Vec<usize>>>>,
    dropped: Arc<AtomicUsize>,
    errors_between_nodes: Arc<AtomicUsize>,
}

impl Network {
    fn connected(&self, a: usize, b: usize) -> bool {
        match &*self.groups.lock().unwrap() {
            Some(groups) => groups[a] == groups[b],
            None => true,
        }
    }
}

fn node_index(id: &str) -> Option<usize> {
    let n: usize = id.strip_prefix('n')?.parse().ok()?;
    (1..=NODES).contains(&n).then(|| n - 1)
}

/// Deliver node-to-node messages by `dest` (unless partitioned) and hand the rest to the client.
fn route(
    events: Receiver<Event>,
    mut stdins: Vec<ChildStdin>,
    replies: Sender<Value>,
    net: Network,
) {
    for event in events {
        match event {
            Event::FromClient(to, line) => {
                let _ = writeln!(stdins[to], "{line}");
            }
            Event::FromNode(from, line) => {
                let msg: Value =
                    serde_json::from_str(&line).expect("nodes print only JSON messages");
                let dest = msg["dest"].as_str().unwrap_or_default();
                match node_index(dest) {
                    Some(to) if net.connected(from, to) => {
                        if msg["body"]["type"] == "error" {
                            net.errors_between_nodes.fetch_add(1, Ordering::SeqCst);
                        }
                        let _ = writeln!(stdins[to], "{line}");
                    }
                    Some(_) => {
                        net.dropped.fetch_add(1, Ordering::SeqCst);
                    }
                    None => {
                        let _ = replies.send(msg);
                    }
                }
            }
            Event::Shutdown => return,
        }
    }
}

struct Cluster {
    kind: &'static str,
    children: Vec<Child>,
    logs: Vec<JoinHandle<String>>,
    events: Sender<Event>,
    replies: Receiver<Value>,
    net: Network,
    next_msg_id: u64,
}

impl Cluster {
    fn start(kind: &'static str) -> Cluster {
        let (events, inbox) = mpsc::channel();
        let (mut children, mut stdins, mut logs) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..NODES {
            let mut child = Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
                .args(["node", "--type", kind, "--gossip-ms", "50"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("crdt-lab starts");
            stdins.push(child.stdin.take().unwrap());
            let (stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
            let to_router = events.clone();
            thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let _ = to_router.send(Event::FromNode(i, line.unwrap()));
                }
            });
            logs.push(thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                text
            }));
            children.push(child);
        }
        let (reply_tx, replies) = mpsc::channel();
        let net = Network::default();
        let router_net = net.clone();
        thread::spawn(move || route(inbox, stdins, reply_tx, router_net));
        let mut cluster = Cluster {
            kind,
            children,
            logs,
            events,
            replies,
            net,
            next_msg_id: 1,
        };
        let ids: Vec<String> = (1..=NODES).map(|n| format!("n{n}")).collect();
        for (i, id) in ids.iter().enumerate() {
            let reply = cluster.request(i, json!({"type": "init", "node_id": id, "node_ids": ids}));
            assert_eq!(reply["type"], "init_ok");
        }
        cluster
    }

    fn tagged(&self) -> bool {
        self.kind == "orset" || self.kind == "orswot"
    }

    /// Send a client request to node `i` and wait for its reply body.
    fn request(&mut self, i: usize, mut body: Value) -> Value {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        body["msg_id"] = json!(id);
        let msg = json!({"src": "c1", "dest": format!("n{}", i + 1), "body": body});
        self.events
            .send(Event::FromClient(i, msg.to_string()))
            .unwrap();
        let reply = self
            .replies
            .recv_timeout(DEADLINE)
            .expect("a reply in time");
        assert_eq!(reply["dest"], "c1");
        assert_eq!(
            reply["body"]["in_reply_to"],
            json!(id),
            "replies come in order: {reply}"
        );
        reply["body"].clone()
    }

    fn add(&mut self, i: usize, elem: Value) -> Value {
        let kind = if self.tagged() { "or_set_add" } else { "add" };
        let reply = self.request(i, json!({"type": kind, "element": elem}));
        assert_eq!(reply["type"], format!("{kind}_ok"), "{reply}");
        reply
    }

    fn remove(&mut self, i: usize, elem: Value) -> Value {
        let kind = if self.tagged() {
            "or_set_remove"
        } else {
            "remove"
        };
        let reply = self.request(i, json!({"type": kind, "element": elem}));
        assert_eq!(reply["type"], format!("{kind}_ok"), "{reply}");
        reply
    }

    fn read(&mut self, i: usize) -> BTreeSet<String> {
        let kind = if self.tagged() { "or_set_read" } else { "read" };
        let reply = self.request(i, json!({"type": kind}));
        let elems = reply["elements"].as_array().expect("a list of elements");
        elems.iter().map(Value::to_string).collect()
    }

    fn reads(&mut self, nodes: &[usize]) -> Vec<BTreeSet<String>> {
        nodes.iter().map(|i| self.read(*i)).collect()
    }

    /// Poll until every node in `nodes` reads the same set and `done` accepts it.
    fn wait_until_agreed(
        &mut self,
        nodes: &[usize],
        done: impl Fn(&BTreeSet<String>) -> bool,
    ) -> BTreeSet<String> {
        let started = Instant::now();
        loop {
            let reads = self.reads(nodes);
            if reads.iter().all(|r| *r == reads[0]) && done(&reads[0]) {
                return reads[0].clone();
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{}: nodes {nodes:?} never agreed: {reads:#?}",
                self.kind
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn partition(&self, groups: Vec<usize>) {
        *self.net.groups.lock().unwrap() = Some(groups);
    }

    fn heal(&self) {
        *self.net.groups.lock().unwrap() = None;
    }

    /// Close every node's input; each must exit 0 promptly and have logged nothing.
    fn shut_down(mut self) {
        let _ = self.events.send(Event::Shutdown);
        let started = Instant::now();
        for child in &mut self.children {
            let status = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "a node did not exit at end of input"
                );
                thread::sleep(Duration::from_millis(10));
            };
            assert!(status.success(), "{status}");
        }
        for log in self.logs {
            assert_eq!(
                log.join().unwrap(),
                "",
                "{}: a node logged a complaint",
                self.kind
            );
        }
    }
}

fn shown(values: &[Value]) -> BTreeSet<String> {
    values.iter().map(Value::to_string).collect()
}

/// What the clients were told: every acknowledged add and remove, with their tags.
#[derive(Default)]
struct Ledger {
    added: Vec<Value>,
    add_tags: BTreeSet<(String, String)>,
    removed: Vec<Value>,
    removed_tags: BTreeSet<(String, String)>,
}

impl Ledger {
    fn add(&mut self, c: &mut Cluster, node: usize, e: Value) {
        let reply = c.add(node, e.clone());
        self.add_tags
            .insert((e.to_string(), reply["tag"].to_string()));
        self.added.push(e);
    }

    fn remove(&mut self, c: &mut Cluster, node: usize, e: Value) {
        let reply = c.remove(node, e.clone());
        let tags = reply["tags_removed"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        self.removed_tags
            .extend(tags.iter().map(|t| (e.to_string(), t.to_string())));
        self.removed.push(e);
    }

    /// What the final set must hold and what it may hold, by the rule of each type.
    fn expected(&self, kind: &str) -> (BTreeSet<String>, BTreeSet<String>) {
        let all = shown(&self.added);
        let kept: BTreeSet<String> = all.difference(&shown(&self.removed)).cloned().collect();
        match kind {
            "gset" => (all.clone(), all),
            // Remove wins, forever: 1 stays gone although side B added it again.
            "2pset" => (kept.clone(), kept),
            // 2 and 3 were removed after their adds had reached the remover, so the removes
            // carry later stamps; 1's remove and re-add were concurrent, so either may win.
            "lww" => {
                let mut may = kept.clone();
                may.insert("1".into());
                (kept, may)
            }
            // Add wins: an element stays iff one of its acknowledged tags was never removed.
            _ => {
                let live = self.add_tags.difference(&self.removed_tags);
                let must: BTreeSet<String> = live.map(|(e, _)| e.clone()).collect();
                (must.clone(), must)
            }
        }
    }
}

/// Adds before, during and after a partition, with removes and a concurrent add/remove on 1.
fn scenario(kind: &'static str) {
    let mut c = Cluster::start(kind);
    let mut ledger = Ledger::default();
    for n in 1..=10 {
        ledger.add(&mut c, n % NODES, json!(n));
    }
    for s in ["s1", "s2", "s3"] {
        ledger.add(&mut c, 2, json!(s));
    }
    let everyone: Vec<usize> = (0..NODES).collect();
    let before = shown(&ledger.added);
    c.wait_until_agreed(&everyone, |set| *set == before);

    c.partition(vec![0, 0, 1, 1, 1]);
    let (side_a, side_b) = ([0, 1], [2, 3, 4]);
    for (k, e) in ["a1", "a2", "a3"].iter().enumerate() {
        ledger.add(&mut c, side_a[k % 2], json!(e));
    }
    for (k, e) in ["b1", "b2", "b3"].iter().enumerate() {
        ledger.add(&mut c, side_b[k % 3], json!(e));
    }
    if kind != "gset" {
        ledger.remove(&mut c, 0, json!(1));
        ledger.remove(&mut c, 2, json!(2));
        ledger.remove(&mut c, 4, json!(3));
        ledger.add(&mut c, 3, json!(1)); // on side B, concurrent with side A's remove of 1
    }
    // Each side converges on its own, and sees nothing of the other side's adds.
    let a_only = c.wait_until_agreed(&side_a, |set| set.contains("\"a3\""));
    let b_only = c.wait_until_agreed(&side_b, |set| set.contains("\"b3\""));
    assert!(
        !a_only.iter().any(|e| e.starts_with("\"b")),
        "{kind}: side A saw side B: {a_only:?}"
    );
    assert!(
        !b_only.iter().any(|e| e.starts_with("\"a")),
        "{kind}: side B saw side A: {b_only:?}"
    );
    thread::sleep(Duration::from_millis(150));
    assert!(
        c.net.dropped.load(Ordering::SeqCst) > 0,
        "{kind}: the partition dropped gossip"
    );

    c.heal();
    let (must, may) = ledger.expected(kind);
    let last = c.wait_until_agreed(&everyone, |set| {
        set.is_superset(&must) && set.is_subset(&may)
    });
    for e in ["\"a1\"", "\"b1\"", "\"s3\"", "10"] {
        assert!(
            last.contains(e),
            "{kind}: the acknowledged add of {e} is lost: {last:?}"
        );
    }
    match kind {
        "2pset" => assert!(!last.contains("1"), "2pset: the remove of 1 wins, forever"),
        "orset" | "orswot" | "gset" => {
            assert!(last.contains("1"), "{kind}: side B's add of 1 wins")
        }
        _ => {}
    }
    assert_eq!(
        c.net.errors_between_nodes.load(Ordering::SeqCst),
        0,
        "{kind}: a node refused gossip"
    );
    c.shut_down();
}

#[test]
fn five_2pset_nodes_converge_after_a_partition_heals() {
    scenario("2pset");
}

#[test]
fn five_gset_nodes_converge_after_a_partition_heals() {
    scenario("gset");
}

#[test]
fn five_lww_nodes_converge_after_a_partition_heals() {
    scenario("lww");
}

#[test]
fn five_orset_nodes_converge_after_a_partition_heals() {
    scenario("orset");
}

#[test]
fn five_orswot_nodes_converge_after_a_partition_heals() {
    scenario("orswot");
}
