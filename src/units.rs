//! # Units
//!
//! The conventions every number in Stratus follows, and their human formatting.
//! Memory sizes are in MB as cloud providers count them (MiB, 2^20 bytes: a "1,024 MB" Lambda);
//! data sizes and bandwidths are in bytes and MB/s of 10^6 bytes (as S3 throughput is reported);
//! time is in seconds and money in US dollars. Names carry their unit: `memory_mb`, `latency_s`.

/// Bytes in one MB of data or bandwidth (decimal, as throughput figures are published).
pub const BYTES_PER_MB: f64 = 1e6;
/// Bytes in one MB of function memory (binary, as Lambda counts memory).
pub const BYTES_PER_MEMORY_MB: f64 = 1_048_576.0;
/// Bytes in a GiB, as cache node memory is listed.
pub const BYTES_PER_GIB: f64 = 1_073_741_824.0;
/// Memory MB in one GB of billed GB-seconds.
pub const MEMORY_MB_PER_GB: f64 = 1024.0;
/// Seconds in one hour of instance or node billing.
pub const SECONDS_PER_HOUR: f64 = 3600.0;
/// Bytes per second in one gigabit per second of network bandwidth.
pub const BYTES_PER_S_PER_GBPS: f64 = 1e9 / 8.0;

/// Whether `x` is a positive, finite number (NaN is not).
pub fn is_positive(x: f64) -> bool {
    x > 0.0 && x.is_finite()
}

/// Rounds a duration up to a whole number of billing increments (`increment_s` > 0).
/// A tiny tolerance keeps 0.3 s billed as three 100 ms units despite float error.
pub fn round_up_to_increment(duration_s: f64, increment_s: f64) -> f64 {
    if duration_s <= 0.0 {
        return 0.0;
    }
    let units = (duration_s / increment_s - 1e-9).ceil().max(1.0);
    units * increment_s
}

/// Formats seconds for people: `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 03 min`.
pub fn format_seconds(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "∞".to_string();
    }
    if seconds < 1.0 {
        return format!("{:.0} ms", seconds * 1e3);
    }
    if seconds < 100.0 {
        return format!("{seconds:.1} s");
    }
    let whole = seconds.round() as u64;
    if whole < 3600 {
        return format!("{} min {:02} s", whole / 60, whole % 60);
    }
    format!("{} h {:02} min", whole / 3600, (whole % 3600) / 60)
}

/// Formats dollars with enough digits to tell small bills apart: `$12.35`, `$0.0042`.
pub fn format_usd(usd: f64) -> String {
    if usd >= 100.0 {
        format!("${usd:.0}")
    } else if usd >= 1.0 {
        format!("${usd:.2}")
    } else if usd >= 0.01 {
        format!("${usd:.4}")
    } else {
        format!("${usd:.6}")
    }
}

/// Formats a byte count with a decimal unit: `224 B`, `12.3 MB`, `7.50 GB`.
pub fn format_bytes(bytes: f64) -> String {
    const STEPS: [(f64, &str); 4] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
    for (size, unit) in STEPS {
        if bytes >= size {
            return format!("{:.2} {unit}", bytes / size);
        }
    }
    format!("{bytes:.0} B")
}

/// Text safe to show on a terminal: control characters other than newline and tab — an escape
/// sequence carried in from an input file or a scenario name — are written out as `\x1b`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if unsafe_char(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(printable("a\u{1b}[31mred"), "a\\x1b[31mred");
        assert_eq!(printable("bell\u{7}"), "bell\\x07");
    }

    #[test]
    fn rounds_up_to_whole_billing_increments() {
        assert_relative_eq!(round_up_to_increment(0.3, 0.1), 0.3, epsilon = 1e-12);
        assert_relative_eq!(round_up_to_increment(0.301, 0.1), 0.4, epsilon = 1e-12);
        assert_relative_eq!(round_up_to_increment(0.0005, 0.001), 0.001, epsilon = 1e-12);
        assert_relative_eq!(round_up_to_increment(61.2, 1.0), 62.0, epsilon = 1e-12);
    }

    #[test]
    fn a_zero_duration_bills_nothing() {
        assert_eq!(round_up_to_increment(0.0, 0.1), 0.0);
    }

    #[test]
    fn formats_durations_for_people() {
        assert_eq!(format_seconds(0.25), "250 ms");
        assert_eq!(format_seconds(12.34), "12.3 s");
        assert_eq!(format_seconds(185.0), "3 min 05 s");
        assert_eq!(format_seconds(7380.0), "2 h 03 min");
    }

    #[test]
    fn formats_money_with_useful_precision() {
        assert_eq!(format_usd(12.345), "$12.35");
        assert_eq!(format_usd(0.0421), "$0.0421");
        assert_eq!(format_usd(0.000123), "$0.000123");
    }

    #[test]
    fn formats_bytes_with_decimal_units() {
        assert_eq!(format_bytes(224.0), "224 B");
        assert_eq!(format_bytes(7.5e9), "7.50 GB");
    }
}
