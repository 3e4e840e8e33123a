//! Validation of schema-and-mapping documents against Atlassian's published JSON Schemas (the files in
//! `fixtures/assets/json-schema`, compiled in). A full JSON Schema crate costs minutes of build time on
//! the shared machine, so this interprets exactly the keywords those two files use (draft 2019-09):
//! `type`, `required`, `properties`, `items`, `$ref` to `#/$defs/…`, `enum`, `const`, `minItems`,
//! `minLength`, `maxLength`, `pattern` (only `^[class]*$`), `uniqueItems`, `allOf`, `if`/`then`/`else`,
//! `not` and `additionalProperties: false`. Annotations (`description`, `contentMediaType`, ...) are
//! ignored, as 2019-09 does. Any other keyword fails loudly (`UnsupportedKeyword`) instead of being
//! skipped, so a newer schema file cannot silently weaken validation.

use serde_json::Value;

pub const SCHEMA_2021_09_15: &str = include_str!(
    "../../../../fixtures/assets/json-schema/imports-schema-and-mapping.2021_09_15.schema.json"
);
pub const SCHEMA_2023_10_19: &str = include_str!(
    "../../../../fixtures/assets/json-schema/imports-schema-and-mapping.2023_10_19.schema.json"
);

const ANNOTATIONS: [&str; 7] = [
    "$schema",
    "$id",
    "title",
    "description",
    "contentMediaType",
    "contentEncoding",
    "$defs",
];

/// One violation, with a JSON pointer to the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

/// Which published schema applies: SM says 2023_10_19 as soon as the document carries any external id.
pub fn schema_for(document: &Value) -> &'static str {
    if mentions_external_id(document) {
        SCHEMA_2023_10_19
    } else {
        SCHEMA_2021_09_15
    }
}

fn mentions_external_id(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, v)| {
            matches!(
                key.as_str(),
                "externalId" | "objectTypeExternalId" | "attributeExternalId"
            ) || mentions_external_id(v)
        }),
        Value::Array(items) => items.iter().any(mentions_external_id),
        _ => false,
    }
}

/// Every violation of `schema_text` by `document`; empty when valid.
pub fn validate(schema_text: &str, document: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    match serde_json::from_str::<Value>(schema_text) {
        Ok(root) => Validator { root: &root }.check(&root, document, "", &mut out),
        Err(err) => out.push(Violation {
            pointer: String::new(),
            message: format!("the JSON Schema itself is not JSON: {err}"),
        }),
    }
    out
}

struct Validator<'a> {
    root: &'a Value,
}

impl Validator<'_> {
    fn check(&self, schema: &Value, value: &Value, at: &str, out: &mut Vec<Violation>) {
        let Some(rules) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                push(out, at, "no value is allowed here");
            }
            return;
        };
        for (keyword, rule) in rules {
            match keyword.as_str() {
                k if ANNOTATIONS.contains(&k) => {}
                "type" => self.check_type(rule, value, at, out),
                "required" => check_required(rule, value, at, out),
                "properties" => self.check_properties(rule, value, at, out),
                "additionalProperties" => check_additional(rules, rule, value, at, out),
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            self.check(rule, item, &format!("{at}/{i}"), out);
                        }
                    }
                }
                "$ref" => match rule.as_str().and_then(|r| self.resolve(r)) {
                    Some(target) => self.check(target, value, at, out),
                    None => push(out, at, &format!("unresolvable $ref {rule}")),
                },
                "enum" => {
                    if !rule
                        .as_array()
                        .is_some_and(|options| options.contains(value))
                    {
                        push(out, at, &format!("{value} is not one of {rule}"));
                    }
                }
                "const" => {
                    if rule != value {
                        push(out, at, &format!("{value} must be {rule}"));
                    }
                }
                "minItems" => {
                    if let (Some(items), Some(min)) = (value.as_array(), rule.as_u64()) {
                        if (items.len() as u64) < min {
                            push(out, at, &format!("needs at least {min} item(s)"));
                        }
                    }
                }
                "uniqueItems" => {
                    if let (Some(items), Some(true)) = (value.as_array(), rule.as_bool()) {
                        if items
                            .iter()
                            .enumerate()
                            .any(|(i, a)| items[..i].contains(a))
                        {
                            push(out, at, "items must be unique");
                        }
                    }
                }
                "minLength" | "maxLength" => {
                    if let (Some(text), Some(limit)) = (value.as_str(), rule.as_u64()) {
                        let len = text.chars().count() as u64;
                        let bad = if keyword == "minLength" {
                            len < limit
                        } else {
                            len > limit
                        };
                        if bad {
                            push(out, at, &format!("length {len} violates {keyword} {limit}"));
                        }
                    }
                }
                "pattern" => {
                    if let Some(text) = value.as_str() {
                        match rule.as_str().and_then(CharClassPattern::parse) {
                            Some(pattern) if pattern.matches(text) => {}
                            Some(_) => push(out, at, &format!("{text:?} does not match {rule}")),
                            None => push(out, at, &format!("unsupported pattern {rule}")),
                        }
                    }
                }
                "allOf" => {
                    for sub in rule.as_array().into_iter().flatten() {
                        self.check(sub, value, at, out);
                    }
                }
                "not" => {
                    let mut inner = Vec::new();
                    self.check(rule, value, at, &mut inner);
                    if inner.is_empty() {
                        push(out, at, &format!("must not match {rule}"));
                    }
                }
                "if" => {
                    let mut inner = Vec::new();
                    self.check(rule, value, at, &mut inner);
                    let branch = if inner.is_empty() { "then" } else { "else" };
                    if let Some(sub) = rules.get(branch) {
                        self.check(sub, value, at, out);
                    }
                }
                "then" | "else" => {} // applied through "if"
                other => push(
                    out,
                    at,
                    &format!("UnsupportedKeyword {other} in the JSON Schema"),
                ),
            }
        }
    }

    fn check_type(&self, rule: &Value, value: &Value, at: &str, out: &mut Vec<Violation>) {
        let ok = |name: &str| match name {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            "number" => value.is_number(),
            "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
            _ => false,
        };
        let allowed = match rule {
            Value::String(name) => ok(name),
            Value::Array(names) => names.iter().filter_map(Value::as_str).any(ok),
            _ => false,
        };
        if !allowed {
            push(out, at, &format!("expected type {rule}"));
        }
    }

    fn check_properties(&self, rule: &Value, value: &Value, at: &str, out: &mut Vec<Violation>) {
        let (Some(props), Some(map)) = (rule.as_object(), value.as_object()) else {
            return;
        };
        for (name, sub) in props {
            if let Some(v) = map.get(name) {
                self.check(sub, v, &format!("{at}/{name}"), out);
            }
        }
    }

    fn resolve(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }
}

