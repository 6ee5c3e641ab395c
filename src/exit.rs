//! How the process ends: the one table of exit statuses that every face answers with.

use std::io::{self, Write};
use std::process::ExitCode;

/// What a face reports when it is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything worked (0).
    Success,
    /// A check failed, or an error happened while working (1): a failed expectation, a refused
    /// line in a script, a write error.
    Failure,
    /// The face could not start (2): no terminal, a lesson or theme that does not exist, bad arguments.
    Unusable,
    /// Stopped by signal `n` (128 + n, as shells report it).
    Signal(i32),
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Failure => 1,
            Status::Unusable => 2,
            Status::Signal(n) => u8::try_from(128 + n).unwrap_or(1),
        }
    }

    /// Success if `ok`, else Failure.
    pub fn of(ok: bool) -> Status {
        if ok { Status::Success } else { Status::Failure }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// A face's output that keeps its first write error, so the face can stop writing and the
/// process can say why and end non-zero, as ripgrep does. Once a write failed, every later
/// write fails at once.
pub struct Output<W: Write> {
    inner: W,
    error: Option<io::Error>,
}

impl<W: Write> Output<W> {
    pub fn new(inner: W) -> Output<W> {
        Output { inner, error: None }
    }

    /// Has a write failed?
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The status to end with: `status` while every write went through. After a write error
    /// it is said on stderr and the status is Failure, except for a closed pipe
    /// (`crdt-lab run ... | head`), where stopping early is what the reader asked for.
    pub fn status(mut self, status: Status) -> Status {
        let flushed = self.inner.flush();
        match self.error.take().or(flushed.err()) {
            None => status,
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => status,
            Some(e) => {
                warn(&format!("crdt-lab: cannot write the output: {e}"));
                Status::Failure
            }
        }
    }

    fn keep(&mut self, e: io::Error) -> io::Error {
        let again = io::Error::new(e.kind(), e.to_string());
        self.error.get_or_insert(e);
        again
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(e) = &self.error {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        self.inner.write(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = &self.error {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        self.inner.flush().map_err(|e| self.keep(e))
    }
}

/// A message on stderr. Unlike `eprintln!`, a stderr that cannot be written (`2>/dev/full`)
/// does not panic: the message is lost, and the exit status still tells.
pub fn warn(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}
