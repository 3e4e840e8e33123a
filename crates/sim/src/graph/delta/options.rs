//! The query of a delta request. Options belong on the first request only; later ones carry a token.

use uuid::Uuid;

use crate::graph::error::GraphError;

#[derive(Debug, Default)]
pub struct DeltaOptions {
    pub select: Option<Vec<String>>,
    pub ids: Option<Vec<Uuid>>,
    pub skiptoken: Option<String>,
    pub deltatoken: Option<String>,
}

pub fn parse(raw: Option<&str>, max_ids: usize) -> Result<DeltaOptions, GraphError> {
    let mut options = DeltaOptions::default();
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if !name.starts_with('$') {
            continue;
        }
        match name.to_ascii_lowercase().as_str() {
            "$select" => {
                let names: Vec<String> = value.split(',').map(|n| n.trim().to_string()).collect();
                if names.iter().any(String::is_empty) {
                    return Err(GraphError::RequestBadRequest(format!(
                        "Invalid $select value '{value}': a property name is empty."
                    )));
                }
                options.select = Some(names);
            }
            "$filter" => options.ids = Some(ids(&value, max_ids)?),
            "$skiptoken" => options.skiptoken = Some(value.into_owned()),
            "$deltatoken" => options.deltatoken = Some(value.into_owned()),
            // Graph chooses delta page sizes and order itself (user-delta, group-delta).
            other @ ("$top" | "$expand" | "$orderby" | "$search" | "$count" | "$skip") => {
                return Err(GraphError::RequestBadRequest(format!(
                    "The query parameter '{other}' is not supported with delta queries."
                )));
            }
            other => {
                return Err(GraphError::RequestBadRequest(format!(
                    "The query parameter '{other}' is not supported."
                )));
            }
        }
    }
    Ok(options)
}

/// `id eq '…' or id eq '…'`: the only filter delta takes.
fn ids(filter: &str, max: usize) -> Result<Vec<Uuid>, GraphError> {
    let unsupported = || {
        GraphError::UnsupportedQuery(format!(
            "Unsupported filter for delta: '{filter}'. Only 'id eq' clauses joined by 'or' (at most {max}) are supported."
        ))
    };
    let lower = filter.to_ascii_lowercase();
    let mut out = Vec::new();
    for clause in lower.split(" or ") {
        let clause = clause
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        let value = clause
            .strip_prefix("id eq ")
            .ok_or_else(unsupported)?
            .trim();
        let value = value
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .ok_or_else(unsupported)?;
        out.push(Uuid::parse_str(value).map_err(|_| unsupported())?);
    }
    if out.is_empty() || out.len() > max {
        return Err(unsupported());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_delta_options() {
        let a = "c2f798fd-f95d-4623-8824-63aec21fffff";
        let options = parse(
            Some(&format!(
                "$select=displayName,members&$filter=id eq '{a}' or id eq '{a}'"
            )),
            50,
        )
        .unwrap();
        assert_eq!(options.select.unwrap().len(), 2);
        assert_eq!(options.ids.unwrap().len(), 2);
        assert!(parse(Some("$top=5"), 50).is_err());
        assert!(parse(Some("$expand=manager"), 50).is_err());
        assert!(parse(Some("$orderby=displayName"), 50).is_err());
        assert!(matches!(
            parse(Some("$filter=displayName eq 'x'"), 50),
            Err(GraphError::UnsupportedQuery(_))
        ));
    }
}
