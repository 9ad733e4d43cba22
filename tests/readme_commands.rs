//! Every `stratus …` command the README's command table shows runs and exits 0, as written:
//! outputs (`-o`, `--curve`, `--trace`, `--out`, `> file`) are redirected into a temporary
//! directory (where a later `--calibration fit.toml` finds what an earlier row wrote, and
//! `my-corpus.csv` is a one-row corpus), `../shared/data` is the shared data (commands that need it are skipped when it is
//! absent), and the two that need outside software — a Redis server and a Python with the
//! frameworks — are left to `tests/calibrate_channels.rs` and the runtime probe's own tests.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

/// The commands in backticks in the README's command table.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table = readme
        .lines()
        .skip_while(|l| !l.starts_with("## Commands"))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| "));
    table
        .flat_map(|line| {
            line.split('`')
                .skip(1)
                .step_by(2)
                .filter(|s| s.starts_with("stratus "))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether a command needs software the test does not start.
fn needs_outside_software(command: &str) -> bool {
    command.contains("profile channel --redis") || command.contains("profile runtime")
}

#[test]
fn every_command_in_the_readme_table_runs() {
    let commands = readme_commands();
    assert!(commands.len() >= 25, "found only {commands:?}");
    let data = common_data_dir();
    let out = tempfile::tempdir().unwrap();
    // "your own corpus": one row on a shipped scenario, under the README's name for it.
    std::fs::write(
        out.path().join("my-corpus.csv"),
        "id,source,scenario,set,platform,quantity,published,quote,note\n\
         mine,My runs,higgs-lr,faas.workers=10 faas.memory_mb=1024 faas.channel=s3 faas.pattern=allreduce,faas,time_s.total,100,measured,a test row\n",
    )
    .unwrap();
    let mut ran = 0;
    for command in &commands {
        if needs_outside_software(command) {
            continue;
        }
        if command.contains("../shared/data") && data.is_none() {
            continue;
        }
        let args = rewrite(command, out.path(), data.as_deref());
        let result = Command::cargo_bin("stratus")
            .unwrap()
            .args(&args)
            .timeout(Duration::from_secs(300))
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "`{command}` exited {:?}: {}",
            result.status.code(),
            String::from_utf8_lossy(&result.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 20, "ran only {ran} of {} commands", commands.len());
}

/// The command's arguments, with outputs moved into `out` and the shared data located.
fn rewrite(command: &str, out: &Path, data: Option<&Path>) -> Vec<String> {
    let command = command.split(" > ").next().unwrap_or(command);
    let mut args: Vec<String> = Vec::new();
    let mut words = command.split_whitespace().skip(1).peekable();
    while let Some(word) = words.next() {
        let word = match data {
            Some(dir) => word.replace("../shared/data", &dir.to_string_lossy()),
            None => word.to_string(),
        };
        // Outputs go to `out`; a calibration an earlier row wrote is read from there.
        let is_output = matches!(word.as_str(), "-o" | "--curve" | "--trace" | "--out");
        let prepared = out.join(&word);
        if !Path::new(&word).exists() && prepared.is_file() {
            args.push(prepared.to_string_lossy().into_owned());
            continue;
        }
        args.push(word);
        if let Some(file) = words.next_if(|_| is_output) {
            args.push(out.join(file).to_string_lossy().into_owned());
        }
    }
    args
}

/// The shared data directory, if present.
fn common_data_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("STRATUS_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new("..").join("shared").join("data"));
    dir.is_dir().then_some(dir)
}
