use super::*;

#[test]
fn parses_cleanly() {
    let c = catalog();
    assert_eq!(c.malformed_lines(), 0);
    assert!(c.service_count() > 400, "{}", c.service_count());
    assert!(c.action_count() > 20_000, "{}", c.action_count());
    assert_eq!(c.date().len(), 10);
}
