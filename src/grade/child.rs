//! The nodes under test as child processes: piped stdio with reader and writer threads, each in its own process group, always killed and reaped (on drop, and on Ctrl-C or SIGTERM).

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// What the nodes say, in the order it is read: a line of a node's stdout, or its end.
#[derive(Debug)]
pub enum Output {
    Line { node: usize, bytes: Vec<u8> },
    Closed { node: usize },
}

/// How many lines of a node's stderr are kept for the report.
const STDERR_LINES: usize = 12;
/// A longer stderr line is cut to this many bytes.
const STDERR_WIDTH: usize = 300;

/// Every child still running, by pid. Spawning holds the lock, so the signal handler cannot
/// miss a child; once it has stopped them all, `STOPPING` refuses new ones.
static CHILDREN: Mutex<BTreeMap<u32, Child>> = Mutex::new(BTreeMap::new());
static STOPPING: Mutex<bool> = Mutex::new(false);

fn children() -> MutexGuard<'static, BTreeMap<u32, Child>> {
    CHILDREN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One running node. Dropping it kills its whole process group and reaps it.
pub struct Proc {
    pid: u32,
    stdin: Option<Sender<Vec<u8>>>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    stderr_done: Receiver<()>,
}

/// Start `command` as node number `node`; its stdout lines go to `output`.
pub fn spawn(command: &[String], node: usize, output: Sender<Output>) -> io::Result<Proc> {
    let (program, args) = command
        .split_first()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no command to run"))?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut live = children();
    if *STOPPING.lock().unwrap_or_else(|p| p.into_inner()) {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
    }
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    live.insert(pid, child);
    drop(live);
    let stdin = stdin.map(write_lines);
    if let Some(stdout) = stdout {
        read_lines(stdout, node, output);
    }
    let tail = Arc::new(Mutex::new(VecDeque::new()));
    let (done_tx, stderr_done) = mpsc::channel();
    if let Some(stderr) = stderr {
        keep_tail(stderr, Arc::clone(&tail), done_tx);
    }
    Ok(Proc {
        pid,
        stdin,
        stderr: tail,
        stderr_done,
    })
}

/// A thread that writes each line it is given, flushing when no more are waiting.
fn write_lines(stdin: impl Write + Send + 'static) -> Sender<Vec<u8>> {
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    thread::spawn(move || {
        let mut w = BufWriter::new(stdin);
        while let Ok(line) = rx.recv() {
            let mut result = w.write_all(&line);
            while let (Ok(()), Ok(more)) = (&result, rx.try_recv()) {
                result = w.write_all(&more);
            }
            if result.and_then(|()| w.flush()).is_err() {
                return;
            }
        }
    });
    tx
}

fn read_lines(stdout: impl Read + Send + 'static, node: usize, output: Sender<Output>) {
    thread::spawn(move || {
        let mut r = BufReader::with_capacity(1 << 16, stdout);
        loop {
            let mut bytes = Vec::new();
            match r.read_until(b'\n', &mut bytes) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if bytes.last() == Some(&b'\n') {
                        bytes.pop();
                    }
                    if output.send(Output::Line { node, bytes }).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = output.send(Output::Closed { node });
    });
}

fn keep_tail(
    stderr: impl Read + Send + 'static,
    tail: Arc<Mutex<VecDeque<String>>>,
    done: Sender<()>,
) {
    thread::spawn(move || {
        let mut r = BufReader::new(stderr);
        let mut bytes = Vec::new();
        while matches!(r.read_until(b'\n', &mut bytes), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&bytes);
            let mut line: String = text.trim_end().to_string();
            if line.len() > STDERR_WIDTH {
                let cut = (0..=STDERR_WIDTH).rev().find(|&i| line.is_char_boundary(i));
                line.truncate(cut.unwrap_or(0));
                line.push_str(" ...");
            }
            let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
            if tail.len() == STDERR_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
            bytes.clear();
        }
        let _ = done.send(());
    });
}

impl Proc {
    /// Queue one line (a newline is added) for the node's stdin.
    pub fn send(&self, line: &str) {
        if let Some(stdin) = &self.stdin {
            let mut bytes = Vec::with_capacity(line.len() + 1);
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
            let _ = stdin.send(bytes);
        }
    }

    /// The last lines the node wrote on stderr, waiting a moment for a dying node's last words.
    pub fn stderr_tail(&self) -> Vec<String> {
        let _ = self.stderr_done.recv_timeout(Duration::from_millis(300));
        let tail = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
        tail.iter().cloned().collect()
    }

