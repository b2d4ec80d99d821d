//! The ledger as the operator command prints it: one row per open item, soonest deadline
//! first, columns padded to their widest cell, optionally only one account's or one kind's.

use chrono::{DateTime, Utc};

use super::{Kind, OpenItem, Report, deadline_words};
use crate::text::single_line;

/// Which items to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// An account id (or any part of its label, "Acme EU").
    pub account: Option<String>,
    pub kind: Option<Kind>,
}

impl Filter {
    pub fn keeps(&self, item: &OpenItem) -> bool {
        self.kind.is_none_or(|kind| item.id.kind == kind)
            && self.account.as_deref().is_none_or(|wanted| {
                item.account
                    .as_deref()
                    .is_some_and(|account| account.contains(wanted))
            })
    }
}

const HEADINGS: [&str; 6] = ["ID", "DEADLINE", "DUE", "ACCOUNT", "VALUE", "WHAT"];

/// The table of the `items` `filter` keeps, as of `now`; a line saying so when none.
pub fn table(items: &[OpenItem], filter: &Filter, now: DateTime<Utc>) -> String {
    let kept: Vec<OpenItem> = items
        .iter()
        .filter(|item| filter.keeps(item))
        .cloned()
        .collect();
    if kept.is_empty() {
        return "No open items.\n".to_owned();
    }
    let rows: Vec<[String; 6]> = Report::All
        .select(&kept, now)
        .iter()
        .map(|item| {
            [
                single_line(&item.id.to_string()),
                item.deadline.map_or_else(
                    || "-".to_owned(),
                    |at| at.format("%Y-%m-%d %H:%M").to_string(),
                ),
                item.deadline
                    .map_or_else(|| "no deadline".to_owned(), |at| deadline_words(at, now)),
                item.account
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), single_line),
                item.value
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), single_line),
                single_line(&item.title),
            ]
        })
        .collect();
    let mut widths = HEADINGS.map(|heading| heading.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut push_row = |cells: [&str; 6]| {
        let line: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    };
    push_row(HEADINGS);
    for row in &rows {
        push_row(row.each_ref().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::super::ItemId;
    use super::*;

    fn item(kind: Kind, key: &str, account: &str, due_days: Option<i64>) -> OpenItem {
        let now = now();
        OpenItem {
            id: ItemId::new(kind, key),
            account: Some(account.to_owned()),
            title: format!("{} {key}", kind.title()),
            deadline: due_days.map(|days| now + TimeDelta::days(days)),
            value: None,
            link: None,
            opened_by: "e".to_owned(),
            opened_at: now,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn prints_the_kept_items_soonest_first() {
        let items = [
            item(
                Kind::AgreementEnding,
                "agmt-1",
                "Acme (111122223333)",
                Some(30),
            ),
            item(Kind::CancellationRequest, "acr-1", "444455556666", Some(3)),
            item(Kind::PausedDisbursement, "pi-1", "444455556666", None),
        ];
        let printed = table(&items, &Filter::default(), now());
        let ids: Vec<&str> = printed
            .lines()
            .skip(1)
            .filter_map(|line| line.split_whitespace().next())
            .collect();
        assert_eq!(
            ids,
            [
                "cancellation-request#acr-1",
                "agreement-ending#agmt-1",
                "paused-disbursement#pi-1"
            ]
        );
        assert!(printed.starts_with("ID "), "{printed}");
        assert!(printed.contains("in 3 days"), "{printed}");
        let only = Filter {
            account: Some("111122223333".to_owned()),
            kind: None,
        };
        assert_eq!(table(&items, &only, now()).lines().count(), 2);
        let only = Filter {
            account: Some("444455556666".to_owned()),
            kind: Some(Kind::PausedDisbursement),
        };
        let printed = table(&items, &only, now());
        assert_eq!(printed.lines().count(), 2, "{printed}");
        assert!(printed.contains("paused-disbursement#pi-1"));
        let none = Filter {
            account: Some("999999999999".to_owned()),
            kind: None,
        };
        assert_eq!(table(&items, &none, now()), "No open items.\n");
    }
}
