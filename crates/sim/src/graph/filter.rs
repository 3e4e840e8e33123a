//! The `$filter` forms the app offers admins: `<property> eq <true|false|'text'>` and
//! `startswith(<property>,'text')`, on the properties each schema allows. Anything else is refused the
//! way the directory refuses queries it cannot serve, so the app learns to offer only what works.

use serde_json::Value;

use super::error::GraphError;
use super::schema::{Prop, Schema, unknown_property};
use crate::tenant::Tenant;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Literal {
    Bool(bool),
    Text(String),
}

pub struct Filter<T: 'static> {
    prop: &'static Prop<T>,
    test: Test,
}

enum Test {
    Eq(Literal),
    StartsWith(String),
}

impl<T> Filter<T> {
    pub fn parse(expr: &str, schema: &Schema<T>) -> Result<Self, GraphError> {
        let expr = expr.trim();
        let lower = expr.to_ascii_lowercase();
        if lower.starts_with("startswith(") && expr.ends_with(')') {
            let inner = &expr["startswith(".len()..expr.len() - 1];
            let (name, literal) = inner.split_once(',').ok_or_else(unsupported)?;
            let prop = lookup(schema, name.trim(), schema.filter_startswith)?;
            let Literal::Text(prefix) = literal_of(literal.trim())? else {
                return Err(unsupported());
            };
            return Ok(Self {
                prop,
                test: Test::StartsWith(prefix.to_lowercase()),
            });
        }
        let mut parts = expr.splitn(3, char::is_whitespace);
        let (Some(name), Some(op), Some(literal)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(unsupported());
        };
        if !op.eq_ignore_ascii_case("eq") {
            return Err(unsupported());
        }
        let prop = lookup(schema, name, schema.filter_eq)?;
        Ok(Self {
            prop,
            test: Test::Eq(literal_of(literal.trim())?),
        })
    }

    pub fn matches(&self, tenant: &Tenant, item: &T) -> bool {
        let value = (self.prop.get)(tenant, item);
        match (&self.test, &value) {
            (Test::Eq(Literal::Bool(b)), Value::Bool(v)) => b == v,
            // Directory string comparisons ignore case.
            (Test::Eq(Literal::Text(t)), Value::String(v)) => t.to_lowercase() == v.to_lowercase(),
            (Test::StartsWith(prefix), Value::String(v)) => v.to_lowercase().starts_with(prefix),
            _ => false,
        }
    }
}

fn lookup<T>(
    schema: &Schema<T>,
    name: &str,
    allowed: &[&str],
) -> Result<&'static Prop<T>, GraphError> {
    let prop = schema
        .prop(name)
        .ok_or_else(|| unknown_property(name, schema.type_name))?;
    if allowed.contains(&prop.name) {
        Ok(prop)
    } else {
        let resource = schema.type_name.rsplit('.').next().unwrap_or_default();
        let mut chars = resource.chars();
        let resource: String = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .chain(chars)
            .collect();
        Err(GraphError::UnsupportedQuery(format!(
            "Unsupported or invalid query filter clause specified for property '{}' of resource '{resource}'.",
            prop.name
        )))
    }
}

fn literal_of(text: &str) -> Result<Literal, GraphError> {
    if text.eq_ignore_ascii_case("true") {
        return Ok(Literal::Bool(true));
    }
    if text.eq_ignore_ascii_case("false") {
        return Ok(Literal::Bool(false));
    }
    let quoted = text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'');
    if !quoted {
        return Err(unsupported());
    }
    let inner = &text[1..text.len() - 1];
    // OData doubles a quote inside a string; a lone one means the literal ended early.
    if inner.replace("''", "").contains('\'') {
        return Err(unsupported());
    }
    Ok(Literal::Text(inner.replace("''", "'")))
}

fn unsupported() -> GraphError {
    GraphError::UnsupportedQuery("Unsupported Query.".to_string())
}
