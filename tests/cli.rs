//! The command line as a user meets it first: several scripts in one `run`, shell completions
//! and the man page, from the real binary.

use std::process::{Command, Output};

fn crdt_lab(args: &[&str]) -> Output {
    // A home of its own: saved progress stays out of the user's.
    let home = tempfile::tempdir().expect("a temporary home");
    Command::new(env!("CARGO_BIN_EXE_crdt-lab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("it runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn run_of_several_files_runs_them_all_under_headers_and_sums_up() {
    let dir = tempfile::tempdir().expect("a directory");
    let write = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).expect("written");
        path.to_string_lossy().into_owned()
    };
    let fail = write("a-fail.crdt", "A add x\nexpect A = {y}\n");
    let pass = write("b-pass.crdt", "A add x\nexpect A = {x}\n");
    let out = crdt_lab(&["run", &fail, &pass, "lessons/gset-apple-banana.md"]);
    assert_eq!(out.status.code(), Some(1), "one failed");
    let stdout = text(&out.stdout);
    for file in [&fail, &pass] {
        assert!(stdout.contains(&format!("══ {file}")), "a header: {stdout}");
    }
    assert!(
        stdout.contains("passed: 4 steps"),
        "the files after the failure ran: {stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("3 files: 2 passed, 1 failed"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("a-fail.crdt:2: expect A = {y}"));

    let out = crdt_lab(&["run", "--fail-fast", &fail, &pass]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        !stdout.contains("b-pass"),
        "stopped at the first failure: {stdout}"
    );
    assert!(
        stdout.contains("2 files: 0 passed, 1 failed, 1 not run"),
        "{stdout}"
    );

    let out = crdt_lab(&["run", "--quiet", &pass, &pass]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "", "quiet and passing: nothing to say");
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line() {
    let out = crdt_lab(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let script = text(&out.stdout);
    assert!(
        script.contains("complete -F _crdt__lab"),
        "a bash completion function"
    );
    assert!(script.contains("gset-apple-banana") && script.contains("pnset"));
    // In bash itself: what Tab offers after `play orset-` and after `sandbox`.
    let offered = |words: &str| -> Option<String> {
        let program = format!(
            "source <(\"$0\" completions bash) && COMP_WORDS=({words}) && COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)) && \
             _crdt__lab crdt-lab \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\" && echo \"${{COMPREPLY[*]}}\""
        );
        let out = Command::new("bash")
            .args(["-c", &program, env!("CARGO_BIN_EXE_crdt-lab")])
            .output()
            .ok()?;
        Some(text(&out.stdout).trim().to_string())
    };
    if let Some(lessons) = offered("crdt-lab play orset-") {
        let shipped = crdt_lab::lesson::builtin().expect("the built-in lessons parse");
        let want: Vec<String> = shipped
            .into_iter()
            .map(|l| l.name)
            .filter(|n| n.starts_with("orset-"))
            .collect();
        assert_eq!(lessons, want.join(" "));
        let types = offered("crdt-lab sandbox ''").unwrap_or_default();
        assert!(
            types.contains("orswot") && types.contains("2pset"),
            "{types}"
        );
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert_eq!(
            crdt_lab(&["completions", shell]).status.code(),
            Some(0),
            "{shell}"
        );
    }
    let out = crdt_lab(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(".TH crdt-lab 1"));
}
