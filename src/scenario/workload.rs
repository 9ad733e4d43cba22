//! # Workload
//!
//! What is trained: the dataset's shape, the model's size and work per sample, the distributed
//! algorithm (LambdaML §3.1: GA-SGD, MA-SGD, ADMM), the mini-batch and how long training runs.
//! Linear models, k-means and the MLP derive their parameters and FLOPs from the dataset's shape.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Deserialize;

use super::error::{Checked, KeyProblem, Problem};
use super::values::{integer, one_or_many, positive, string, type_of};
use crate::profile::{Catalogue, Profiles, StoredFormat};

/// The distributed training algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// Gradients averaged every mini-batch.
    GaSgd,
    /// Models averaged once per epoch.
    MaSgd,
    /// Local epochs under the ρ/2‖w − z + u‖² penalty, then a sync of [u, w] (twice the model).
    Admm,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::GaSgd => "ga-sgd",
            Algorithm::MaSgd => "ma-sgd",
            Algorithm::Admm => "admm",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ga-sgd" => Ok(Algorithm::GaSgd),
            "ma-sgd" => Ok(Algorithm::MaSgd),
            "admm" => Ok(Algorithm::Admm),
            _ => Err(format!(
                "unknown algorithm `{s}` (known: ga-sgd, ma-sgd, admm)"
            )),
        }
    }
}

/// How a candidate trains: the algorithm and the global mini-batch. A scenario may list several
/// of each (`workload.algorithm = ["ga-sgd", "ma-sgd"]`); `plan` searches every combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Recipe {
    pub algorithm: Algorithm,
    pub batch_size: u64,
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, batch {}", self.algorithm, self.batch_size)
    }
}

/// How long training runs.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainingLength {
    /// R passes over the data.
    Epochs(f64),
    /// A fixed number of synchronisation rounds (Feng et al. count iterations).
    Iterations(u64),
    /// Train until the loss reaches `target_loss` (the simulator finds R).
    Auto { target_loss: f64, max_epochs: u32 },
}

/// Where the dataset comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    /// A catalogue entry by name.
    Catalogue,
    /// A shape given in the scenario.
    Shape,
    /// A real file the simulator trains on (and its test set, if any).
    File {
        path: PathBuf,
        test: Option<PathBuf>,
        options: crate::data::LoadOptions,
    },
}

/// A dataset's shape, as the model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub rows: u64,
    pub features: u64,
    pub density: f64,
    pub classes: u32,
    pub stored_bytes: f64,
    /// How the stored bytes are written: text to parse or binary arrays.
    pub stored_format: StoredFormat,
    pub source: DataSource,
}

impl Dataset {
    /// Non-zero values per row.
    pub fn nnz_per_row(&self) -> f64 {
        self.features as f64 * self.density
    }

    /// Whether rows are held sparse (CSR) rather than dense.
    pub fn is_sparse(&self) -> bool {
        self.density < 0.5
    }

    /// Bytes one row takes in memory: 4 per dense value, or 8 per non-zero (index + value),
    /// plus its label (and row offset).
    pub fn row_bytes(&self) -> f64 {
        if self.is_sparse() {
            8.0 * self.nnz_per_row() + 8.0
        } else {
            4.0 * self.features as f64 + 4.0
        }
    }

    /// Bytes the whole dataset takes in memory.
    pub fn memory_bytes(&self) -> f64 {
        self.rows as f64 * self.row_bytes()
    }
}

/// The kind of model, where it matters to the kernels and the hardware.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    Lr,
    Svm,
    KMeans {
        k: u32,
    },
    Mlp {
        hidden: Vec<u32>,
    },
    /// A neural network from the catalogue or given by its size (trained on a GPU where present).
    Network,
}

/// A model's size and work.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub kind: ModelKind,
    pub params: u64,
    pub flops_per_sample: f64,
    /// Arithmetic intensity (FLOPs per byte of memory traffic) for the roofline rate.
    pub flops_per_byte: f64,
    /// A network's intensity counted from its layers (the catalogue's, or given as
    /// `flops_per_byte`), which a framework's network rate follows; absent where it is only
    /// FLOPs over the input's bytes.
    pub layer_intensity: Option<f64>,
}

