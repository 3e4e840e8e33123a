use serde::Deserialize;

/// One page of a Graph collection. `next_link` is followed verbatim; `delta_link` ends a delta round.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Page<T> {
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink", default)]
    pub delta_link: Option<String>,
    /// The answer's `request-id` header: what Microsoft support asks for about one of its items.
    #[serde(skip)]
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Item {
        id: String,
    }

    #[test]
    fn reads_documented_delta_pages() {
        let first: Page<Item> = serde_json::from_str(include_str!(
            "../../../../fixtures/graph-examples/users_delta_round1_page1_nextlink.json"
        ))
        .expect("page 1");
        assert!(first.next_link.is_some() && first.delta_link.is_none());
        assert!(first.value.iter().all(|item| !item.id.is_empty()));
        let last: Page<Item> = serde_json::from_str(include_str!(
            "../../../../fixtures/graph-examples/users_delta_round1_page3_deltalink.json"
        ))
        .expect("page 3");
        assert!(last.next_link.is_none() && last.delta_link.is_some());
    }
}
