//! How the process ends: the one table of exit statuses that every face answers with.

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
