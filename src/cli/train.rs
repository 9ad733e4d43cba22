//! # `stratus train`
//!
//! Trains a model with the real kernels and no time model: loads the data (format recognised
//! by name and content), optionally splits off or loads a test set and standardises with the
//! training statistics, runs the distributed driver, and prints `epochs`, `train_loss`,
//! `test_loss`, `test_accuracy` (with a test set) and `seconds` (training rounds only; loading
//! and evaluation excluded). Per-epoch losses go to stderr, or to a CSV with `--curve`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::exit::InputError;
use crate::data::delimited::LabelColumn;
use crate::data::{Dataset, LoadOptions, Standardizer};
use crate::kernels::distributed::kmeans::{KMeansConfig, train_kmeans};
use crate::kernels::distributed::{Admm, Algorithm, Convergence, EpochReport, TrainConfig, train};
use crate::kernels::kmeans::KMeans;
use crate::kernels::sgd::Sgd;
use crate::kernels::{Kernel, LinearSvm, LogisticRegression, Mlp};
use crate::report::output::{TrainFit, TrainResult};
use crate::report::{Format, Output, print};

/// Models `stratus train` can fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelKind {
    Lr,
    Svm,
    Kmeans,
    Mlp,
}

/// Distributed algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmKind {
    GaSgd,
    MaSgd,
    Admm,
}

/// Synchronisation protocols the in-process driver runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SyncKind {
    Bsp,
}

/// Input formats, recognised from name and content unless given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Libsvm,
    Csv,
    Idx,
}

/// Flags of `stratus train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training data: LIBSVM, CSV/TSV (optionally .gz) or MNIST IDX images.
    #[arg(long)]
    pub data: PathBuf,
    /// Test data in the same format.
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Model to train.
    #[arg(long, value_enum)]
    pub model: ModelKind,
    /// Passes over the data (k-means: Lloyd iterations, default 30; ADMM: rounds). Default:
    /// lr and svm train until converged (see --tol); mlp runs enough epochs for about 1,000
    /// updates, 10 to 100.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Train until converged: stop after 5 epochs in a row that do not lower the training loss
    /// by this fraction of the best so far (at most 1,000 epochs). The default for lr and svm,
    /// with 0.001; given, it applies to mlp too.
    #[arg(long, conflicts_with = "epochs", value_parser = crate::cli::common::fraction)]
    pub tol: Option<f64>,
    /// Global mini-batch size, split across workers. Default 64 (lr, svm) or 32 (mlp).
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Learning rate. Default 2 / mean‖x‖² (lr, svm) or 0.05 (mlp).
    #[arg(long)]
    pub lr: Option<f32>,
    /// L2 strength, default 1e-5 (ADMM: L1 strength λ on the consensus model, default 0).
    #[arg(long)]
    pub l2: Option<f32>,
    /// Workers the data is sharded over (each a shard of the rows).
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// How workers combine their work: GA-SGD, MA-SGD or ADMM.
    #[arg(long, value_enum, default_value = "ga-sgd")]
    pub algorithm: AlgorithmKind,
    /// Synchronisation protocol between the workers.
    #[arg(long, value_enum, default_value = "bsp")]
    pub sync: SyncKind,
    /// ADMM penalty ρ.
    #[arg(long, default_value_t = Admm::default().rho)]
    pub rho: f32,
    /// ADMM local epochs per round.
    #[arg(long, default_value_t = Admm::default().local_epochs)]
    pub local_epochs: usize,
    /// Clusters for k-means.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// k-means runs from different k-means++ seeds; the lowest inertia wins.
    #[arg(long, default_value_t = 3)]
    pub n_init: usize,
    /// Hidden layer widths for the MLP, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "64")]
    pub hidden: Vec<usize>,
    /// Standardise features with the training set's mean and variance (sparse: scale only).
    #[arg(long)]
    pub standardize: bool,
    /// Seed of the initial model, the shuffles and the split.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How to print the result: table (default), json or csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write per-epoch losses to this CSV instead of stderr.
    #[arg(long)]
    pub curve: Option<PathBuf>,
    /// Label field of delimited rows: first, last or a 0-based index.
    #[arg(long, default_value = "last")]
    pub label_col: LabelColumn,
    /// Input format (recognised from name and content when absent).
    #[arg(long, value_enum)]
    pub data_format: Option<DataFormat>,
    /// IDX labels file (default: named like the images file).
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Without --test, hold out this fraction of the data (seeded) as the test set.
    #[arg(long)]
    pub test_fraction: Option<f64>,
}

