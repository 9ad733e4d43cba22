//! # One function, calibrated
//!
//! From the invocations of one function: its duration curve t(z) (see `curve`), the memory it
//! needs, and its start-up — the INIT phase and the client-observed cold and warm overheads as
//! log-normal and median fits (see `cold_start`), and from a thousand warm invocations on, their
//! spread, from which the simulator draws aggregators' invocations. The start-up figures patch
//! the FaaS profile; the curve is written as the calibration's `[function]` table, which
//! `optimize memory` reads back as a `FunctionCurve` to price every memory size the platform
//! allows.

use serde::Serialize;

use super::cold_start::ColdStartFit;
use super::curve::{self, CurveFit, CurveOptions, DurationCurve};
use super::histogram::LogHistogram;
use super::observations::FunctionData;
use super::stats::FittedParam;
use super::{CalibrateError, toml_patch};
use crate::profile::FaasProfile;
use crate::profile::faas::CpuShare;
use crate::profile::spread::Spread;

/// Warm overhead samples needed before their median replaces the profile's.
const MIN_OVERHEAD_SAMPLES: u64 = 10;

/// Warm overhead samples needed before their spread replaces the profile's: a thousand put
/// about ten beyond the 99th percentile.
const MIN_SPREAD_SAMPLES: u64 = 1000;

/// The quantiles at which a warm-overhead spread is written (the shipped profiles' own).
const SPREAD_QUANTILES: [f64; 11] = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.999, 1.0];

/// Everything fitted about one function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionFit {
    /// The FaaS profile whose start-up it patches and whose prices `optimize memory` uses.
    pub profile: String,
    pub curve: CurveFit,
    pub invocations: u64,
    /// The least memory known to hold the function.
    pub min_memory_mb: Option<f64>,
    /// Log-normal of the INIT phase (REPORT's Init Duration).
    pub init: Option<ColdStartFit>,
    /// Log-normal of the client-observed cold start.
    pub cold_start: Option<ColdStartFit>,
    /// Median client-observed overhead of a warm invocation, and its 95% interval.
    pub warm_invoke_s: Option<(f64, (f64, f64))>,
    /// Warm overheads over their median at [`SPREAD_QUANTILES`], where there are enough.
    pub warm_invoke_spread: Option<Vec<[f64; 2]>>,
}

/// The memory at which a platform stops adding CPU.
pub fn cpu_ceiling_mb(profile: &FaasProfile) -> f64 {
    let (_, max_mb) = profile.memory_bounds_mb();
    match &profile.cpu {
        CpuShare::Proportional {
            mb_per_vcpu,
            max_vcpus,
        } => (mb_per_vcpu * max_vcpus).min(f64::from(max_mb)),
        CpuShare::PerSize(_) => f64::from(max_mb),
    }
}

/// Fits one function's measurements, its curve against `profile`'s CPU ceiling.
pub fn fit(
    data: &FunctionData,
    profile: &FaasProfile,
    seed: u64,
    bootstrap: usize,
) -> Result<FunctionFit, CalibrateError> {
    let options = CurveOptions {
        ceiling_mb: cpu_ceiling_mb(profile),
        bootstrap,
        seed,
    };
    let curve = curve::fit(&data.curve_points(), &options)?;
    Ok(FunctionFit {
        profile: profile.name.clone(),
        curve,
        invocations: data.invocations(),
        min_memory_mb: data.min_memory_mb(),
        init: ColdStartFit::fit("init_duration", &data.init),
        cold_start: ColdStartFit::fit("client_overhead", &data.cold_overhead),
        warm_invoke_s: (data.warm_overhead.len() >= MIN_OVERHEAD_SAMPLES).then(|| {
            (
                data.warm_overhead.median(),
                data.warm_overhead.median_interval(),
            )
        }),
        warm_invoke_spread: spread(&data.warm_overhead),
    })
}

/// The spread of `overheads` over their median, as a profile writes it: none from fewer than
/// [`MIN_SPREAD_SAMPLES`], or where it is not a spread a profile accepts (a zero overhead).
fn spread(overheads: &LogHistogram) -> Option<Vec<[f64; 2]>> {
    if overheads.len() < MIN_SPREAD_SAMPLES {
        return None;
    }
    let median = overheads.median();
    let points: Vec<[f64; 2]> = SPREAD_QUANTILES
        .iter()
        .map(|&q| [q, overheads.quantile(q) / median])
        .collect();
    Spread::new(&points).ok().map(|_| points)
}

impl FunctionFit {
    fn key(&self, key: &str) -> Vec<String> {
        toml_patch::path(&["faas", &self.profile, "startup", key])
    }

    /// Every parameter it reports: the curve's (as `function.fixed_s`, …, where the file keeps
    /// them) and the start-up figures it patches.
    pub fn params(&self) -> Vec<FittedParam> {
        let curve = self.curve.params.iter().map(|p| FittedParam {
            name: format!("function.{}", p.name),
            ..p.clone()
        });
        curve.chain(self.startup_params()).collect()
    }

