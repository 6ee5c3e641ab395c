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
