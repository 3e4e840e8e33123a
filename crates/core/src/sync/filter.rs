//! Data set filters in Graph's `$filter` syntax. Delta queries accept no general `$filter` (only ids),
//! so Entra Sync evaluates the admin's filter itself on every item it reads, with the same meaning
//! Graph gives it: `eq`, `ne`, `startswith(prop,'text')`, `and`, `or`, `not` and parentheses over
//! string, boolean and null literals. Anything else is refused when the settings are saved.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Eq(String, Literal),
    Ne(String, Literal),
    StartsWith(String, String),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Filter \"{filter}\" cannot be used: {problem}. Use Graph's syntax, e.g. accountEnabled eq true and startswith(department,'Sales')."
)]
pub struct FilterError {
    pub filter: String,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
}

fn tokens(input: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' | '\n' => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            ',' => {
                chars.next();
                out.push(Token::Comma);
            }
            '\'' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        // OData escapes a quote by doubling it.
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => text.push(c),
                        None => return Err("a quoted text is not closed".into()),
                    }
                }
                out.push(Token::Text(text));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == '.' || c == '-' => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == '.' || c == '-' {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Word(word));
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(out)
}

/// Longest filter accepted. Graph caps a request URL near 2,000 characters, so a longer filter could
/// never have been sent to Graph either; the bound also keeps the parsed tree small.
pub const FILTER_MAX_CHARS: usize = 2_000;

/// Deepest nesting of parentheses and `not` accepted. The parser recurses once per level, and the
/// wasm stack is small: unbounded nesting overflowed it and corrupted the module's memory.
pub const FILTER_MAX_DEPTH: usize = 32;

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.next();
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.next();
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    /// One level deeper; refused past [`FILTER_MAX_DEPTH`] before recursing any further.
    fn descend(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > FILTER_MAX_DEPTH {
            return Err(format!(
                "it nests parentheses or not more than {FILTER_MAX_DEPTH} levels deep; write it flatter"
            ));
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if self.keyword("not") {
            self.next();
            self.descend()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        match self.next() {
            Some(Token::Open) => {
                self.descend()?;
                let inner = self.or()?;
                self.depth -= 1;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("a '(' is not closed".into()),
                }
            }
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("startswith") => {
                let (
                    Some(Token::Open),
                    Some(Token::Word(property)),
                    Some(Token::Comma),
                    Some(Token::Text(text)),
                    Some(Token::Close),
                ) = (
                    self.next(),
                    self.next(),
                    self.next(),
                    self.next(),
                    self.next(),
                )
                else {
                    return Err("startswith takes (property,'text')".into());
                };
                Ok(Filter::StartsWith(property, text))
            }
            Some(Token::Word(property)) => {
                let operator = match self.next() {
                    Some(Token::Word(op)) => op.to_ascii_lowercase(),
                    _ => return Err(format!("\"{property}\" must be followed by eq or ne")),
                };
                let literal = match self.next() {
                    Some(Token::Text(text)) => Literal::Text(text),
                    Some(Token::Word(w)) if w == "true" => Literal::Bool(true),
                    Some(Token::Word(w)) if w == "false" => Literal::Bool(false),
                    Some(Token::Word(w)) if w == "null" => Literal::Null,
                    _ => {
                        return Err(format!(
                            "\"{property} {operator}\" needs a quoted text, true, false or null"
                        ));
                    }
                };
                match operator.as_str() {
                    "eq" => Ok(Filter::Eq(property, literal)),
                    "ne" => Ok(Filter::Ne(property, literal)),
                    other => Err(format!(
                        "operator \"{other}\" is not supported (eq, ne, startswith)"
                    )),
                }
            }
            _ => Err("expected a condition".into()),
        }
    }
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let error = |problem: String| FilterError {
            filter: crate::settings::shown(text),
            problem,
        };
        let length = text.chars().count();
        if length > FILTER_MAX_CHARS {
            return Err(error(format!(
                "it is {length} characters long, more than the {FILTER_MAX_CHARS} Graph accepts; shorten it"
            )));
        }
        let mut parser = Parser {
            tokens: tokens(text).map_err(error)?,
            at: 0,
            depth: 0,
        };
        let filter = parser.or().map_err(error)?;
        if parser.at < parser.tokens.len() {
            return Err(error("there is text after the end of the condition".into()));
        }
        Ok(filter)
    }

    /// Properties the filter reads; they must be in the data set's `$select`.
    pub fn properties(&self) -> Vec<&str> {
        match self {
            Filter::Eq(p, _) | Filter::Ne(p, _) | Filter::StartsWith(p, _) => vec![p.as_str()],
            Filter::And(a, b) | Filter::Or(a, b) => {
                let mut all = a.properties();
                all.extend(b.properties());
                all
            }
            Filter::Not(inner) => inner.properties(),
        }
    }

    /// Whether a Graph item passes. Text compares case-insensitively, as directory queries do.
    pub fn matches(&self, item: &Value) -> bool {
        match self {
            Filter::Eq(property, literal) => equals(item.get(property), literal),
            Filter::Ne(property, literal) => !equals(item.get(property), literal),
            Filter::StartsWith(property, prefix) => item
                .get(property)
                .and_then(Value::as_str)
                .is_some_and(|v| v.to_lowercase().starts_with(&prefix.to_lowercase())),
            Filter::And(a, b) => a.matches(item) && b.matches(item),
            Filter::Or(a, b) => a.matches(item) || b.matches(item),
            Filter::Not(inner) => !inner.matches(item),
        }
    }
}