    /// The start-up parameters it sets, as reported parameters.
    pub fn startup_params(&self) -> Vec<FittedParam> {
        let name = |key: &str| toml_patch::dotted(&self.key(key));
        let mut params = Vec::new();
        if let Some(init) = &self.init {
            params.push(init.mean_param(&name("init_s")));
        }
        if let Some(cold) = &self.cold_start {
            params.push(cold.mean_param(&name("cold_start_mean_s")));
        }
        if let Some((warm_s, ci)) = self.warm_invoke_s {
            params.push(FittedParam::fitted(
                name("warm_invoke_s"),
                warm_s,
                ci,
                "median client-observed warm overhead (order-statistic interval)",
            ));
        }
        params
    }

    /// The overlay patch of its start-up figures.
    pub fn patch(&self) -> toml::Table {
        let mut patch = toml::Table::new();
        let mut set = |key: &str, value: f64| {
            toml_patch::set(&mut patch, &self.key(key), toml::Value::Float(value))
        };
        if let Some(init) = &self.init {
            set("init_s", init.mean_s);
        }
        if let Some(cold) = &self.cold_start {
            set("cold_start_mean_s", cold.mean_s);
            set("cold_start_cv", cold.cv);
        }
        if let Some((warm_s, _)) = self.warm_invoke_s {
            set("warm_invoke_s", warm_s);
        }
        if let Some(points) = &self.warm_invoke_spread {
            let rows = points
                .iter()
                .map(|p| toml::Value::Array(p.iter().map(|&x| toml::Value::Float(x)).collect()));
            let value = toml::Value::Array(rows.collect());
            toml_patch::set(&mut patch, &self.key("warm_invoke_spread"), value);
        }
        patch
    }

    /// The `[function]` table `optimize memory` reads.
    pub fn table(&self) -> toml::Table {
        let c = &self.curve.curve;
        let mut table = toml::Table::new();
        table.insert("profile".into(), self.profile.clone().into());
        table.insert(
            "model".into(),
            "t(z) = fixed_s + scalable_mb_s / min(z, saturation_mb)".into(),
        );
        table.insert("fixed_s".into(), c.fixed_s.into());
        table.insert("scalable_mb_s".into(), c.scalable_mb_s.into());
        table.insert("saturation_mb".into(), c.saturation_mb.into());
        if let Some(mb) = self.min_memory_mb {
            table.insert("min_memory_mb".into(), mb.into());
        }
        let measured = |f: fn(&curve::SizeResidual) -> f64| -> toml::Value {
            self.curve
                .residuals
                .iter()
                .map(f)
                .collect::<Vec<f64>>()
                .into()
        };
        table.insert("measured_mb".into(), measured(|r| f64::from(r.memory_mb)));
        table.insert("measured_s".into(), measured(|r| r.observed_s));
        if let Some(init) = &self.init {
            table.insert(
                "cold_start".into(),
                toml::Value::try_from(init).expect("plain numbers"),
            );
        }
        table
    }
}

/// A function's duration curve as `optimize memory` uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionCurve {
    /// The profile it was calibrated against (its prices, unless another is asked for).
    pub profile: Option<String>,
    pub curve: DurationCurve,
    /// Sizes below this cannot hold the function.
    pub min_memory_mb: f64,
    /// The measured sizes and durations.
    pub measured: Vec<(u32, f64)>,
}

impl FunctionCurve {
    /// Reads the `[function]` table of a calibration file (`file` names it in errors).
    pub fn from_calibration(calibration: &toml::Table, file: &str) -> Result<Self, CalibrateError> {
        let table = calibration
            .get("function")
            .and_then(toml::Value::as_table)
            .ok_or_else(|| CalibrateError::NoFunction {
                file: file.to_string(),
            })?;
        let keys = Keys { table, file };
        let curve = DurationCurve {
            fixed_s: keys.number("fixed_s", 0.0)?,
            scalable_mb_s: keys.number("scalable_mb_s", 0.0)?,
            saturation_mb: keys.number("saturation_mb", 1.0)?,
        };
        if curve.fixed_s + curve.scalable_mb_s <= 0.0 {
            return Err(keys.bad("scalable_mb_s", "the curve must take some time"));
        }
        let min_memory_mb = match table.contains_key("min_memory_mb") {
            true => keys.number("min_memory_mb", 0.0)?,
            false => 0.0,
        };
        let profile = match table.get("profile") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| keys.bad("profile", "must be a profile name"))?
                    .to_string(),
            ),
        };
        Ok(FunctionCurve {
            profile,
            curve,
            min_memory_mb,
            measured: measured(table),
        })
    }
}

/// The keys of a `[function]` table, read with errors that name them.
struct Keys<'a> {
    table: &'a toml::Table,
    file: &'a str,
}