/// Most epochs a run that trains until converged may take.
const MAX_CONVERGING_EPOCHS: usize = 1000;

/// Default passes of the MLP: enough for about 1,000 updates, between 10 and 100 (small sets
/// need more passes than large ones).
fn default_epochs(rows: usize, batch_size: usize) -> usize {
    let updates_per_epoch = rows.div_ceil(batch_size).max(1);
    1000usize.div_ceil(updates_per_epoch).clamp(10, 100)
}

/// Learning rate, L2 strength and batch size for `model`, from flags or per-model defaults.
fn sgd_settings(args: &TrainArgs, data: &Dataset) -> (Sgd, usize) {
    let (lr, l2, batch_size) = match args.model {
        ModelKind::Mlp => (0.05, 1e-5, 32),
        _ => (crate::kernels::sgd::default_linear_lr(data), 1e-5, 64),
    };
    (
        Sgd {
            lr: args.lr.unwrap_or(lr),
            l2: args.l2.unwrap_or(l2),
        },
        args.batch_size.unwrap_or(batch_size),
    )
}

/// Runs `stratus train`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    validate(&args)?;
    if let Some(curve) = &args.curve {
        let mut inputs = vec![args.data.as_path()];
        inputs.extend(args.test.as_deref());
        inputs.extend(args.labels.as_deref());
        super::common::refuse_overwriting(curve, "--curve", &inputs)?;
    }
    let (train_set, test_set) = load_sets(&args)?;
    fit_the_data(&args, &train_set)?;
    let mut curve = Curve::open(args.curve.as_deref())?;
    let results = match args.model {
        ModelKind::Kmeans => run_kmeans(&args, &train_set, test_set.as_ref(), &mut curve)?,
        _ => run_sgd(&args, &train_set, test_set.as_ref(), &mut curve)?,
    };
    curve.finish()?;
    print(args.format, &Output::Train(&results))
}

/// The most k-means clusters trained: 100,000 (each a centroid of every feature).
const MAX_CLUSTERS: usize = 100_000;

/// Checks the flags against the training set: every worker needs at least one row.
fn fit_the_data(args: &TrainArgs, train_set: &Dataset) -> Result<(), InputError> {
    if args.workers > train_set.rows() {
        return Err(InputError(format!(
            "--workers {}: more workers than the {} training rows of {}",
            args.workers,
            train_set.rows(),
            args.data.display()
        )));
    }
    Ok(())
}

fn validate(args: &TrainArgs) -> Result<(), InputError> {
    let bad = |m: String| Err(InputError(m));
    if args.workers == 0 {
        return bad(format!(
            "--workers must be at least 1 (got {})",
            args.workers
        ));
    }
    if args.batch_size == Some(0) || args.epochs == Some(0) {
        return bad("--batch-size and --epochs must be at least 1".into());
    }
    if let Some(f) = args.test_fraction.filter(|f| !(0.0..1.0).contains(f)) {
        return bad(format!("--test-fraction must be in [0, 1) (got {f})"));
    }
    if args.hidden.contains(&0) || args.k == 0 {
        return bad("--hidden widths and --k must be at least 1".into());
    }
    if args.k > MAX_CLUSTERS {
        return bad(format!("--k {}: at most {MAX_CLUSTERS} clusters", args.k));
    }
    if args.lr.is_some_and(|lr| !(lr > 0.0 && lr.is_finite())) {
        return bad("--lr must be a positive number".into());
    }
    if !(args.rho > 0.0 && args.rho.is_finite()) {
        return bad(format!(
            "--rho must be a positive number (got {})",
            args.rho
        ));
    }
    if let Some(l2) = args.l2.filter(|l2| !(*l2 >= 0.0 && l2.is_finite())) {
        return bad(format!("--l2 must be zero or a positive number (got {l2})"));
    }
    Ok(())
}

