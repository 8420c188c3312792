//! TL4xx: Terraform provider and backend role assumption.

/// Parses a Go duration (`1h`, `90m`, `1h30m`, `3600s`) into seconds.
pub fn go_duration_secs(s: &str) -> Option<f64> {
    let s = s.trim();
    if s == "0" {
        return Some(0.0);
    }
    let mut total = 0.0;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if n_end == 0 {
            return None;
        }
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let factor = match &rest[..u_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += n * factor;
        rest = &rest[u_end..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        use super::go_duration_secs as d;
        assert_eq!(d("1h"), Some(3600.0));
        assert_eq!(d("1h30m"), Some(5400.0));
        assert_eq!(d("900s"), Some(900.0));
        assert_eq!(d("15"), None);
        assert_eq!(d("x"), None);
    }
}
pub mod assume_role_duration;
pub mod external_id_rejected_by_trust;
pub mod hardcoded_credentials;
pub mod invalid_attribute_type;
pub mod invalid_session_name;
pub mod metadata_api_check_skipped;
