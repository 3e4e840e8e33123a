//! A committed delta link, read back from KVS before a run trusts it. Graph only ever hands out
//! links to its own host and to the collection's `/delta` path with a `$deltatoken` or `$skiptoken`;
//! anything else in storage is damage (or tampering: the link is fetched with the app's token), so
//! it is dropped and the data set reads in full, which heals it at the next commit.

use serde_json::Value;

use super::datasets::Dataset;
use crate::endpoints::GRAPH;

/// The stored link if it is one Graph could have given for `dataset`, else why not.
pub fn usable(dataset: Dataset, stored: &Value) -> Result<String, String> {
    let Some(link) = stored.as_str() else {
        return Err(format!("it is a JSON {}, not a link", kind(stored)));
    };
    let path = delta_path(dataset.spec().path);
    let expected = format!("{GRAPH}{path}?");
    let Some(query) = link.strip_prefix(&expected) else {
        return Err(format!("it does not start with {expected}"));
    };
    let token = form_urlencoded::parse(query.as_bytes())
        .any(|(name, value)| (name == "$deltatoken" || name == "$skiptoken") && !value.is_empty());
    if !token {
        return Err("it has no $deltatoken or $skiptoken".into());
    }
    Ok(link.to_string())
}

/// The `/delta` path of the collection a full round starts from.
fn delta_path(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    if path.ends_with("/delta") {
        path.to_string()
    } else {
        format!("{path}/delta")
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_graph_delta_link_is_used() {
        let link = format!("{GRAPH}/v1.0/users/delta?$deltatoken=abc123");
        assert_eq!(usable(Dataset::Users, &json!(link)), Ok(link.clone()));
        let skip = format!("{GRAPH}/v1.0/groups/delta?$skiptoken=x%2By");
        assert_eq!(usable(Dataset::Groups, &json!(skip)), Ok(skip.clone()));
    }

    #[test]
    fn damaged_or_foreign_links_are_refused_with_the_reason() {
        let cases = [
            (json!("not a link at all"), "does not start with"),
            (
                json!("https://evil.example.com/v1.0/users/delta?$deltatoken=abc"),
                "does not start with",
            ),
            (json!(12345), "JSON number"),
            (
                json!(format!("{GRAPH}/v1.0/groups/delta?$deltatoken=abc")),
                "does not start with",
            ),
            (
                json!(format!("{GRAPH}/v1.0/users/delta?$select=id")),
                "no $deltatoken",
            ),
        ];
        for (stored, reason) in cases {
            let Err(why) = usable(Dataset::Users, &stored) else {
                panic!("{stored} was used as the users' delta link");
            };
            assert!(why.contains(reason), "{stored}: {why}");
        }
    }
}