fn load_sets(args: &TrainArgs) -> anyhow::Result<(Dataset, Option<Dataset>)> {
    let options = LoadOptions {
        format: args.data_format.map(|f| match f {
            DataFormat::Libsvm => crate::data::Format::Libsvm,
            DataFormat::Csv => crate::data::Format::Delimited,
            DataFormat::Idx => crate::data::Format::Idx,
        }),
        label_column: args.label_col,
        idx_labels: args.labels.clone(),
    };
    let mut train_set = crate::data::load(&args.data, &options)?;
    let mut test_set = match (&args.test, args.test_fraction) {
        (Some(path), _) => {
            let options = LoadOptions {
                idx_labels: None,
                ..options
            };
            let mut test = crate::data::load(path, &options)?;
            train_set
                .align_with(&mut test)
                .map_err(|e| e.in_file(path, false))?;
            Some(test)
        }
        (None, Some(fraction)) if fraction > 0.0 => {
            let (train, test) = train_set
                .split(fraction, args.seed)
                .map_err(|e| e.in_file(&args.data, false))?;
            train_set = train;
            Some(test)
        }
        _ => None,
    };
    if args.standardize {
        let scaler = Standardizer::fit(&train_set);
        scaler.apply(&mut train_set);
        test_set.iter_mut().for_each(|t| scaler.apply(t));
    }
    Ok((train_set, test_set))
}

fn build_kernel(args: &TrainArgs, data: &Dataset) -> Result<Box<dyn Kernel>, InputError> {
    let binary_only = matches!(args.model, ModelKind::Lr | ModelKind::Svm);
    if binary_only && data.classes() > 2 {
        return Err(InputError(format!(
            "--model lr and svm need binary labels; {} has {} classes (use --model mlp)",
            args.data.display(),
            data.classes()
        )));
    }
    if matches!(args.model, ModelKind::Mlp) {
        Mlp::check(data.features(), &args.hidden, data.classes())
            .map_err(|e| InputError(format!("--hidden: {e}")))?;
    }
    Ok(match args.model {
        ModelKind::Lr => Box::new(LogisticRegression::new(data.features())),
        ModelKind::Svm => Box::new(LinearSvm::new(data.features())),
        _ => Box::new(Mlp::new(data.features(), &args.hidden, data.classes())),
    })
}

fn train_config(args: &TrainArgs, train_set: &Dataset) -> TrainConfig {
    let (sgd, batch_size) = sgd_settings(args, train_set);
    let admm = Admm {
        rho: args.rho,
        lambda: args.l2.unwrap_or(0.0),
        local_epochs: args.local_epochs,
    };
    let algorithm = match args.algorithm {
        AlgorithmKind::GaSgd => Algorithm::GaSgd,
        AlgorithmKind::MaSgd => Algorithm::MaSgd,
        AlgorithmKind::Admm => Algorithm::Admm(admm),
    };
    let linear = matches!(args.model, ModelKind::Lr | ModelKind::Svm);
    let (epochs, stop) = match (args.epochs, args.tol) {
        (Some(epochs), _) => (epochs, None),
        (None, tol) if linear || tol.is_some() => {
            let stop = Convergence {
                tol: tol.unwrap_or(Convergence::default().tol),
                ..Convergence::default()
            };
            (MAX_CONVERGING_EPOCHS, Some(stop))
        }
        (None, _) => (default_epochs(train_set.rows(), batch_size), None),
    };
    TrainConfig {
        algorithm,
        workers: args.workers,
        epochs,
        batch_size,
        sgd,
        seed: args.seed,
        stop,
    }
}