impl Keys<'_> {
    fn bad(&self, key: &'static str, problem: &str) -> CalibrateError {
        CalibrateError::BadFunction {
            file: self.file.to_string(),
            key,
            problem: problem.to_string(),
        }
    }

    /// A finite number of at least `min`.
    fn number(&self, key: &'static str, min: f64) -> Result<f64, CalibrateError> {
        let value = self
            .table
            .get(key)
            .ok_or_else(|| self.bad(key, "is missing"))?;
        let x = number(value).ok_or_else(|| self.bad(key, "must be a number"))?;
        if x >= min && x.is_finite() {
            Ok(x)
        } else {
            Err(self.bad(
                key,
                &format!("must be a finite number of at least {min} (got {x})"),
            ))
        }
    }
}

fn number(value: &toml::Value) -> Option<f64> {
    value
        .as_float()
        .or_else(|| value.as_integer().map(|i| i as f64))
}

fn measured(table: &toml::Table) -> Vec<(u32, f64)> {
    let list = |key: &str| -> Vec<f64> {
        let values = table.get(key).and_then(toml::Value::as_array);
        values
            .map(|a| a.iter().filter_map(number).collect())
            .unwrap_or_default()
    };
    let sizes = list("measured_mb");
    sizes
        .into_iter()
        .zip(list("measured_s"))
        .map(|(mb, s)| (mb as u32, s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::observations::Invocation;
    use crate::profile::Profiles;

    #[test]
    fn a_spread_needs_a_thousand_warm_invocations_and_is_over_their_median() {
        let mut overheads = LogHistogram::default();
        for i in 0..999 {
            overheads.add(0.5 + f64::from(i) * 0.001);
        }
        assert_eq!(spread(&overheads), None);
        overheads.add(2.0);
        let points = spread(&overheads).unwrap();
        let at = |q: f64| points.iter().find(|p| p[0] == q).unwrap()[1];
        approx::assert_relative_eq!(at(0.5), 1.0);
        // The median is about 1.0 s; the slowest, 2 s.
        approx::assert_relative_eq!(at(1.0), 2.0, max_relative = 0.01);
        approx::assert_relative_eq!(at(0.0), 0.5, max_relative = 0.01);
    }

    fn x86() -> FaasProfile {
        Profiles::builtin()
            .unwrap()
            .faas("aws-lambda-x86")
            .unwrap()
            .clone()
    }

    fn data() -> FunctionData {
        let mut data = FunctionData::default();
        for (z, t) in [(128, 2.0), (256, 1.1), (512, 0.6), (1024, 0.35)] {
            for k in 0..20 {
                let jitter = 1.0 + f64::from(k % 5) * 0.01;
                data.add(&Invocation {
                    memory_mb: z,
                    duration_s: t * jitter,
                    cold: k == 0,
                    init_s: Some(0.2 + f64::from(k) * 0.01),
                    max_memory_used_mb: Some(90.0),
                    client_overhead_s: Some(if k == 0 { 1.0 } else { 0.05 }),
                });
            }
        }
        data
    }

    #[test]
    fn lambda_stops_adding_cpu_at_its_largest_size() {
        approx::assert_relative_eq!(cpu_ceiling_mb(&x86()), 10240.0);
        let old = Profiles::builtin()
            .unwrap()
            .faas("aws-lambda-2018")
            .unwrap()
            .clone();
        approx::assert_relative_eq!(cpu_ceiling_mb(&old), 3008.0);
    }

    #[test]
    fn the_function_table_reads_back_as_the_same_curve() {
        let fit = fit(&data(), &x86(), 1, 20).unwrap();
        let mut file = toml::Table::new();
        file.insert("function".into(), fit.table().into());
        let text = toml::to_string(&file).unwrap();
        let back = FunctionCurve::from_calibration(&text.parse().unwrap(), "c.toml").unwrap();
        approx::assert_relative_eq!(back.curve.fixed_s, fit.curve.curve.fixed_s);
        assert_eq!(back.measured.len(), 4);
        assert_eq!(back.min_memory_mb, 90.0);
        assert_eq!(back.profile.as_deref(), Some("aws-lambda-x86"));
    }

    #[test]
    fn its_patch_sets_the_profile_start_up() {
        let fit = fit(&data(), &x86(), 1, 0).unwrap();
        let profiles = Profiles::calibrated(&fit.patch()).unwrap();
        let p = profiles.faas("aws-lambda-x86").unwrap();
        approx::assert_relative_eq!(p.warm_invoke_s, 0.05, max_relative = 1e-3);
        assert!(p.init_s > 0.2 && p.init_s < 0.4);
        assert_eq!(fit.startup_params().len(), 3);
    }

    #[test]
    fn a_calibration_without_a_function_says_how_to_make_one() {
        let err = FunctionCurve::from_calibration(&toml::Table::new(), "c.toml").unwrap_err();
        assert!(matches!(err, CalibrateError::NoFunction { .. }));
    }

    #[test]
    fn rejects_a_negative_fixed_time() {
        let table: toml::Table =
            "[function]\nfixed_s = -1.0\nscalable_mb_s = 1.0\nsaturation_mb = 10.0\n"
                .parse()
                .unwrap();
        let err = FunctionCurve::from_calibration(&table, "c.toml").unwrap_err();
        assert!(
            err.to_string().starts_with("c.toml: [function].fixed_s:"),
            "{err}"
        );
    }
}