impl Model {
    /// Bytes of the model in fp32: what one worker sends per synchronisation.
    pub fn bytes(&self) -> f64 {
        4.0 * self.params as f64
    }

    /// Whether the model is a neural network (GPU-accelerated on instances that have one).
    pub fn is_neural(&self) -> bool {
        matches!(self.kind, ModelKind::Mlp { .. } | ModelKind::Network)
    }
}

/// The workload, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub dataset: Dataset,
    pub model: Model,
    pub algorithm: Algorithm,
    /// Global mini-batch: each of w workers takes batch_size / w rows per round.
    pub batch_size: u64,
    /// Every (algorithm, batch size) the scenario lists, the first being `algorithm` and
    /// `batch_size`; one unless the scenario asks `plan` to search several.
    pub recipes: Vec<Recipe>,
    pub length: TrainingLength,
    /// ADMM: epochs of local training between synchronisations.
    pub local_epochs: u32,
    pub learning_rate: Option<f64>,
    /// The training framework (`profiles/runtimes.toml`): its per-step overhead, rates and parsing.
    pub runtime: String,
    /// Loss after each epoch, for schedule optimisation when no simulator run is at hand.
    pub loss_curve: Option<Vec<f64>>,
}

impl Workload {
    /// The algorithm and mini-batch it trains with (the first listed, where several are).
    pub fn recipe(&self) -> Recipe {
        Recipe {
            algorithm: self.algorithm,
            batch_size: self.batch_size,
        }
    }
}

/// The `[workload]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    pub dataset: toml::Value,
    pub model: toml::Value,
    pub algorithm: Option<toml::Value>,
    pub batch_size: Option<toml::Value>,
    pub epochs: Option<toml::Value>,
    pub iterations: Option<toml::Value>,
    pub target_loss: Option<toml::Value>,
    pub max_epochs: Option<toml::Value>,
    pub local_epochs: Option<toml::Value>,
    pub k: Option<toml::Value>,
    pub hidden: Option<toml::Value>,
    pub learning_rate: Option<toml::Value>,
    pub runtime: Option<toml::Value>,
    pub loss_curve: Option<Vec<f64>>,
}

/// The training runtime when a scenario names none: LambdaML's functions and its EC2 baseline
/// train with PyTorch (papers.md §1).
pub const DEFAULT_RUNTIME: &str = "pytorch";

/// Default global mini-batch when a scenario gives none.
pub const DEFAULT_BATCH_SIZE: u64 = 10_000;

/// Checks the workload; `base_dir` resolves relative data paths.
pub fn check(
    raw: &RawWorkload,
    profiles: &Profiles,
    base_dir: &std::path::Path,
) -> Checked<Workload> {
    let catalogue = &profiles.catalogue;
    check_when_given(raw)?;
    let runtime = runtime(raw.runtime.as_ref(), profiles)?;
    let dataset = dataset(&raw.dataset, catalogue, base_dir)?;
    let model = model(raw, &dataset, catalogue)?;
    let recipes = recipes(raw, &dataset)?;
    let Recipe {
        algorithm,
        batch_size,
    } = recipes[0];
    Ok(Workload {
        length: length(raw)?,
        local_epochs: match &raw.local_epochs {
            Some(v) => positive_integer("workload.local_epochs", v)? as u32,
            None => 1,
        },
        learning_rate: raw
            .learning_rate
            .as_ref()
            .map(|v| positive("workload.learning_rate", v))
            .transpose()?,
        loss_curve: raw.loss_curve.clone(),
        runtime,
        dataset,
        model,
        algorithm,
        batch_size,
        recipes,
    })
}

/// Every combination of the listed algorithms and batch sizes, each once, in the order listed
/// (algorithm first).
fn recipes(raw: &RawWorkload, dataset: &Dataset) -> Checked<Vec<Recipe>> {
    let algorithms: Vec<Algorithm> = match &raw.algorithm {
        Some(v) => one_or_many("workload.algorithm", v, super::values::parsed)?,
        None => vec![Algorithm::GaSgd],
    };
    let batch_sizes = match &raw.batch_size {
        Some(v) => one_or_many("workload.batch_size", v, positive_integer)?,
        None => vec![DEFAULT_BATCH_SIZE.min(dataset.rows)],
    };
    let mut recipes: Vec<Recipe> = Vec::new();
    for &algorithm in &algorithms {
        for &batch_size in &batch_sizes {
            let recipe = Recipe {
                algorithm,
                batch_size,
            };
            if !recipes.contains(&recipe) {
                recipes.push(recipe);
            }
        }
    }
    Ok(recipes)
}

