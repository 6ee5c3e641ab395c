//! What the pseudo-terminal tests share: the real binary in a pty, read through the vt100 crate
//! as a terminal would show it, with its home and XDG directories in a temporary folder. Every
//! wait is bounded.
// Each test file uses the part it needs.
#![allow(dead_code)]

use expectrl::{Session, WaitStatus};
use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long any wait lasts before the test fails with the screen as it is.
pub const WAIT: Duration = Duration::from_secs(20);

/// The binary with `args`.
pub fn crdt_lab(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crdt-lab"));
    command.args(args);
    command
}

/// A command's home and XDG directories in `home`, and nothing from the user's settings.
pub fn at_home(command: &mut Command, home: &Path) {
    command
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("NO_COLOR")
        .env_remove("CRDT_LAB_THEME");
}

/// A program in a pty, with what it printed so far, raw and as a screen.
pub struct Tui {
    pub session: Session,
    pub screen: vt100::Parser,
    pub raw: Vec<u8>,
    _home: Option<tempfile::TempDir>,
}

impl Tui {
    /// `command` as it is (its environment already set) in a pty of `cols` x `rows`.
    pub fn spawn_sized(mut command: Command, (cols, rows): (u16, u16)) -> Tui {
        command.env("TERM", "xterm-256color");
        let mut session = Session::spawn(command).expect("it starts in a pty");
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("the pty takes a size");
        Tui {
            session,
            screen: vt100::Parser::new(rows, cols, 0),
            raw: vec![],
            _home: None,
        }
    }

    /// `command` in an 80x24 pty, with its home (and XDG directories) in `home`.
    pub fn spawn(mut command: Command, home: &Path) -> Tui {
        at_home(&mut command, home);
        Tui::spawn_sized(command, (80, 24))
    }

    /// `crdt-lab <args>` in an 80x24 pty, with a temporary home of its own and `env` set.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Tui {
        let home = tempfile::tempdir().expect("a temporary home");
        let mut command = crdt_lab(args);
        command.envs(env.iter().copied());
        let mut tui = Tui::spawn(command, home.path());
        tui._home = Some(home);
        tui
    }

    /// `crdt-lab <args>` in an 80x24 pty, with a temporary home of its own.
    pub fn start(args: &[&str]) -> Tui {
        Tui::start_with(args, &[])
    }

    /// Read whatever has arrived, without blocking; whether anything had.
    pub fn pump(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        let mut got = false;
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return got,
                Ok(n) => {
                    self.screen.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                    got = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return got,
                Err(_) => return got,
            }
        }
    }

    /// The screen's text.
    pub fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// Every byte printed so far, as text.
    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// Wait until `done` holds, or fail with the screen as it is; the screen's text.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&Tui) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump();
            if done(self) {
                return self.text();
            }
            assert!(
                Instant::now() < deadline,
                "waited {WAIT:?} for {what}; the screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until the screen shows `what`; the screen's text.
    pub fn wait_for(&mut self, what: &str) -> String {
        self.wait_until(what, |t| t.text().contains(what))
    }

    pub fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("keys are sent");
    }

    /// Wait for the process to end, reading its last output, and say how it ended.
    pub fn finish(&mut self) -> WaitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump();
            match self.session.get_process().status() {
                Ok(WaitStatus::StillAlive) => {}
                Ok(status) => {
                    while self.pump() {}
                    return status;
                }
                Err(e) => panic!("no exit status: {e}"),
            }
            assert!(
                Instant::now() < deadline,
                "it did not exit; the screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.pump();
        matches!(
            self.session.get_process().status(),
            Ok(WaitStatus::StillAlive)
        )
    }
}
