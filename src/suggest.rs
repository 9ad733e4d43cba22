//! # "Did you mean …?"
//!
//! A near miss — `memcache` for `memcached`, `chanel` for `channel`, `higgs-l` for `higgs-lr` —
//! deserves the word the user meant. Names are compared by edit distance; a
//! candidate counts as near when at most a third of its letters (and at least one) differ.
//! (The distance also counts a swap of two neighbours as one edit.)
//! Error messages that list the known names (`unknown X `name` (known: a, b)`, serde's
//! `unknown field `name`, expected one of `a`, `b``) get the hint appended by [`hint`].

/// The candidate nearest to `word`, if any is near enough.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (distance(&word, &c.to_lowercase()), c))
        .filter(|&(d, c)| d > 0 && d <= (c.chars().count() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// `message` with "; did you mean `x`?" appended when it names an unknown word beside the known
/// ones and one of them is near.
pub fn hint(message: &str) -> String {
    match unknown_and_known(message).and_then(|(word, known)| nearest(word, known)) {
        Some(near) => format!("{message}; did you mean `{near}`?"),
        None => message.to_string(),
    }
}

/// The unknown word and the list of known ones in a message that has both.
fn unknown_and_known(message: &str) -> Option<(&str, Vec<&str>)> {
    let start = message.find("unknown ")?;
    let rest = &message[start..];
    let word = rest.split('`').nth(1)?;
    let after_word = &rest[rest.find('`')? + word.len() + 2..];
    let known = if let Some(i) = after_word.find("expected one of ") {
        after_word[i + "expected one of ".len()..]
            .split(',')
            .map(|k| k.trim().trim_matches('`'))
            .take_while(|k| !k.is_empty())
            .collect()
    } else {
        let i = after_word.find("(known: ")?;
        let list = &after_word[i + "(known: ".len()..];
        list[..list.find(')')?]
            .split(',')
            .map(|k| k.trim().split(':').next().unwrap_or_default())
            .collect()
    };
    Some((word, known))
}

/// Edit distance between two strings, by characters: insertions, deletions, substitutions and
/// swaps of two neighbours (`bps` is one edit from `bsp`), each counting one.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = substitution.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_find_the_word_and_far_ones_do_not() {
        let channels = ["s3", "memcached", "redis", "dynamodb", "vm-ps"];
        assert_eq!(nearest("memcache", channels), Some("memcached"));
        assert_eq!(nearest("Redis", channels), None, "equal is not a near miss");
        assert_eq!(nearest("postgres", channels), None);
        assert_eq!(
            nearest("higgs-l", ["higgs-lr", "rcv1-lr"]),
            Some("higgs-lr")
        );
    }

    #[test]
    fn messages_listing_known_names_get_a_hint() {
        let ours = "faas.channel: unknown channel `memcache` (known: s3, memcached, redis)";
        assert!(
            hint(ours).ends_with("; did you mean `memcached`?"),
            "{}",
            hint(ours)
        );
        let serde = "--set: faas.chanel: unknown field `chanel`, expected one of `profile`, `workers`, `channel`";
        assert!(
            hint(serde).ends_with("did you mean `channel`?"),
            "{}",
            hint(serde)
        );
        let sync = "unknown sync `bps` (known: bsp, asp, hsp, ssp:K)";
        assert!(
            hint(sync).ends_with("did you mean `bsp`?"),
            "{}",
            hint(sync)
        );
        let far = "unknown channel `kafka` (known: s3, memcached)";
        assert_eq!(hint(far), far);
        assert_eq!(hint("no list here"), "no list here");
    }
}