fn runtime(value: Option<&toml::Value>, profiles: &Profiles) -> Checked<String> {
    let Some(value) = value else {
        return Ok(DEFAULT_RUNTIME.to_string());
    };
    let name = string("workload.runtime", value)?;
    profiles
        .runtime(&name)
        .map_err(|e| KeyProblem::new("workload.runtime", Problem::UnknownName(e.to_string())))?;
    Ok(name)
}

fn positive_integer(key: &str, value: &toml::Value) -> Checked<u64> {
    match integer(key, value)? {
        0 => Err(KeyProblem::new(key, Problem::NotPositive(0.0))),
        n => Ok(n),
    }
}

/// The most epochs (or, with `max_epochs`, the most epochs to search) a scenario may train for:
/// far past any published run (LambdaML's longest are hundreds), and small enough that every
/// time and bill stays a finite number.
pub const MAX_EPOCHS: f64 = 1e6;
/// The most synchronisation rounds a scenario given in iterations may run.
pub const MAX_ITERATIONS: u64 = 1_000_000_000;

/// `value` if it is at most `max`, else an error naming `key`.
fn at_most<T: Copy + Into<f64>>(key: &str, value: T, max: f64) -> Checked<T> {
    let x: f64 = value.into();
    if x <= max {
        return Ok(value);
    }
    let shown = if x < 1e9 {
        format!("{x}")
    } else {
        format!("{x:e}")
    };
    Err(KeyProblem::new(
        key,
        Problem::Other(format!(
            "{shown} is more than Stratus plans for (at most {max})"
        )),
    ))
}

/// Keys only some workloads read (the target of `epochs = "auto"`, k-means' k, the MLP's
/// widths) are checked whenever they are given, so a bad value is refused today, not ignored
/// until the day the key starts to matter.
fn check_when_given(raw: &RawWorkload) -> Checked<()> {
    if let Some(v) = &raw.target_loss {
        positive("workload.target_loss", v)?;
    }
    if let Some(v) = &raw.max_epochs {
        let n = positive_integer("workload.max_epochs", v)?;
        at_most("workload.max_epochs", n as f64, MAX_EPOCHS)?;
    }
    if let Some(v) = &raw.k {
        positive_integer("workload.k", v)?;
    }
    if let Some(v) = &raw.hidden {
        super::values::one_or_many("workload.hidden", v, positive_integer)?;
    }
    Ok(())
}

fn length(raw: &RawWorkload) -> Checked<TrainingLength> {
    match (&raw.epochs, &raw.iterations) {
        (Some(_), Some(_)) => Err(KeyProblem::new(
            "workload.iterations",
            Problem::Conflict("give epochs or iterations, not both".into()),
        )),
        (None, Some(v)) => {
            let n = positive_integer("workload.iterations", v)?;
            at_most("workload.iterations", n as f64, MAX_ITERATIONS as f64)?;
            Ok(TrainingLength::Iterations(n))
        }
        (Some(toml::Value::String(s)), None) if s == "auto" => {
            let target = raw
                .target_loss
                .as_ref()
                .ok_or_else(|| KeyProblem::new("workload.target_loss", Problem::Missing))?;
            let max_epochs = match &raw.max_epochs {
                Some(v) => {
                    let n = positive_integer("workload.max_epochs", v)?;
                    at_most("workload.max_epochs", n as f64, MAX_EPOCHS)? as u32
                }
                None => 100,
            };
            Ok(TrainingLength::Auto {
                target_loss: positive("workload.target_loss", target)?,
                max_epochs,
            })
        }
        (Some(v), None) => Ok(TrainingLength::Epochs(at_most(
            "workload.epochs",
            positive("workload.epochs", v)?,
            MAX_EPOCHS,
        )?)),
        (None, None) => Err(KeyProblem::new("workload.epochs", Problem::Missing)),
    }
}

