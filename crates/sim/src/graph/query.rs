//! OData system query options common to Graph collections. Resource handlers decide what the values
//! mean (which properties exist, how large a page may be); this only reads and vets the query string.

use super::error::GraphError;

/// OData options Graph supports somewhere that the simulator does not do yet.
const NOT_YET: [&str; 5] = ["$orderby", "$search", "$format", "$deltatoken", "$levels"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct QueryOptions {
    /// Property names as written, in order.
    pub select: Option<Vec<String>>,
    pub top: Option<u32>,
    pub skiptoken: Option<String>,
    /// The raw `$filter` expression; resources parse it against their schema.
    pub filter: Option<String>,
    /// The raw `$expand` value.
    pub expand: Option<String>,
    /// `$count=true`.
    pub count: bool,
}

pub fn parse(raw: Option<&str>) -> Result<QueryOptions, GraphError> {
    let mut options = QueryOptions::default();
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        // Graph (v1.0) only reads `$`-prefixed options here; anything else is the caller's business.
        if !name.starts_with('$') {
            continue;
        }
        let name = name.to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(bad(format!(
                "Query option '{name}' was specified more than once, but it must be specified at most once."
            )));
        }
        seen.push(name.clone());
        match name.as_str() {
            "$select" => options.select = Some(parse_select(&value)?),
            "$top" => options.top = Some(parse_top(&value)?),
            "$skiptoken" => options.skiptoken = Some(value.into_owned()),
            "$filter" => options.filter = Some(value.trim().to_string()),
            "$expand" => options.expand = Some(value.trim().to_string()),
            "$count" => {
                options.count = match value.trim().to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(bad(format!(
                            "Invalid value '{value}' for $count query option found. Valid values are 'true' and 'false'."
                        )));
                    }
                }
            }
            // Directory collections page with $skiptoken only (paging docs; msgraph-sdk-dotnet#348).
            "$skip" => return Err(bad("'$skip' is not supported by the service.".to_string())),
            other if NOT_YET.contains(&other) => {
                return Err(GraphError::NotImplemented(format!(
                    "The simulator does not implement the query option '{other}' yet."
                )));
            }
            other => {
                return Err(bad(format!(
                    "The query parameter '{other}' is not supported."
                )));
            }
        }
    }
    Ok(options)
}

fn parse_select(value: &str) -> Result<Vec<String>, GraphError> {
    let names: Vec<String> = value
        .split(',')
        .map(|name| name.trim().to_string())
        .collect();
    if names.iter().any(String::is_empty) {
        return Err(bad(format!(
            "Invalid $select value '{value}': a property name is empty."
        )));
    }
    Ok(names)
}

fn parse_top(value: &str) -> Result<u32, GraphError> {
    value.trim().parse::<u32>().map_err(|_| {
        bad(format!(
            "Invalid value '{value}' for $top query option found. The $top query option requires a non-negative integer value."
        ))
    })
}

fn bad(message: String) -> GraphError {
    GraphError::RequestBadRequest(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_supported_options_and_rejects_the_rest() {
        let options = parse(Some("%24select=id,%20displayName&$TOP=5&api-version=x")).unwrap();
        assert_eq!(
            options.select,
            Some(vec!["id".to_string(), "displayName".to_string()])
        );
        assert_eq!(options.top, Some(5));
        assert_eq!(parse(None).unwrap(), QueryOptions::default());

        assert!(matches!(
            parse(Some("$top=-1")),
            Err(GraphError::RequestBadRequest(_))
        ));
        assert!(matches!(
            parse(Some("$top=1&$top=2")),
            Err(GraphError::RequestBadRequest(_))
        ));
        assert!(
            matches!(parse(Some("$skip=10")), Err(GraphError::RequestBadRequest(m)) if m.contains("$skip"))
        );
        assert!(matches!(
            parse(Some("$select=id,,mail")),
            Err(GraphError::RequestBadRequest(_))
        ));
        assert!(matches!(
            parse(Some("$search=x")),
            Err(GraphError::NotImplemented(_))
        ));
        let options = parse(Some("$filter=accountEnabled%20eq%20true&$count=true")).unwrap();
        assert_eq!(options.filter.as_deref(), Some("accountEnabled eq true"));
        assert!(options.count);
        assert!(parse(Some("$count=yes")).is_err());
        assert!(matches!(
            parse(Some("$bogus=1")),
            Err(GraphError::RequestBadRequest(_))
        ));
    }
}
