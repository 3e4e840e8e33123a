//! The AQL subset the sim understands, for `POST object/aql` and for `objectMappingIQL` references:
//! `field op value` terms joined by `AND`/`OR` with parentheses, ops `=`, `==`, `!=`, `LIKE`
//! (case-insensitive substring) and `IN (a, b)`, and `<`, `>`, `<=`, `>=` on `Created` and `Updated`
//! with the values of [`super::aql_date`]. Fields: `objectType`, `objectTypeId`,
//! `objectSchema`, `objectSchemaId`, `objectId`, `externalId`, `Key` and `label`/`Name` (unless the
//! type has an attribute so named), else an attribute name. Text compares case-insensitively, as AQL
//! does. Anything else is a 400, so a client never gets a silently wrong result set.

use super::error::AssetsError;
use std::collections::{HashMap, HashSet};

use super::aql_date::DateValue;
use super::model::{AttrKind, Attribute, Object, Value};
use super::store::Store;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    And(Box<Query>, Box<Query>),
    Or(Box<Query>, Box<Query>),
    Term {
        field: String,
        op: Op,
        values: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    NotEq,
    Like,
    In,
    Lt,
    Gt,
    Le,
    Ge,
}

impl Op {
    fn compares(self) -> bool {
        matches!(self, Op::Lt | Op::Gt | Op::Le | Op::Ge)
    }

