//! `profile channel` against real servers: a `redis-server` and a `memcached` started on a free
//! local port for each test and stopped when it ends. Without the binaries the tests say so
//! and pass, except under `CI=true`, where a missing server is a failure.

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command as Process, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use stratus::calibrate::channel::{
    self, ChannelFit, ProbePlan, Store, memcached::MemcachedStore, redis::RedisStore,
};

/// A server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is not installed (CI installs redis-server and memcached)"
        );
        eprintln!("skipping: {name} is not installed (apt-get install redis-server memcached)");
    }
    found
}

/// A port no other test of this binary has been given (tests run in parallel, and the OS may
/// hand the same free port to two of them).
fn free_port() -> u16 {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if GIVEN.lock().unwrap().insert(port) {
            return port;
        }
    }
}

/// Starts `name` on a free port and waits until it listens; retries on another port when the
/// server exits (another process took the port first).
fn start(name: &str, args: impl Fn(u16) -> Vec<String>) -> Option<Server> {
    let program = binary(name)?;
    for _ in 0..3 {
        let port = free_port();
        let child = Process::new(&program)
            .args(args(port))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Server { child, port };
        if listening(&mut server) {
            return Some(server);
        }
    }
    panic!("{name} did not start");
}

/// Whether the server came up on its port and is still running.
fn listening(server: &mut Server) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if server.child.try_wait().unwrap().is_some() {
            return false;
        }
        if TcpStream::connect(("127.0.0.1", server.port)).is_ok() {
            return server.child.try_wait().unwrap().is_none();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A client of a server that has just started: a server that accepts a connection may still
/// refuse its first command for a moment under load, so connecting is retried for 10 s.
fn connected<S, E: std::fmt::Debug>(connect: impl Fn() -> Result<S, E>) -> S {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match connect() {
            Ok(store) => return store,
            Err(e) if Instant::now() >= deadline => panic!("cannot connect: {e:?}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn redis() -> Option<Server> {
    start("redis-server", |port| {
        [
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        .map(String::from)
        .to_vec()
    })
}

/// memcached with `item_max` (e.g. "128m"), 1 GB of cache; `-u root` is ignored unless root.
fn memcached(item_max: &str) -> Option<Server> {
    start("memcached", |port| {
        [
            "-l",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "0",
            "-m",
            "1024",
            "-I",
            item_max,
            "-u",
            "root",
        ]
        .map(String::from)
        .to_vec()
    })
}

/// Held by each test while it measures: two servers timed at once on a small machine would each
/// see the other's load.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn profile(store: &mut dyn Store) -> (ChannelFit, Vec<channel::Sample>) {
    let plan = ProbePlan::standard(5, 64 << 20);
    let samples = channel::measure(store, &plan, &|_| {}).unwrap();
    (channel::fit(&samples).unwrap(), samples)
}

/// The fitted latency and bandwidth of each operation lie within what the raw samples show: the
/// latency between the fastest (less its bytes) and the slowest round trip of the smallest
/// object, the bandwidth between the slowest and the fastest throughput of the largest two sizes
/// (give or take 5%: the fit spans every size, and a busy machine slows some more than others).
fn assert_within_raw(store: &str, fit: &ChannelFit, samples: &[channel::Sample]) {
    for (name, op_fit, op) in [
        ("PUT", fit.put, channel::Op::Put),
        ("GET", fit.get, channel::Op::Get),
    ] {
        let (fastest_s, slowest_s) = op_fit.smallest_s;
        let bytes_s = 1024.0 / (op_fit.bandwidth_mb_s * 1e6);
        assert!(
            op_fit.latency_s >= fastest_s - bytes_s && op_fit.latency_s <= slowest_s,
            "{name}: latency {} s outside the smallest objects' {:?}",
            op_fit.latency_s,
            op_fit.smallest_s
        );
        let largest = samples
            .iter()
            .filter(|s| s.op == op)
            .map(|s| s.bytes)
            .max()
            .unwrap();
        let throughputs: Vec<f64> = samples
            .iter()
            .filter(|s| s.op == op && s.bytes * 4 >= largest)
            .map(|s| s.bytes as f64 / s.seconds / 1e6)
            .collect();
        let (low, high) = throughputs
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(l, h), &t| (l.min(t), h.max(t)));
        assert!(
            low / 1.05 <= op_fit.bandwidth_mb_s && op_fit.bandwidth_mb_s <= high * 1.05,
            "{name}: bandwidth {} MB/s outside the large objects' {low}..{high} MB/s",
            op_fit.bandwidth_mb_s
        );
    }
    eprintln!(
        "{store}: PUT {:.1} µs + {:.0} MB/s, GET {:.1} µs + {:.0} MB/s; profile {:.1} µs, {:.0} MB/s",
        fit.put.latency_s * 1e6,
        fit.put.bandwidth_mb_s,
        fit.get.latency_s * 1e6,
        fit.get.bandwidth_mb_s,
        fit.latency_s * 1e6,
        fit.bandwidth_mb_s
    );
}

#[test]
fn redis_latency_and_bandwidth_lie_within_the_raw_measurements() {
    let _turn = one_at_a_time();
    let Some(server) = redis() else { return };
    let mut store =
        connected(|| RedisStore::connect(&format!("redis://127.0.0.1:{}", server.port)));
    let (fit, samples) = profile(&mut store);
    assert_eq!(samples.len(), 9 * 5 * 2);
    assert_within_raw(&store.describe(), &fit, &samples);
}

#[test]
fn memcached_with_large_items_stores_64_mib_objects_whole() {
    let _turn = one_at_a_time();
    let Some(server) = memcached("128m") else {
        return;
    };
    let mut store = connected(|| MemcachedStore::connect(&format!("127.0.0.1:{}", server.port)));
    assert_eq!(store.item_size_max(), 128 << 20);
    assert_eq!(store.chunk_note(64 << 20), None);
    let (fit, samples) = profile(&mut store);
    assert_within_raw(&store.describe(), &fit, &samples);
}

#[test]
fn memcached_with_its_default_item_limit_chunks_and_says_so() {
    let _turn = one_at_a_time();
    let Some(server) = memcached("1m") else {
        return;
    };
    let mut store = connected(|| MemcachedStore::connect(&format!("127.0.0.1:{}", server.port)));
    assert_eq!(store.item_size_max(), 1 << 20);
    let note = store.chunk_note(64 << 20).unwrap();
    assert!(
        note.contains("-I 128m") && note.contains("chunks"),
        "{note}"
    );
    let plan = ProbePlan::standard(2, 4 << 20);
    let samples = channel::measure(&mut store, &plan, &|_| {}).unwrap();
    assert!(samples.iter().any(|s| s.bytes == 4 << 20));
    assert_eq!(store.max_object_bytes(), Some(1 << 20));
}

#[test]
fn profile_channel_writes_a_calibration_that_estimate_applies() {
    let _turn = one_at_a_time();
    let Some(server) = redis() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("redis.toml");
    let url = format!("redis://127.0.0.1:{}", server.port);
    Command::cargo_bin("stratus")
        .unwrap()
        .args([
            "profile",
            "channel",
            "--redis",
            &url,
            "--repeats",
            "3",
            "--max-object-mib",
            "16",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let file: toml::Table = std::fs::read_to_string(&out).unwrap().parse().unwrap();
    let latency_s = file["channels"]["redis"]["latency_s"].as_float().unwrap();
    assert!(latency_s > 0.0 && latency_s < 0.01, "{latency_s}");
    assert!(
        file["channels"]["redis"]["bandwidth_mb_s"]
            .as_float()
            .unwrap()
            > 10.0
    );
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/higgs-lr.toml");
    Command::cargo_bin("stratus")
        .unwrap()
        .args([
            "estimate",
            scenario,
            "--set",
            "faas.workers=10",
            "--set",
            "faas.memory_mb=1769",
            "--set",
            "faas.channel=redis",
            "--set",
            "faas.pattern=allreduce",
            "--calibration",
        ])
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn profile_channel_measures_a_directory_as_s3() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dir.toml");
    Command::cargo_bin("stratus")
        .unwrap()
        .args([
            "profile",
            "channel",
            "--repeats",
            "3",
            "--max-object-mib",
            "16",
            "--format",
            "json",
            "--dir",
        ])
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let file: toml::Table = std::fs::read_to_string(&out).unwrap().parse().unwrap();
    assert!(file["channels"]["s3"]["latency_s"].as_float().unwrap() > 0.0);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["dir.toml"], "the probe's objects are cleaned up");
}
