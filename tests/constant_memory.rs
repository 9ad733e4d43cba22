//! A 1 GiB CloudWatch log is read as a stream: `stratus calibrate` folds each REPORT line into
//! per-size histograms and moments, so its peak memory does not grow with the file. The test
//! writes 1 GiB of REPORT lines (five memory sizes, cold starts among them), calibrates from
//! it, and asserts the child's peak resident set (getrusage) stays under 64 MiB.
//! Alone in its binary: RUSAGE_CHILDREN is the peak over every child this process waited for.

use std::io::Write;

/// Bytes of log to write.
const LOG_BYTES: u64 = 1 << 30;
/// The peak resident set the calibration may reach, in KiB.
const PEAK_LIMIT_KIB: i64 = 64 * 1024;

/// One block of REPORT lines, repeated to fill the file.
fn block() -> Vec<u8> {
    let mut text = String::new();
    let mut state: u64 = 7;
    for i in 0..5000u64 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let memory = [128u32, 256, 512, 1024, 2048][(state >> 60) as usize % 5];
        let duration = 50.0 + (state >> 40) as f64 % 450.0 * 1024.0 / f64::from(memory);
        let init = if i % 50 == 0 {
            format!(
                "\tInit Duration: {:.2} ms",
                100.0 + (state >> 50) as f64 % 300.0
            )
        } else {
            String::new()
        };
        text.push_str(&format!(
            "REPORT RequestId: {i:08x}-aaaa-bbbb-cccc-dddddddddddd\tDuration: {duration:.2} ms\tBilled Duration: {} ms\tMemory Size: {memory} MB\tMax Memory Used: 80 MB{init}\n",
            duration.ceil()
        ));
    }
    text.into_bytes()
}

#[test]
fn a_one_gib_log_calibrates_in_constant_memory() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("big.log");
    let block = block();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&log).unwrap());
    let mut written = 0u64;
    while written < LOG_BYTES {
        file.write_all(&block).unwrap();
        written += block.len() as u64;
    }
    file.flush().unwrap();
    drop(file);
    let output = dir.path().join("calibration.toml");
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("stratus"))
        .args(["calibrate", "--from"])
        .arg(&log)
        .arg("-o")
        .arg(&output)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(output.exists());
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given and reads nothing else.
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    let peak_kib = usage.ru_maxrss;
    assert!(
        peak_kib > 0 && peak_kib < PEAK_LIMIT_KIB,
        "calibrating from {written} bytes peaked at {peak_kib} KiB"
    );
}
