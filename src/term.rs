//! What every face agrees on about the terminal: whether to use colour.

/// Whether to colour output going to a terminal (`is_terminal`) or elsewhere. `NO_COLOR` set to
/// anything but the empty string turns colour off (no-color.org); otherwise `CLICOLOR_FORCE` set
/// to anything but `0` turns it on even off a terminal; otherwise colour goes to terminals only.
pub fn colour(is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    is_terminal
}

/// The lines of an input that may hold bytes that are not UTF-8: each is its text (without the
/// line ending), or `Err(n)` for line `n` (from 1) that is not UTF-8. A read error ends them.
pub fn lines(input: impl std::io::BufRead) -> impl Iterator<Item = Result<String, usize>> {
    input
        .split(b'\n')
        .map_while(Result::ok)
        .enumerate()
        .map(|(k, mut line)| {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            String::from_utf8(line).map_err(|_| k + 1)
        })
}
