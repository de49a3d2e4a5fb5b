//! "Did you mean": the closest known name to a misspelt one, for error messages.

/// The candidate nearest to `given` (at most two edits away, or one of them a prefix of the
/// other), if any; ties go to the earlier candidate. `secert` and `secrets` give `secret`.
pub(crate) fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let g = given.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| {
            let d = distance(&g, &c.to_ascii_lowercase());
            let prefix = g.len() >= 3 && (c.starts_with(g.as_str()) || g.starts_with(*c));
            (if prefix { d.min(1) } else { d }, d, *c)
        })
        .filter(|(near, _, _)| *near <= 2 && *near < g.chars().count().max(1))
        .min_by_key(|(near, d, _)| (*near, *d))
        .map(|(_, _, c)| c)
}

/// Levenshtein distance, with a swap of two neighbours counting as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows: Vec<Vec<usize>> =
        (0..=a.len()).map(|i| (0..=b.len()).map(|j| if i == 0 { j } else { i }).collect()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let flags = ["--secret", "--secret-file", "--secret-env", "--key", "--key-file", "--json"];
        assert_eq!(closest("--secret_file", &flags), Some("--secret-file"));
        assert_eq!(closest("--keys", &flags), Some("--key"));
        assert_eq!(closest("--jsno", &flags), Some("--json"));
        assert_eq!(closest("--verbose", &flags), None);
        assert_eq!(closest("", &flags), None);
        assert_eq!(closest("inpsect", &["inspect", "audit"]), Some("inspect"));
        assert_eq!(closest("secert", &["secret", "key"]), Some("secret"));
        assert_eq!(closest("secrets", &["secrets", "secret"]), Some("secrets"));
        assert_eq!(closest("secret", &["as", "names", "secrets", "keys", "now", "url"]), Some("secrets"));
    }
}