fn dataset(
    value: &toml::Value,
    catalogue: &Catalogue,
    base_dir: &std::path::Path,
) -> Checked<Dataset> {
    const KEY: &str = "workload.dataset";
    match value {
        toml::Value::String(name) => catalogue_dataset(name, catalogue),
        toml::Value::Table(table) if table.contains_key("path") => file_dataset(table, base_dir),
        toml::Value::Table(table) => shape_dataset(table),
        other => Err(KeyProblem::new(
            KEY,
            Problem::WrongType {
                expected: "a catalogue name, { rows, features, density } or { path, format }",
                got: type_of(other),
            },
        )),
    }
}

fn catalogue_dataset(name: &str, catalogue: &Catalogue) -> Checked<Dataset> {
    let entry = catalogue.datasets.get(name).ok_or_else(|| {
        let known: Vec<_> = catalogue.datasets.keys().cloned().collect();
        KeyProblem::new(
            "workload.dataset",
            Problem::UnknownName(format!(
                "unknown dataset `{name}` (known: {})",
                known.join(", ")
            )),
        )
    })?;
    let mut dataset = Dataset {
        name: name.to_string(),
        rows: entry.rows,
        features: entry.features,
        density: entry.density,
        classes: entry.classes,
        stored_bytes: 0.0,
        stored_format: stored_format(
            &format!("profiles/workloads.toml: datasets.{name}.stored_format"),
            entry.stored_format.as_deref(),
        )?,
        source: DataSource::Catalogue,
    };
    dataset.stored_bytes = entry.stored_bytes.unwrap_or_else(|| dataset.memory_bytes());
    Ok(dataset)
}

/// How a dataset is stored: `csv` or `libsvm` text is parsed at the runtime's rate, `binary`
/// arrays are deserialised.
fn stored_format(key: &str, name: Option<&str>) -> Checked<StoredFormat> {
    match name {
        None | Some("binary") => Ok(StoredFormat::Binary),
        Some("csv") => Ok(StoredFormat::Csv),
        Some("libsvm") => Ok(StoredFormat::Libsvm),
        Some(other) => Err(KeyProblem::new(
            key,
            Problem::UnknownName(format!(
                "unknown stored format `{other}` (known: csv, libsvm, binary)"
            )),
        )),
    }
}

fn shape_dataset(table: &toml::Table) -> Checked<Dataset> {
    const ALLOWED: [&str; 7] = [
        "rows",
        "features",
        "density",
        "classes",
        "stored_bytes",
        "stored_format",
        "name",
    ];
    reject_unknown("workload.dataset", table, &ALLOWED)?;
    let get = |key: &str| {
        table
            .get(key)
            .ok_or_else(|| KeyProblem::new(format!("workload.dataset.{key}"), Problem::Missing))
    };
    let rows = positive_integer("workload.dataset.rows", get("rows")?)?;
    let features = positive_integer("workload.dataset.features", get("features")?)?;
    let density = match table.get("density") {
        Some(v) => positive("workload.dataset.density", v)?,
        None => 1.0,
    };
    if density > 1.0 {
        return Err(KeyProblem::new(
            "workload.dataset.density",
            Problem::DensityOutOfRange(density),
        ));
    }
    let classes = match table.get("classes") {
        Some(v) => positive_integer("workload.dataset.classes", v)? as u32,
        None => 2,
    };
    let mut dataset = Dataset {
        name: match table.get("name") {
            Some(v) => string("workload.dataset.name", v)?,
            None => format!("{rows}×{features}"),
        },
        rows,
        features,
        density,
        classes,
        stored_bytes: 0.0,
        stored_format: match table.get("stored_format") {
            Some(v) => stored_format(
                "workload.dataset.stored_format",
                Some(&string("workload.dataset.stored_format", v)?),
            )?,
            None => StoredFormat::Binary,
        },
        source: DataSource::Shape,
    };
    dataset.stored_bytes = match table.get("stored_bytes") {
        Some(v) => positive("workload.dataset.stored_bytes", v)?,
        None => dataset.memory_bytes(),
    };
    Ok(dataset)
}