    /// How a node whose output ended went: "exited (exit status: 1)", or "closed its output"
    /// when it is still running a moment later.
    pub fn ending(&self) -> String {
        match self.exit_status(Duration::from_secs(2)) {
            Some(status) => format!("exited ({status})"),
            None => "closed its output".into(),
        }
    }

    /// `detail`, then the last lines the node wrote on stderr (or that it wrote none).
    pub fn with_stderr(&self, detail: String) -> String {
        let tail = self.stderr_tail();
        if tail.is_empty() {
            return format!("{detail}; it wrote nothing on stderr");
        }
        format!(
            "{detail}; the end of its stderr:\n      {}",
            tail.join("\n      ")
        )
    }

    /// How the process ended, if it ends within `wait`; `None` if it is still running.
    pub fn exit_status(&self, wait: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + wait;
        loop {
            if let Some(child) = children().get_mut(&self.pid)
                && let Ok(Some(status)) = child.try_wait()
            {
                return Some(status);
            }
            if Instant::now() >= until {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stdin = None;
        let child = children().remove(&self.pid);
        if let Some(child) = child {
            stop(self.pid, child);
        }
    }
}

/// Kill a child's process group (anything it started too) and reap it.
fn stop(pid: u32, mut child: Child) {
    #[cfg(unix)]
    if let Some(group) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
    let _ = child.kill();
    let _ = child.wait();
}

/// Kill and reap every child still running; no more can start afterwards.
pub fn stop_all() {
    let mut live = children();
    *STOPPING.lock().unwrap_or_else(|p| p.into_inner()) = true;
    for (pid, child) in std::mem::take(&mut *live) {
        stop(pid, child);
    }
}

/// On SIGINT or SIGTERM, stop every child and exit with 128 + the signal's number.
pub fn stop_children_on_signal() -> io::Result<()> {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    let _ = INSTALLED.set(());
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            stop_all();
            eprintln!("crdt-lab grade: interrupted; every node it started is stopped");
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn lines_come_back_in_order_and_then_the_end() {
        let (tx, rx) = mpsc::channel();
        let proc = spawn(&sh("while read l; do echo \"got $l\"; done"), 3, tx).unwrap();
        proc.send("a");
        proc.send("b");
        let mut seen = Vec::new();
        for _ in 0..2 {
            match rx.recv_timeout(Duration::from_secs(20)).unwrap() {
                Output::Line { node, bytes } => {
                    seen.push((node, String::from_utf8(bytes).unwrap()))
                }
                Output::Closed { .. } => panic!("closed early"),
            }
        }
        assert_eq!(
            seen,
            vec![(3, "got a".to_string()), (3, "got b".to_string())]
        );
        drop(proc);
        assert!(matches!(
            rx.recv_timeout(Duration::from_secs(20)).unwrap(),
            Output::Closed { node: 3 }
        ));
    }

    #[test]
    fn a_crash_leaves_its_status_and_the_tail_of_stderr() {
        let (tx, rx) = mpsc::channel();
        let proc = spawn(&sh("echo one >&2; echo two >&2; exit 3"), 0, tx).unwrap();
        assert!(matches!(
            rx.recv_timeout(Duration::from_secs(20)).unwrap(),
            Output::Closed { node: 0 }
        ));
        let status = proc.exit_status(Duration::from_secs(20)).unwrap();
        assert_eq!(status.code(), Some(3));
        assert_eq!(proc.stderr_tail(), vec!["one", "two"]);
    }

    /// Whether a process is running (not gone, and not a zombie waiting to be reaped).
    #[cfg(target_os = "linux")]
    fn running(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z'),
            Err(_) => false,
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dropping_a_node_kills_what_it_started_too() {
        let (tx, rx) = mpsc::channel();
        // The shell starts a sleeper in the background and reports its pid.
        let proc = spawn(&sh("sleep 600 & echo $!; wait"), 0, tx).unwrap();
        let Output::Line { bytes, .. } = rx.recv_timeout(Duration::from_secs(20)).unwrap() else {
            panic!("no pid")
        };
        let sleeper: u32 = String::from_utf8(bytes).unwrap().trim().parse().unwrap();
        assert!(running(sleeper));
        drop(proc);
        let until = Instant::now() + Duration::from_secs(20);
        while running(sleeper) {
            assert!(
                Instant::now() < until,
                "the background sleeper outlived its node"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}
