//! AWS region names and the partition each belongs to (docs/facts.md, "AWS STS and IAM":
//! partitions; regions like `us-east-1`, `cn-north-1`, `us-gov-west-1`).
//!
//! Checked by shape, not against a list, so a region AWS opens later is not reported: an area
//! prefix, a compass direction, and a number (`eu-central-2`, `ap-southeast-7`).

/// Area prefixes and the partition their regions are in. Longer prefixes come first so
/// `us-gov-` wins over `us-`.
const AREAS: &[(&str, &str)] = &[
    ("us-gov", "aws-us-gov"),
    ("us-isob", "aws-iso-b"),
    ("us-isof", "aws-iso-f"),
    ("us-iso", "aws-iso"),
    ("eu-isoe", "aws-iso-e"),
    ("eusc-de", "aws-eusc"),
    ("cn", "aws-cn"),
    ("us", "aws"),
    ("eu", "aws"),
    ("ap", "aws"),
    ("sa", "aws"),
    ("ca", "aws"),
    ("me", "aws"),
    ("af", "aws"),
    ("il", "aws"),
    ("mx", "aws"),
];

const DIRECTIONS: &[&str] =
    &["north", "south", "east", "west", "central", "northeast", "northwest", "southeast", "southwest"];

/// The partition of a region name, or `None` when `region` is not shaped like an AWS region
/// (an availability zone such as `eu-west-1a`, a city, a typo such as `eu-wset-1`).
pub fn partition_of(region: &str) -> Option<&'static str> {
    AREAS.iter().find_map(|(area, partition)| {
        let rest = region.strip_prefix(area)?.strip_prefix('-')?;
        let (direction, number) = rest.rsplit_once('-')?;
        let number_ok = !number.is_empty() && number.len() <= 2 && number.bytes().all(|b| b.is_ascii_digit());
        (DIRECTIONS.contains(&direction) && number_ok).then_some(*partition)
    })
}

/// The known region nearest to a mistyped one, for "did you mean" (same area, closest
/// direction by edit distance).
pub fn suggest(region: &str) -> Option<String> {
    let (head, number) = region.rsplit_once('-')?;
    let (area, direction) = head.rsplit_once('-')?;
    if !AREAS.iter().any(|(a, _)| *a == area) {
        return None;
    }
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let best = DIRECTIONS.iter().min_by_key(|d| crate::wildcard::edit_distance(d, direction))?;
    let candidate = format!("{area}-{best}-{digits}");
    (candidate != region && partition_of(&candidate).is_some()).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_partitions() {
        assert_eq!(partition_of("eu-central-1"), Some("aws"));
        assert_eq!(partition_of("ap-southeast-7"), Some("aws"));
        assert_eq!(partition_of("cn-northwest-1"), Some("aws-cn"));
        assert_eq!(partition_of("us-gov-west-1"), Some("aws-us-gov"));
        assert_eq!(partition_of("us-isob-east-1"), Some("aws-iso-b"));
        assert_eq!(partition_of("eu-west-1a"), None);
        assert_eq!(partition_of("eu-wset-1"), None);
        assert_eq!(partition_of("frankfurt"), None);
        assert_eq!(partition_of("EU-WEST-1"), None);
        assert_eq!(partition_of("us-east-"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("eu-wset-1").as_deref(), Some("eu-west-1"));
        assert_eq!(suggest("eu-west-1a").as_deref(), Some("eu-west-1"));
        assert_eq!(suggest("frankfurt"), None);
    }
}