fn file_dataset(table: &toml::Table, base_dir: &std::path::Path) -> Checked<Dataset> {
    const ALLOWED: [&str; 4] = ["path", "format", "test", "label"];
    reject_unknown("workload.dataset", table, &ALLOWED)?;
    let path = super::paths::resolve(base_dir, &string("workload.dataset.path", &table["path"])?);
    let options = load_options(table)?;
    let test = table
        .get("test")
        .map(|v| string("workload.dataset.test", v).map(|t| super::paths::resolve(base_dir, &t)))
        .transpose()?;
    let shape = super::paths::scan_shape(&path, &options)
        .map_err(|message| KeyProblem::new("workload.dataset.path", Problem::Other(message)))?;
    Ok(Dataset {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        source: DataSource::File {
            path,
            test,
            options,
        },
        ..shape
    })
}

fn load_options(table: &toml::Table) -> Checked<crate::data::LoadOptions> {
    use crate::data::Format;
    let format = match table
        .get("format")
        .map(|v| string("workload.dataset.format", v))
        .transpose()?
    {
        None => None,
        Some(name) => Some(match name.as_str() {
            "libsvm" | "svmlight" => Format::Libsvm,
            "csv" | "tsv" | "delimited" => Format::Delimited,
            "idx" => Format::Idx,
            other => {
                return Err(KeyProblem::new(
                    "workload.dataset.format",
                    Problem::UnknownName(format!(
                        "unknown format `{other}` (known: libsvm, csv, tsv, idx)"
                    )),
                ));
            }
        }),
    };
    let label_column = match table.get("label") {
        None => Default::default(),
        Some(toml::Value::Integer(i)) if *i >= 0 => {
            crate::data::delimited::LabelColumn::Index(*i as usize)
        }
        Some(v) => super::values::parsed("workload.dataset.label", v)?,
    };
    Ok(crate::data::LoadOptions {
        format,
        label_column,
        idx_labels: None,
    })
}

fn reject_unknown(key: &str, table: &toml::Table, allowed: &[&str]) -> Checked<()> {
    match table.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(KeyProblem::new(
            format!("{key}.{unknown}"),
            Problem::UnknownName(format!("unknown key (allowed: {})", allowed.join(", "))),
        )),
        None => Ok(()),
    }
}

fn model(raw: &RawWorkload, dataset: &Dataset, catalogue: &Catalogue) -> Checked<Model> {
    const KEY: &str = "workload.model";
    match &raw.model {
        toml::Value::String(name) => named_model(name, raw, dataset, catalogue),
        toml::Value::Table(table) => custom_model(table, dataset),
        other => Err(KeyProblem::new(
            KEY,
            Problem::WrongType {
                expected: "a model name or { params, flops_per_sample }",
                got: type_of(other),
            },
        )),
    }
}

fn named_model(
    name: &str,
    raw: &RawWorkload,
    dataset: &Dataset,
    catalogue: &Catalogue,
) -> Checked<Model> {
    let nnz = dataset.nnz_per_row();
    let d = dataset.features as f64;
    let (kind, params, flops) = match name {
        // FLOPs per row as the kernels count them: 2 for the margin and 2 for the gradient per
        // non-zero, plus the loss and its derivative (30 for the logistic, 4 for the hinge) and 2.
        "lr" => (ModelKind::Lr, d + 1.0, 4.0 * nnz + 32.0),
        "svm" => (ModelKind::Svm, d + 1.0, 4.0 * nnz + 6.0),
        "kmeans" => {
            let k = match &raw.k {
                Some(v) => positive_integer("workload.k", v)? as u32,
                None => 10,
            };
            (
                ModelKind::KMeans { k },
                f64::from(k) * d,
                3.0 * f64::from(k) * nnz + 2.0 * f64::from(k),
            )
        }
        "mlp" => mlp_shape(raw, dataset)?,
        _ => {
            let entry = catalogue.models.get(name).ok_or_else(|| {
                let known: Vec<_> = ["lr", "svm", "kmeans", "mlp"]
                    .into_iter()
                    .map(String::from)
                    .chain(catalogue.models.keys().cloned())
                    .collect();
                KeyProblem::new(
                    "workload.model",
                    Problem::UnknownName(format!(
                        "unknown model `{name}` (known: {})",
                        known.join(", ")
                    )),
                )
            })?;
            // Convolutions do work in proportion to the input's area.
            let area = entry
                .input_features
                .map_or(1.0, |f| dataset.features as f64 / f as f64);
            return Ok(Model {
                name: name.to_string(),
                kind: ModelKind::Network,
                params: entry.params,
                flops_per_sample: entry.flops_per_sample * area,
                flops_per_byte: entry.flops_per_byte,
                layer_intensity: Some(entry.flops_per_byte),
            });
        }
    };
    Ok(Model {
        name: name.to_string(),
        kind,
        params: params as u64,
        flops_per_sample: flops,
        flops_per_byte: flops / dataset.row_bytes(),
        layer_intensity: None,
    })
}

