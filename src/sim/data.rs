//! # Simulation data
//!
//! What the simulator trains on: the scenario's file, or for a catalogue dataset synthetic data
//! of its shape, capped at `max_rows` and scaled so that time is charged for the full dataset.
//! Neural networks from the catalogue (MobileNet, ResNet50) have no kernel here: an MLP stands in
//! for their arithmetic while their size and FLOPs set the transfers and the clock — the output
//! says so.

use crate::data::synthetic::{SyntheticSpec, generate};
use crate::data::{Dataset, Standardizer, load};
use crate::kernels::kmeans::KMeans;
use crate::kernels::{Kernel, LinearSvm, LogisticRegression, Mlp};
use crate::scenario::{DataSource, ModelKind, Workload};

/// The arithmetic a worker executes.
pub enum Math {
    Gradient(Box<dyn Kernel>),
    KMeans(KMeans),
}

/// Data and kernel of a simulated run.
pub struct SimData {
    pub train: Dataset,
    pub test: Option<Dataset>,
    pub math: Math,
    /// Full rows ÷ executed rows: each executed row stands for this many.
    pub row_scale: f64,
    /// The scenario's FLOPs per row ÷ the executed kernel's (1 unless a kernel stands in).
    pub flop_scale: f64,
    /// What was executed instead of the scenario's data or model, for the output.
    pub notes: Vec<String>,
}

/// Why the simulator cannot prepare its data.
#[derive(Debug, thiserror::Error)]
pub enum SimDataError {
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error("{0}")]
    Unsupported(String),
}

/// Loads or generates the training data and chooses the kernel.
pub fn prepare(workload: &Workload, max_rows: u64, seed: u64) -> Result<SimData, SimDataError> {
    let mut notes = Vec::new();
    let (mut train, mut test) = match &workload.dataset.source {
        DataSource::File {
            path,
            test,
            options,
        } => {
            // Both files parse at once; the test file's error, if any, is told first.
            let (train, test) = rayon::join(
                || load(path, options),
                || test.as_deref().map(|t| load(t, options)).transpose(),
            );
            let test = test?;
            (train?, test)
        }
        _ => (synthetic(workload, max_rows, seed, &mut notes), None),
    };
    if let Some(test) = test.as_mut() {
        train.align_with(test)?;
    }
    if !train.is_sparse() {
        let scaler = Standardizer::fit(&train);
        scaler.apply(&mut train);
        if let Some(test) = test.as_mut() {
            scaler.apply(test);
        }
    }
    let math = math(workload, &train, &mut notes)?;
    let flop_scale = flop_scale(workload, &math, &train);
    Ok(SimData {
        row_scale: workload.dataset.rows as f64 / train.rows().max(1) as f64,
        flop_scale,
        notes,
        train,
        test,
        math,
    })
}

/// Values (non-zeros) of synthetic data the simulator executes at most: 8 MB of f32, enough
/// for the loss curve while keeping a run of a large catalogue dataset to seconds.
const MAX_SYNTHETIC_VALUES: f64 = 2e6;

fn synthetic(workload: &Workload, max_rows: u64, seed: u64, notes: &mut Vec<String>) -> Dataset {
    let shape = &workload.dataset;
    let by_values = (MAX_SYNTHETIC_VALUES / shape.nnz_per_row().max(1.0))
        .floor()
        .max(1.0) as u64;
    let rows = shape.rows.min(max_rows).min(by_values) as usize;
    let nnz_per_row = shape
        .is_sparse()
        .then(|| shape.nnz_per_row().round().max(1.0) as usize);
    notes.push(format!(
        "trained on {rows} synthetic rows with the shape of {} ({} of {} rows; time is charged for all of them)",
        shape.name, rows, shape.rows
    ));
    generate(&SyntheticSpec {
        rows,
        features: shape.features as usize,
        nnz_per_row,
        noise: 0.5,
        seed,
    })
}

fn math(
    workload: &Workload,
    train: &Dataset,
    notes: &mut Vec<String>,
) -> Result<Math, SimDataError> {
    let d = train.features();
    let classes = train.classes().max(2);
    let binary = |name: &str| {
        if train.classes() > 2 {
            Err(SimDataError::Unsupported(format!(
                "{name} needs two classes; the data has {}",
                train.classes()
            )))
        } else {
            Ok(())
        }
    };
    Ok(match &workload.model.kind {
        ModelKind::Lr => {
            binary("logistic regression")?;
            Math::Gradient(Box::new(LogisticRegression::new(d)))
        }
        ModelKind::Svm => {
            binary("a linear SVM")?;
            Math::Gradient(Box::new(LinearSvm::new(d)))
        }
        ModelKind::KMeans { k } => Math::KMeans(KMeans::new(*k as usize, d)),
        ModelKind::Mlp { hidden } => {
            let hidden: Vec<usize> = hidden.iter().map(|&h| h as usize).collect();
            Math::Gradient(Box::new(Mlp::new(d, &hidden, classes)))
        }
        ModelKind::Network => {
            notes.push(format!(
                "{} has no kernel here: an MLP (16 hidden units) computes the gradients, while {} parameters and {:.3e} FLOPs a sample set the transfers and the clock",
                workload.model.name, workload.model.params, workload.model.flops_per_sample
            ));
            Math::Gradient(Box::new(Mlp::new(d, &[16], classes)))
        }
    })
}

/// The scenario's FLOPs per row over the executed kernel's, for stand-ins.
fn flop_scale(workload: &Workload, math: &Math, train: &Dataset) -> f64 {
    let Math::Gradient(kernel) = math else {
        return 1.0;
    };
    if workload.model.kind != ModelKind::Network || train.rows() == 0 {
        return 1.0;
    }
    let ids: Vec<u32> = (0..train.rows() as u32).collect();
    let shard = crate::data::Shard::new(train, &ids);
    let per_row = kernel.batch_cost(&shard, 0..shard.len()).flops as f64 / train.rows() as f64;
    workload.model.flops_per_sample / per_row.max(1.0)
}
