//! `stratus profile`: measure this host. `profile kernels` times the training kernels and the
//! memory bandwidth and writes them as CPU rates; `profile channel` times real PUT/GET round
//! trips against Redis, Memcached or a local directory and writes the channel's latency and
//! bandwidth. Both write calibration files for `--calibration FILE`.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Subcommand};

use super::exit::InputError;
use crate::calibrate::channel::{
    self, ProbePlan, Store, dir::DirStore, memcached::MemcachedStore, redis::RedisStore,
};
use crate::calibrate::host::{self, HostProbe};
use crate::profile::ChannelKind;
use crate::report::{Format, Output, print};

/// What to measure.
#[derive(Debug, Subcommand)]
pub enum Profile {
    /// Throughput of each training kernel on this host, and its memory bandwidth.
    Kernels(KernelsArgs),
    /// Latency and bandwidth of a storage channel (Redis, Memcached or a directory).
    Channel(ChannelArgs),
    /// What the training frameworks (PyTorch, NumPy) cost per step, per row, to parse and to
    /// serialise, measured with your Python.
    Runtime(super::profile_runtime::RuntimeArgs),
}

/// Flags of `stratus profile kernels`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  stratus profile kernels\n  stratus profile kernels --quick --format json\n  stratus profile kernels -o host.toml && stratus plan --calibration host.toml"
)]
pub struct KernelsArgs {
    /// Where to write the calibration (TOML): this host's rates as a vCPU's.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A fast look: a tenth of the data and of the time.
    #[arg(long)]
    pub quick: bool,
    /// The FaaS profile whose CPU rates the calibration replaces (the EC2 defaults are too).
    #[arg(long = "faas-profile", default_value = "aws-lambda-x86")]
    pub faas_profile: String,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Flags of `stratus profile channel`.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("store").required(true).args(["redis", "memcached", "dir"])),
    after_help = "Examples:\n  stratus profile channel --redis redis://127.0.0.1:6379 -o redis.toml\n  stratus profile channel --memcached 127.0.0.1:11211 --repeats 10 -o memcached.toml\n  stratus profile channel --dir /mnt/scratch --as s3 -o dir.toml\n  stratus plan --calibration redis.toml"
)]
pub struct ChannelArgs {
    /// A Redis server: redis://HOST:PORT.
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// A memcached server: HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub memcached: Option<String>,
    /// A local directory standing in for an object store.
    #[arg(long, value_name = "PATH")]
    pub dir: Option<PathBuf>,
    /// Which channel profile the measurement replaces (default: redis, memcached, or s3 for --dir).
    #[arg(long = "as", value_name = "CHANNEL")]
    pub channel: Option<String>,
    /// Where to write the calibration (TOML).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Timed round trips per object size.
    #[arg(long, default_value_t = 5)]
    pub repeats: usize,
    /// Largest object, in MiB (sizes run from 1 KiB ×4 up to it; at most 1,024).
    #[arg(long = "max-object-mib", default_value_t = 64)]
    pub max_object_mib: usize,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The largest probe object `--max-object-mib` accepts, in MiB.
const MAX_OBJECT_MIB: usize = 1024;

/// Runs `stratus profile`.
pub fn run(command: &Profile) -> anyhow::Result<()> {
    match command {
        Profile::Kernels(args) => run_kernels(args),
        Profile::Channel(args) => run_channel(args),
        Profile::Runtime(args) => super::profile_runtime::run(args),
    }
}

fn open(args: &ChannelArgs) -> anyhow::Result<(Box<dyn Store>, ChannelKind)> {
    let progress = |m: &str| eprintln!("profile: {m}");
    let max_bytes = args.max_object_mib << 20;
    Ok(match (&args.redis, &args.memcached, &args.dir) {
        (Some(url), _, _) => (Box::new(RedisStore::connect(url)?), ChannelKind::Redis),
        (_, Some(address), _) => {
            let store = MemcachedStore::connect(address)?;
            if let Some(note) = store.chunk_note(max_bytes) {
                progress(&note);
            }
            (Box::new(store), ChannelKind::Memcached)
        }
        (_, _, Some(dir)) => (Box::new(DirStore::open(dir)?), ChannelKind::S3),
        _ => return Err(InputError("give --redis, --memcached or --dir".into()).into()),
    })
}

fn run_kernels(args: &KernelsArgs) -> anyhow::Result<()> {
    crate::profile::Profiles::builtin()?
        .faas(&args.faas_profile)
        .map_err(|e| InputError(e.to_string()))?;
    let mut probe = if args.quick {
        HostProbe::quick()
    } else {
        HostProbe::standard()
    };
    probe.seed = args.seed;
    let progress = |m: &str| eprintln!("profile: {m}");
    progress("generating Higgs-like and RCV1-like data, then timing each kernel on one thread");
    let profile = host::measure(&probe, &progress);
    let file = host::calibration(&profile, &args.faas_profile);
    if let Some(path) = &args.output {
        write_calibration(
            path,
            "`stratus profile kernels`: this host's single-thread rates as a vCPU's",
            &file,
        )?;
        progress(&format!("wrote {}", path.display()));
    }
    print(args.format, &Output::HostProfile(&profile))
}

/// Writes a calibration file whole (or not at all), headed by what wrote it.
pub(super) fn write_calibration(
    path: &std::path::Path,
    source: &str,
    file: &toml::Table,
) -> anyhow::Result<()> {
    let text = toml::to_string(file)?;
    crate::report::write_atomically(path, |w| {
        writeln!(w, "# Written by {source}. Apply with --calibration FILE.\n")?;
        w.write_all(text.as_bytes())
    })?;
    Ok(())
}

fn run_channel(args: &ChannelArgs) -> anyhow::Result<()> {
    if args.repeats == 0 || args.max_object_mib == 0 {
        return Err(InputError("--repeats and --max-object-mib must be at least 1".into()).into());
    }
    if args.max_object_mib > MAX_OBJECT_MIB {
        return Err(InputError(format!(
            "--max-object-mib {}: at most {MAX_OBJECT_MIB} (each probe object is held in memory, written and read back; Redis strings stop at 512 MB)",
            args.max_object_mib
        ))
        .into());
    }
    let (mut store, default_kind) = open(args)?;
    let kind = match &args.channel {
        Some(name) => name.parse::<ChannelKind>().map_err(InputError)?,
        None => default_kind,
    };
    let plan = ProbePlan::standard(args.repeats, args.max_object_mib << 20);
    let progress = |m: &str| eprintln!("profile: {m}");
    let samples = channel::measure(store.as_mut(), &plan, &progress)?;
    let fit = channel::fit(&samples)?;
    let file = channel::calibration(kind.name(), store.as_ref(), &fit, &samples);
    if let Some(path) = &args.output {
        let source = format!("`stratus profile channel` ({})", store.describe());
        write_calibration(path, &source, &file)?;
        progress(&format!("wrote {}", path.display()));
    }
    print(
        args.format,
        &Output::Channel {
            store: &store.describe(),
            kind,
            fit: &fit,
            file: &file,
            samples: &samples,
        },
    )
}