    /// `have op bound`.
    fn holds(self, have: i64, bound: i64) -> bool {
        match self {
            Op::Lt => have < bound,
            Op::Gt => have > bound,
            Op::Le => have <= bound,
            Op::Ge => have >= bound,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Open,
    Close,
    Comma,
    Eq,
    NotEq,
    Lt,
    Gt,
    Le,
    Ge,
}

pub fn parse(text: &str) -> Result<Query, AssetsError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let query = parser.or()?;
    if parser.at != parser.tokens.len() {
        return Err(bad(text, "unexpected trailing input"));
    }
    Ok(query)
}

fn bad(text: &str, why: &str) -> AssetsError {
    AssetsError::BadRequest(format!("Invalid AQL {text:?}: {why}"))
}

fn tokenize(text: &str) -> Result<Vec<Token>, AssetsError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            '=' => {
                chars.next();
                if chars.peek() == Some(&'=') {
                    chars.next();
                }
                out.push(Token::Eq);
            }
            '<' | '>' => {
                chars.next();
                let or_equal = chars.peek() == Some(&'=');
                if or_equal {
                    chars.next();
                }
                out.push(match (c, or_equal) {
                    ('<', false) => Token::Lt,
                    ('<', true) => Token::Le,
                    ('>', false) => Token::Gt,
                    _ => Token::Ge,
                });
            }
            '!' => {
                chars.next();
                if chars.next() != Some('=') {
                    return Err(bad(text, "'!' must start '!='"));
                }
                out.push(Token::NotEq);
            }
            '"' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => value.extend(chars.next()),
                        Some('"') => break,
                        Some(ch) => value.push(ch),
                        None => return Err(bad(text, "unterminated string")),
                    }
                }
                out.push(Token::Quoted(value));
            }
            _ => {
                let mut word = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || "()=!,\"<>".contains(ch) {
                        break;
                    }
                    word.push(ch);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn error(&self, why: &str) -> AssetsError {
        AssetsError::BadRequest(format!("Invalid AQL: {why} at token {}", self.at + 1))
    }

    fn or(&mut self) -> Result<Query, AssetsError> {
        let mut left = self.and()?;
        while self.peek_keyword("OR") {
            self.at += 1;
            left = Query::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Query, AssetsError> {
        let mut left = self.primary()?;
        while self.peek_keyword("AND") {
            self.at += 1;
            left = Query::And(Box::new(left), Box::new(self.primary()?));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Query, AssetsError> {
        if self.tokens.get(self.at) == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            return match self.next() {
                Some(Token::Close) => Ok(inner),
                _ => Err(self.error("missing ')'")),
            };
        }
        let field = match self.next() {
            Some(Token::Word(w) | Token::Quoted(w)) => w,
            _ => return Err(self.error("expected a field")),
        };
        let op = match self.next() {
            Some(Token::Eq) => Op::Eq,
            Some(Token::NotEq) => Op::NotEq,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("like") => Op::Like,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("in") => Op::In,
            Some(Token::Lt) => Op::Lt,
            Some(Token::Gt) => Op::Gt,
            Some(Token::Le) => Op::Le,
            Some(Token::Ge) => Op::Ge,
            _ => return Err(self.error("expected =, !=, <, >, <=, >=, LIKE or IN")),
        };
        if op.compares() {
            return self.comparison(field, op);
        }
        let values = if op == Op::In {
            if self.next() != Some(Token::Open) {
                return Err(self.error("IN needs '('"));
            }
            let mut values = Vec::new();
            loop {
                match self.next() {
                    Some(Token::Word(w) | Token::Quoted(w)) => values.push(w),
                    _ => return Err(self.error("expected a value")),
                }
                match self.next() {
                    Some(Token::Comma) => {}
                    Some(Token::Close) => break,
                    _ => return Err(self.error("expected ',' or ')'")),
                }
            }
            values
        } else {
            match self.next() {
                Some(Token::Word(w) | Token::Quoted(w)) => vec![w],
                _ => return Err(self.error("expected a value")),
            }
        };
        Ok(Query::Term { field, op, values })
    }
}

impl Parser {
    /// `Created > "2024-01-31"` or `Updated >= now(-1d)`: the simulator compares dates only.
    fn comparison(&mut self, field: String, op: Op) -> Result<Query, AssetsError> {
        if !is_date_field(&field) {
            return Err(self.error(&format!(
                "the simulator compares only Created and Updated with <, >, <= and >=, not {field:?}"
            )));
        }
        let value = match self.next() {
            Some(Token::Quoted(value)) => value,
            Some(Token::Word(name)) if self.tokens.get(self.at) == Some(&Token::Open) => {
                self.at += 1;
                let mut args = Vec::new();
                loop {
                    match self.next() {
                        Some(Token::Word(arg) | Token::Quoted(arg)) => args.push(arg),
                        Some(Token::Close) => break,
                        _ => return Err(self.error("expected ')' after the function's offset")),
                    }
                }
                format!("{name}({})", args.join(" "))
            }
            Some(Token::Word(value)) => value,
            _ => return Err(self.error("expected a date")),
        };
        if DateValue::parse(&value).is_none() {
            return Err(self.error(&format!(
                "{value:?} is not a date: use \"2024-01-31\", \"2024-01-31 10:00\" or now(-1d), startOfDay(), endOfDay()"
            )));
        }
        Ok(Query::Term {
            field,
            op,
            values: vec![value],
        })
    }
}

fn is_date_field(field: &str) -> bool {
    field.eq_ignore_ascii_case("created") || field.eq_ignore_ascii_case("updated")
}

/// An object's `created` or `updated` in Unix seconds.
fn object_date(object: &Object, field: &str) -> Option<i64> {
    let text = if field.eq_ignore_ascii_case("created") {
        &object.created
    } else {
        &object.updated
    };
    crate::time::parse_datetime(text).map(|secs| secs as i64)
}

/// The bound of a comparison term at the sim's now; `None` for other terms.
fn bound(store: &Store, op: Op, values: &[String]) -> Option<i64> {
    if !op.compares() {
        return None;
    }
    let value = DateValue::parse(values.first()?)?;
    Some(value.resolve(store.clock.now_unix()))
}

impl Query {
    pub fn matches(&self, store: &Store, object: &Object) -> bool {
        match self {
            Query::And(a, b) => a.matches(store, object) && b.matches(store, object),
            Query::Or(a, b) => a.matches(store, object) || b.matches(store, object),
            Query::Term { field, op, values } if op.compares() => bound(store, *op, values)
                .zip(object_date(object, field))
                .is_some_and(|(bound, have)| op.holds(have, bound)),
            Query::Term { field, op, values } => {
                let actual = field_values(store, object, field);
                let hit = |wanted: &String| {
                    actual.iter().any(|have| match op {
                        Op::Like => have.to_lowercase().contains(&wanted.to_lowercase()),
                        _ => have.eq_ignore_ascii_case(wanted),
                    })
                };
                match op {
                    Op::NotEq => !values.iter().any(hit),
                    _ => values.iter().any(hit),
                }
            }
        }
    }
}

impl Query {
    /// Ids of the matching objects, in id order. Like filtering with [`Query::matches`], but fit for
    /// a million objects (Assets answers AQL from indexes; a client retiring thousands of objects
    /// must not find the sim the bottleneck): attributes are looked up once per type, `=`/`IN`
    /// values are hashed, and when the query names its object type only objects of that type are
    /// tried.
    pub fn select(&self, store: &Store) -> Vec<u64> {
        let attributes: HashMap<u64, Vec<&Attribute>> = store
            .types
            .keys()
            .map(|t| (*t, store.attributes_of(*t)))
            .collect();
        let prepared = Prepared::of(self, store, &attributes);
        if let Some(mut ids) = self.indexed_candidates(store, &attributes) {
            ids.retain(|id| {
                store
                    .objects
                    .get(id)
                    .is_some_and(|o| prepared.matches(store, o))
            });
            ids.sort_unstable();
            ids.dedup();
            return ids;
        }
        let types = self.named_types(store);
        store
            .objects
            .values()
            .filter(|o| types.as_ref().is_none_or(|t| t.contains(&o.object_type_id)))
            .filter(|o| prepared.matches(store, o))
            .map(|o| o.id)
            .collect()
    }

    /// Candidates for `objectType = "T" AND "Text attribute" IN (…)` (either order), from the
    /// attribute's value index; `None` for any other query.
    fn indexed_candidates(
        &self,
        store: &Store,
        attributes: &HashMap<u64, Vec<&Attribute>>,
    ) -> Option<Vec<u64>> {
        let Query::And(a, b) = self else {
            return None;
        };
        let is_type = |q: &Query| matches!(q, Query::Term { field, op: Op::Eq | Op::In, .. } if field.eq_ignore_ascii_case("objectType"));
        let other = match (is_type(a), is_type(b)) {
            (true, false) => b.as_ref(),
            (false, true) => a.as_ref(),
            _ => return None,
        };
        let Query::Term {
            field,
            op: Op::Eq | Op::In,
            values,
        } = other
        else {
            return None;
        };
        let types = self.named_types(store)?;
        let [type_id] = types.iter().copied().collect::<Vec<_>>()[..] else {
            return None;
        };
        let attribute = attributes
            .get(&type_id)?
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(field))?;
        if matches!(attribute.kind, AttrKind::Reference { .. }) {
            return None;
        }
        let wanted: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
        Some(store.value_indexes.borrow_mut().lookup(
            store.objects.values(),
            type_id,
            attribute.id,
            wanted.iter(),
        ))
    }

    /// The object types an `objectType`/`objectTypeId` term ANDed at the top level allows.
    fn named_types(&self, store: &Store) -> Option<HashSet<u64>> {
        match self {
            Query::And(a, b) => a.named_types(store).or_else(|| b.named_types(store)),
            Query::Term {
                field,
                op: Op::Eq | Op::In,
                values,
            } => match field.to_ascii_lowercase().as_str() {
                "objecttype" => Some(
                    store
                        .types
                        .values()
                        .filter(|t| values.iter().any(|v| t.name.eq_ignore_ascii_case(v)))
                        .map(|t| t.id)
                        .collect(),
                ),
                "objecttypeid" => Some(values.iter().filter_map(|v| v.parse().ok()).collect()),
                _ => None,
            },
            _ => None,
        }
    }
}

enum Prepared<'q> {
    And(Box<Prepared<'q>>, Box<Prepared<'q>>),
    Or(Box<Prepared<'q>>, Box<Prepared<'q>>),
    Term {
        field: &'q str,
        op: Op,
        values: &'q [String],
        /// `=`/`IN`/`!=` values in ASCII lower case (AQL compares text case-insensitively).
        lowered: HashSet<String>,
        /// Per object type, the attribute the field names, if it names one of that type's.
        own: HashMap<u64, Option<&'q Attribute>>,
        /// For `objectType =`/`IN`/`!=`: the object types the names pick, decided once.
        types: Option<HashSet<u64>>,
    },
    /// `Created`/`Updated` against a bound resolved once per search.
    Compare {
        field: &'q str,
        op: Op,
        bound: Option<i64>,
    },
}

impl<'q> Prepared<'q> {
    fn of(query: &'q Query, store: &Store, attributes: &HashMap<u64, Vec<&'q Attribute>>) -> Self {
        match query {
            Query::And(a, b) => Prepared::And(
                Box::new(Self::of(a, store, attributes)),
                Box::new(Self::of(b, store, attributes)),
            ),
            Query::Or(a, b) => Prepared::Or(
                Box::new(Self::of(a, store, attributes)),
                Box::new(Self::of(b, store, attributes)),
            ),
            Query::Term { field, op, values } if op.compares() => Prepared::Compare {
                field,
                op: *op,
                bound: bound(store, *op, values),
            },
            Query::Term { field, op, values } => {
                let own: HashMap<u64, Option<&Attribute>> = attributes
                    .iter()
                    .map(|(t, list)| {
                        let own = list.iter().find(|a| a.name.eq_ignore_ascii_case(field));
                        (*t, own.copied())
                    })
                    .collect();
                // An attribute of that name would win over the built-in field.
                let builtin = own.values().all(Option::is_none);
                let types = (builtin
                    && field.eq_ignore_ascii_case("objectType")
                    && *op != Op::Like)
                    .then(|| {
                        store
                            .types
                            .values()
                            .filter(|t| values.iter().any(|v| t.name.eq_ignore_ascii_case(v)))
                            .map(|t| t.id)
                            .collect()
                    });
                Prepared::Term {
                    field,
                    op: *op,
                    values,
                    lowered: values.iter().map(|v| v.to_ascii_lowercase()).collect(),
                    own,
                    types,
                }
            }
        }
    }

    fn matches(&self, store: &Store, object: &Object) -> bool {
        match self {
            Prepared::And(a, b) => a.matches(store, object) && b.matches(store, object),
            Prepared::Or(a, b) => a.matches(store, object) || b.matches(store, object),
            Prepared::Compare { field, op, bound } => bound
                .zip(object_date(object, field))
                .is_some_and(|(bound, have)| op.holds(have, bound)),
            Prepared::Term {
                field,
                op,
                values,
                lowered,
                own,
                types,
            } => {
                if let Some(types) = types {
                    return types.contains(&object.object_type_id) != (*op == Op::NotEq);
                }
                let own = own.get(&object.object_type_id).copied().flatten();
                let listed = |have: &str| {
                    // Ids are lower case already: look them up without allocating.
                    if have.bytes().any(|b| b.is_ascii_uppercase()) {
                        lowered.contains(&have.to_ascii_lowercase())
                    } else {
                        lowered.contains(have)
                    }
                };
                match op {
                    Op::Like => values.iter().any(|wanted| {
                        let wanted = wanted.to_lowercase();
                        any_value(store, object, field, own, |have| {
                            have.to_lowercase().contains(&wanted)
                        })
                    }),
                    Op::NotEq => !any_value(store, object, field, own, listed),
                    Op::Eq | Op::In => any_value(store, object, field, own, listed),
                    Op::Lt | Op::Gt | Op::Le | Op::Ge => false,
                }
            }
        }
    }
}

/// Whether any string the field compares as passes `test`: [`field_values_of`] without building
/// the strings where they are stored as they compare (text attributes, the object type's name).
fn any_value(
    store: &Store,
    object: &Object,
    field: &str,
    attribute: Option<&Attribute>,
    test: impl Fn(&str) -> bool,
) -> bool {
    match attribute {
        Some(attribute) => object
            .values
            .get(&attribute.id)
            .into_iter()
            .flatten()
            .any(|value| match value {
                Value::Text(text) => test(text),
                Value::Ref(_) => field_values_of(store, object, field, Some(attribute))
                    .iter()
                    .any(|have| test(have)),
            }),
        None if field.eq_ignore_ascii_case("objectType") => store
            .types
            .get(&object.object_type_id)
            .is_some_and(|t| test(&t.name)),
        None => field_values_of(store, object, field, None)
            .iter()
            .any(|have| test(have)),
    }
}

/// The strings a field of `object` compares as; several for multi-value attributes, and for a
/// reference both the referenced object's label and its key.
fn field_values(store: &Store, object: &Object, field: &str) -> Vec<String> {
    let attribute = store
        .attributes_of(object.object_type_id)
        .into_iter()
        .find(|a| a.name.eq_ignore_ascii_case(field));
    field_values_of(store, object, field, attribute)
}

fn field_values_of(
    store: &Store,
    object: &Object,
    field: &str,
    attribute: Option<&Attribute>,
) -> Vec<String> {
    if let Some(attribute) = attribute {
        return object
            .values
            .get(&attribute.id)
            .into_iter()
            .flatten()
            .flat_map(|value| match value {
                Value::Text(text) => vec![text.clone()],
                Value::Ref(id) => store
                    .objects
                    .get(id)
                    .map(|o| vec![store.label(o), store.object_key(o), id.to_string()])
                    .unwrap_or_default(),
            })
            .collect();
    }
    let object_type = store.types.get(&object.object_type_id);
    let schema = store.schema_of_type(object.object_type_id);
    let one = |value: Option<String>| value.into_iter().collect();
    match field.to_ascii_lowercase().as_str() {
        "objecttype" => one(object_type.map(|t| t.name.clone())),
        "objecttypeid" => one(Some(object.object_type_id.to_string())),
        "objectschema" => one(schema.map(|s| s.name.clone())),
        "objectschemaid" => one(schema.map(|s| s.id.to_string())),
        "objectid" | "id" => one(Some(object.id.to_string())),
        "externalid" | "extid" => one(object.external_id.clone()),
        "key" | "objectkey" => one(Some(store.object_key(object))),
        "label" | "name" => one(Some(store.label(object))),
        "created" => one(Some(object.created.clone())),
        "updated" => one(Some(object.updated.clone())),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_clients_send() {
        let query = parse(r#"objectType = "Entra User" AND ("Object ID" = "a\"b" OR Key IN (ENTRA-1, "ENTRA-2"))"#)
            .expect("parses");
        let Query::And(left, right) = query else {
            panic!("AND expected");
        };
        assert_eq!(
            *left,
            Query::Term {
                field: "objectType".into(),
                op: Op::Eq,
                values: vec!["Entra User".into()]
            }
        );
        assert!(matches!(*right, Query::Or(_, _)));
        assert!(parse("objectType = ").is_err());
        assert!(parse("a = b c").is_err());
    }
}