fn check_required(rule: &Value, value: &Value, at: &str, out: &mut Vec<Violation>) {
    let Some(map) = value.as_object() else {
        return;
    };
    for name in rule
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !map.contains_key(name) {
            push(out, at, &format!("missing required property {name:?}"));
        }
    }
}

fn check_additional(
    rules: &serde_json::Map<String, Value>,
    rule: &Value,
    value: &Value,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let (Some(false), Some(map)) = (rule.as_bool(), value.as_object()) else {
        return;
    };
    let known = rules.get("properties").and_then(Value::as_object);
    for name in map.keys() {
        if !known.is_some_and(|props| props.contains_key(name)) {
            push(out, at, &format!("unknown property {name:?}"));
        }
    }
}

fn push(out: &mut Vec<Violation>, at: &str, message: &str) {
    out.push(Violation {
        pointer: at.to_string(),
        message: message.to_string(),
    });
}

/// `^[...]*$`: the only regular-expression shape the schemas use (icon and status names).
struct CharClassPattern {
    ranges: Vec<(char, char)>,
}

impl CharClassPattern {
    fn parse(pattern: &str) -> Option<Self> {
        let class = pattern.strip_prefix("^[")?.strip_suffix("]*$")?;
        let mut chars = class.chars().peekable();
        let mut ranges = Vec::new();
        while let Some(c) = chars.next() {
            let start = if c == '\\' { chars.next()? } else { c };
            if chars.peek() == Some(&'-') {
                chars.next();
                match chars.next() {
                    Some(end) => ranges.push((start, end)),
                    None => {
                        ranges.push((start, start));
                        ranges.push(('-', '-'));
                    }
                }
            } else {
                ranges.push((start, start));
            }
        }
        Some(Self { ranges })
    }

    fn matches(&self, text: &str) -> bool {
        text.chars()
            .all(|c| self.ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_published_schemas_use_only_supported_keywords() {
        // An empty object trips every "required" rule but must not report unsupported keywords or refs.
        for schema in [SCHEMA_2021_09_15, SCHEMA_2023_10_19] {
            let all = validate(
                schema,
                &json!({"schema": {"objectSchema": {"objectTypes": [{"attributes": [{"typeValues": []}]}]}, "iconSchema": {"icons": [{"name": "x"}]}, "statusSchema": {"statuses": [{"name": "ok"}]}}, "mapping": {"objectTypeMappings": [{"attributesMapping": [{}]}]}}),
            );
            assert!(
                all.iter().all(|v| !v.message.contains("Unsupported")
                    && !v.message.contains("unsupported")
                    && !v.message.contains("$ref")),
                "{all:?}"
            );
        }
    }

    #[test]
    fn char_class_patterns() {
        let pattern = CharClassPattern::parse("^[a-zA-Z0-9 \\-]*$").expect("parses");
        assert!(pattern.matches("Laptop 2-x"));
        assert!(!pattern.matches("Laptop_2"));
    }

    #[test]
    fn status_type_values_need_status_type() {
        let doc = json!({"schema": {"objectSchema": {"name": "s", "description": "", "objectTypes": [
            {"externalId": "t", "name": "T", "description": "", "attributes": [
                {"externalId": "a", "name": "A", "description": "", "type": "text", "typeValues": ["x"]}]}]}},
            "mapping": {"objectTypeMappings": []}});
        let found = validate(schema_for(&doc), &doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].pointer,
            "/schema/objectSchema/objectTypes/0/attributes/0/type"
        );
    }
}