fn mlp_shape(raw: &RawWorkload, dataset: &Dataset) -> Checked<(ModelKind, f64, f64)> {
    let hidden = match &raw.hidden {
        Some(v) => super::values::one_or_many("workload.hidden", v, |k, v| {
            positive_integer(k, v).map(|n| n as u32)
        })?,
        None => vec![64],
    };
    let outputs = f64::from(dataset.classes.max(2));
    let mut widths: Vec<f64> = vec![dataset.features as f64];
    widths.extend(hidden.iter().map(|&h| f64::from(h)));
    widths.push(outputs);
    let params: f64 = widths.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
    // The first layer only touches the row's non-zeros and needs no input gradient: forward,
    // weight gradient and (for later layers) input gradient are 2 FLOPs per multiply-add each.
    let first = dataset.nnz_per_row() * widths[1];
    let rest: f64 = widths[1..].windows(2).map(|w| w[0] * w[1]).sum();
    Ok((ModelKind::Mlp { hidden }, params, 4.0 * first + 6.0 * rest))
}

fn custom_model(table: &toml::Table, dataset: &Dataset) -> Checked<Model> {
    const ALLOWED: [&str; 4] = ["params", "flops_per_sample", "flops_per_byte", "name"];
    reject_unknown("workload.model", table, &ALLOWED)?;
    let params = table
        .get("params")
        .ok_or_else(|| KeyProblem::new("workload.model.params", Problem::Missing))?;
    let flops = table
        .get("flops_per_sample")
        .ok_or_else(|| KeyProblem::new("workload.model.flops_per_sample", Problem::Missing))?;
    let flops_per_sample = positive("workload.model.flops_per_sample", flops)?;
    let layer_intensity = table
        .get("flops_per_byte")
        .map(|v| positive("workload.model.flops_per_byte", v))
        .transpose()?;
    Ok(Model {
        name: match table.get("name") {
            Some(v) => string("workload.model.name", v)?,
            None => "custom".into(),
        },
        kind: ModelKind::Network,
        params: positive_integer("workload.model.params", params)?,
        flops_per_sample,
        flops_per_byte: layer_intensity.unwrap_or(flops_per_sample / dataset.row_bytes()),
        layer_intensity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(extra: &str) -> Checked<Workload> {
        let text = format!("dataset = \"higgs\"\nmodel = \"lr\"\nepochs = 1\n{extra}");
        let raw: RawWorkload = toml::from_str(&text).unwrap();
        check(
            &raw,
            &Profiles::builtin().unwrap(),
            std::path::Path::new("."),
        )
    }

    #[test]
    fn listed_algorithms_and_mini_batches_make_every_combination_once() {
        let w =
            workload("algorithm = [\"ma-sgd\", \"ga-sgd\", \"ma-sgd\"]\nbatch_size = [100, 5000]")
                .unwrap();
        let recipes: Vec<String> = w.recipes.iter().map(Recipe::to_string).collect();
        assert_eq!(
            recipes,
            [
                "ma-sgd, batch 100",
                "ma-sgd, batch 5000",
                "ga-sgd, batch 100",
                "ga-sgd, batch 5000"
            ]
        );
        assert_eq!((w.algorithm, w.batch_size), (Algorithm::MaSgd, 100));
        assert_eq!(workload("").unwrap().recipes.len(), 1);
    }

    #[test]
    fn rejects_an_empty_or_bad_list_naming_the_item() {
        assert_eq!(
            workload("algorithm = []").unwrap_err().key,
            "workload.algorithm"
        );
        assert_eq!(
            workload("batch_size = [10, 0]").unwrap_err().key,
            "workload.batch_size[1]"
        );
    }
}
