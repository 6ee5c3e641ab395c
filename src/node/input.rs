//! Input on a thread of its own, so the main loop can wait for a line and a gossip tick at once.
//! The thread hands over whatever bytes are ready; [`Lines`] cuts them into lines.

use std::io::{self, BufRead, ErrorKind};
use std::sync::mpsc::{self, Receiver};
use std::thread;

/// Chunks of input as they arrive; the channel closes at end of input.
pub type Chunks = Receiver<io::Result<Vec<u8>>>;

/// Start the reading thread. It ends at end of input, on a read error (which it passes on),
/// or when nobody listens any more.
pub fn spawn_reader(mut input: impl BufRead + Send + 'static) -> io::Result<Chunks> {
    let (tx, rx) = mpsc::sync_channel(64);
    thread::Builder::new()
        .name("node-input".into())
        .spawn(move || {
            loop {
                let chunk = match input.fill_buf() {
                    Ok([]) => return,
                    Ok(bytes) => bytes.to_vec(),
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                input.consume(chunk.len());
                if tx.send(Ok(chunk)).is_err() {
                    return;
                }
            }
        })?;
    Ok(rx)
}

/// Cuts chunks into lines, keeping an unfinished line until the rest arrives.
#[derive(Debug, Default)]
pub struct Lines {
    partial: Vec<u8>,
}

impl Lines {
    /// Call `each` on every line the chunk completes (without its newline).
    pub fn feed<E>(
        &mut self,
        mut chunk: &[u8],
        mut each: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        while let Some(end) = memchr::memchr(b'\n', chunk) {
            if self.partial.is_empty() {
                each(&chunk[..end])?;
            } else {
                self.partial.extend_from_slice(&chunk[..end]);
                let line = std::mem::take(&mut self.partial);
                each(&line)?;
            }
            chunk = &chunk[end + 1..];
        }
        self.partial.extend_from_slice(chunk);
        Ok(())
    }

    /// At end of input: the last line, if it had no newline.
    pub fn finish<E>(&mut self, mut each: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        let line = std::mem::take(&mut self.partial);
        if line.is_empty() { Ok(()) } else { each(&line) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(chunks: &[&str]) -> Vec<String> {
        let mut lines = Lines::default();
        let mut got = Vec::new();
        let mut push = |l: &[u8]| -> Result<(), ()> {
            got.push(String::from_utf8_lossy(l).into_owned());
            Ok(())
        };
        for chunk in chunks {
            lines.feed(chunk.as_bytes(), &mut push).unwrap();
        }
        lines.finish(&mut push).unwrap();
        got
    }

    #[test]
    fn lines_split_across_chunks_are_joined_and_a_last_line_without_newline_counts() {
        assert_eq!(cut(&["ab", "c\nd", "e\n\nf"]), ["abc", "de", "", "f"]);
        assert_eq!(cut(&["x\n"]), ["x"]);
    }

    #[test]
    fn the_reader_passes_every_byte_then_closes() {
        let rx = spawn_reader(io::Cursor::new(b"one\ntwo".to_vec())).unwrap();
        let bytes: Vec<u8> = rx.iter().flat_map(|c| c.unwrap()).collect();
        assert_eq!(bytes, b"one\ntwo");
    }
}
