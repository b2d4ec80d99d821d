//! The README's configuration table follows the topic table: every topic variable the code
//! reads is listed, marked required exactly when the function refuses to start without it.

use marketplace_catalog_notifier::topic::TopicKind;

use crate::support::root;

#[test]
fn the_readme_lists_every_topic_variable_with_whether_it_is_required() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md reads");
    for kind in TopicKind::ALL {
        let variable = kind.variable();
        let row = readme
            .lines()
            .find(|line| line.starts_with(&format!("| `{variable}` |")))
            .unwrap_or_else(|| panic!("README.md's configuration table has no row for {variable}"));
        let required = row.split('|').nth(2).map(str::trim);
        let expected = if kind.is_required() { "yes" } else { "no" };
        assert_eq!(required, Some(expected), "{row}");
    }
}
