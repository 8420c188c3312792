//! IAM action wildcards (`*` any run of characters, `?` one character), ASCII case-insensitive,
//! and edit distances with and without those wildcards (used for suggestions). Shared by the
//! catalog, the evaluator and the rules, so actions match the same way everywhere.

/// Whether `text` matches the IAM wildcard `pattern` (`*`, `?`), ignoring ASCII case.
///
/// Greedy matching with single-star backtracking: O(len(pattern) * len(text)) in the worst
/// case, never exponential.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether `s` contains an IAM wildcard character.
pub fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// Edit distance (insert, delete, substitute, each cost 1) between `pattern` and `text`,
/// ignoring ASCII case, where `?` in the pattern matches any one character for free and `*`
/// any run of characters for free. Without wildcards this is the Levenshtein distance.
pub fn wildcard_distance(pattern: &str, text: &str) -> usize {
    distance(pattern, text, true)
}

/// Edit distance ignoring ASCII case; with `wildcards` false, `*` and `?` are plain characters
/// (Levenshtein distance), as for "did you mean" on element and operator names.
pub fn edit_distance(a: &str, b: &str) -> usize {
    distance(a, b, false)
}

fn distance(pattern: &str, text: &str, wildcards: bool) -> usize {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    // prev[j]: cost of aligning p[..i-1] with t[..j]; cur[j]: p[..i] with t[..j].
    let mut prev: Vec<usize> = (0..=t.len()).collect();
    let mut cur = vec![0usize; t.len() + 1];
    for &pc in p {
        if wildcards && pc == b'*' {
            cur[0] = prev[0];
            for j in 1..=t.len() {
                cur[j] = prev[j].min(cur[j - 1]);
            }
        } else {
            cur[0] = prev[0] + 1;
            for j in 1..=t.len() {
                let same = (wildcards && pc == b'?') || pc.eq_ignore_ascii_case(&t[j - 1]);
                let sub = prev[j - 1] + usize::from(!same);
                cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[t.len()]
}

/// Compare two strings ignoring ASCII case (byte-wise on the lowercased bytes).
pub fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("s3:Get*", "s3:GetObject"));
        assert!(glob_match("S3:get*", "s3:GetObject"));
        assert!(glob_match("*", ""));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("ec2:*Instances", "ec2:DescribeInstances"));
        assert!(!glob_match("ec2:*Instances", "ec2:DescribeInstancesX"));
        assert!(glob_match("s3:GetObj?ct", "s3:GetObject"));
        assert!(!glob_match("s3:GetObj?ct", "s3:GetObjct"));
        assert!(glob_match("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!glob_match("*a*b*c*d", "xxaxxbxxcxx"));
        assert!(!glob_match("", "x"));
        assert!(glob_match("", ""));
        // pathological pattern stays fast
        let long = "a".repeat(2000);
        let pattern = format!("{}b", "*a".repeat(30));
        assert!(!glob_match(&pattern, &long));
    }

    #[test]
    fn distances() {
        assert_eq!(wildcard_distance("GetObjct", "GetObject"), 1);
        assert_eq!(wildcard_distance("getobject", "GetObject"), 0);
        assert_eq!(wildcard_distance("Get*", "GetObject"), 0);
        assert_eq!(wildcard_distance("Gett*", "GetObject"), 1);
        assert_eq!(wildcard_distance("", "abc"), 3);
        assert_eq!(wildcard_distance("abc", ""), 3);
        assert_eq!(wildcard_distance("a?c", "abc"), 0);
        assert_eq!(edit_distance("a?c", "abc"), 1);
        assert_eq!(edit_distance("StringEqual", "stringequals"), 1);
    }
}