fn run_sgd(
    args: &TrainArgs,
    train_set: &Dataset,
    test_set: Option<&Dataset>,
    curve: &mut Curve,
) -> anyhow::Result<TrainResult> {
    let kernel = build_kernel(args, train_set)?;
    let config = train_config(args, train_set);
    let outcome = train(
        kernel.as_ref(),
        train_set,
        &config,
        &mut |report: &EpochReport| {
            let mut row = vec![("train_loss", report.train_loss)];
            if let Some(eval) = test_set.map(|t| kernel.evaluate(report.params, t)) {
                row.extend([("test_loss", eval.loss), ("test_accuracy", eval.accuracy)]);
            }
            curve.record(report.epoch, &row);
        },
    );
    let test = test_set.map(|t| {
        let eval = kernel.evaluate(&outcome.params, t);
        (eval.loss, eval.accuracy)
    });
    Ok(TrainResult {
        model: value_name(args.model),
        epochs: outcome.losses.len(),
        fit: TrainFit::Sgd {
            train_loss: outcome.losses.last().copied().unwrap_or(f64::NAN),
            test,
        },
        seconds: outcome.seconds,
        rows: train_set.rows(),
        workers: args.workers,
        algorithm: value_name(args.algorithm),
        comm: outcome.comm,
    })
}

fn run_kmeans(
    args: &TrainArgs,
    train_set: &Dataset,
    test_set: Option<&Dataset>,
    curve: &mut Curve,
) -> anyhow::Result<TrainResult> {
    let model = KMeans::new(args.k, train_set.features());
    let iterations = args.epochs.unwrap_or(30);
    let started = Instant::now();
    let mut observer = |run: usize, round, inertia| {
        curve.record(round, &[("run", run as f64), ("inertia", inertia)])
    };
    let config = KMeansConfig {
        workers: args.workers,
        iterations,
        restarts: args.n_init,
        seed: args.seed,
    };
    let outcome = train_kmeans(&model, train_set, &config, &mut observer);
    let seconds = started.elapsed().as_secs_f64();
    Ok(TrainResult {
        model: Some("kmeans".into()),
        epochs: iterations,
        fit: TrainFit::KMeans {
            inertia: *outcome.inertia.last().expect("final inertia"),
            test: test_set.map(|t| (model.inertia(&outcome.centroids, t), t.rows())),
        },
        seconds,
        rows: train_set.rows(),
        workers: args.workers,
        algorithm: Some("lloyd".into()),
        comm: outcome.comm,
    })
}

/// The flag spelling of a value (`ga-sgd`, `lr`).
fn value_name(value: impl ValueEnum) -> Option<String> {
    value.to_possible_value().map(|v| v.get_name().to_string())
}

/// The per-epoch curve: kept in memory and written whole, atomically, when training ends (so
/// an error or a signal midway leaves no partial file), or printed to stderr without `--curve`.
struct Curve {
    path: Option<PathBuf>,
    rows: Vec<String>,
}

impl Curve {
    fn open(path: Option<&Path>) -> anyhow::Result<Self> {
        if let Some(path) = path.filter(|p| p.is_dir()) {
            return Err(InputError(format!(
                "--curve {}: is a directory; give a file name",
                path.display()
            ))
            .into());
        }
        Ok(Curve {
            path: path.map(Path::to_path_buf),
            rows: Vec::new(),
        })
    }

    /// Records one epoch's named figures.
    fn record(&mut self, epoch: usize, figures: &[(&str, f64)]) {
        if self.path.is_none() {
            let parts: Vec<String> = figures
                .iter()
                .map(|(n, v)| format!("{} {v:.6}", n.replace('_', " ")))
                .collect();
            eprintln!("epoch {epoch}: {}", parts.join(", "));
            return;
        }
        if self.rows.is_empty() {
            let names: Vec<&str> = figures.iter().map(|(n, _)| *n).collect();
            self.rows.push(format!("epoch,{}", names.join(",")));
        }
        let row: Vec<String> = figures.iter().map(|(_, v)| v.to_string()).collect();
        self.rows.push(format!("{epoch},{}", row.join(",")));
    }

    /// Writes the curve into place.
    fn finish(self) -> anyhow::Result<()> {
        let Some(path) = self.path else {
            return Ok(());
        };
        crate::report::write_atomically(&path, |w| {
            self.rows.iter().try_for_each(|row| writeln!(w, "{row}"))
        })
        .map_err(|e| InputError(e.to_string()).into())
    }
}