fn equals(value: Option<&Value>, literal: &Literal) -> bool {
    match (value, literal) {
        (Some(Value::String(v)), Literal::Text(t)) => {
            v.eq_ignore_ascii_case(t) || v.to_lowercase() == t.to_lowercase()
        }
        (Some(Value::Bool(v)), Literal::Bool(b)) => v == b,
        (None | Some(Value::Null), Literal::Null) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn evaluates_graphs_forms() {
        let filter = Filter::parse("accountEnabled eq true and (startswith(department,'sal') or userType eq 'Guest') and not jobTitle eq null").expect("valid");
        assert!(
            filter.matches(
                &json!({"accountEnabled": true, "department": "Sales", "jobTitle": "Rep"})
            )
        );
        assert!(
            filter.matches(&json!({"accountEnabled": true, "userType": "guest", "jobTitle": "x"}))
        );
        assert!(
            !filter.matches(
                &json!({"accountEnabled": false, "department": "Sales", "jobTitle": "Rep"})
            )
        );
        assert!(
            !filter.matches(&json!({"accountEnabled": true, "department": "Sales"})),
            "jobTitle is null"
        );
        assert_eq!(
            filter.properties(),
            vec!["accountEnabled", "department", "userType", "jobTitle"]
        );
        assert!(
            Filter::parse("displayName eq 'O''Brien'")
                .expect("escaped quote")
                .matches(&json!({"displayName": "O'Brien"}))
        );
    }

    #[test]
    fn refuses_what_graph_would_not_accept_with_a_hint() {
        for bad in [
            "accountEnabled gt 3",
            "startswith(displayName)",
            "(a eq 'x'",
            "a eq 'x' b",
            "endswith(mail,'x')",
            "a eq 'open",
        ] {
            let error = Filter::parse(bad).expect_err(bad);
            assert!(error.to_string().contains("Graph's syntax"), "{error}");
        }
    }

    #[test]
    fn bounds_nesting_before_the_stack_does() {
        let nested = |depth: usize| {
            format!(
                "{}accountEnabled eq true{}",
                "(".repeat(depth),
                ")".repeat(depth)
            )
        };
        assert!(Filter::parse(&nested(FILTER_MAX_DEPTH)).is_ok());
        for deep in [nested(FILTER_MAX_DEPTH + 1), nested(900)] {
            let error = Filter::parse(&deep).expect_err("too deep");
            assert!(error.problem.contains("levels deep"), "{error}");
        }
        let nots = format!(
            "{}accountEnabled eq true",
            "not ".repeat(FILTER_MAX_DEPTH + 1)
        );
        assert!(Filter::parse(&nots).is_err(), "not counts as a level");
        let sibling = vec!["(a eq 'x')"; 100].join(" and ");
        assert!(Filter::parse(&sibling).is_ok(), "siblings are not depth");
    }

    #[test]
    fn bounds_length_and_quotes_only_the_start() {
        let long = format!("startswith(displayName,'{}')", "a".repeat(100 * 1024));
        let error = Filter::parse(&long).expect_err("too long");
        assert!(error.problem.contains("characters long"), "{error}");
        assert!(error.to_string().len() < 600, "the message stays readable");
    }
}
