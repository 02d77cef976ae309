//! The values the state store's statements bind and return, the same for SQLite and
//! PostgreSQL: text, integers, reals and NULL (booleans come back as integers).

use super::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Text(s.clone())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::Int(i.into())
    }
}

impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::Int(i as i64)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// One row of a result.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// Column `index` as `T`: a NULL or a value of another type is an error naming both.
    pub fn get<T: FromValue>(&self, index: usize) -> Result<T, StoreError> {
        let value = self.0.get(index).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| StoreError::Column {
            index,
            expected: T::NAME,
            found: format!("{value:?}"),
        })
    }
}

/// A Rust type a column converts to.
pub trait FromValue: Sized {
    const NAME: &'static str;
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for String {
    const NAME: &'static str = "text";
    fn from_value(value: &Value) -> Option<String> {
        match value {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl FromValue for i64 {
    const NAME: &'static str = "an integer";
    fn from_value(value: &Value) -> Option<i64> {
        match value {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl FromValue for u32 {
    const NAME: &'static str = "a count";
    fn from_value(value: &Value) -> Option<u32> {
        i64::from_value(value).and_then(|i| u32::try_from(i).ok())
    }
}

impl FromValue for u64 {
    const NAME: &'static str = "a count";
    fn from_value(value: &Value) -> Option<u64> {
        i64::from_value(value).and_then(|i| u64::try_from(i).ok())
    }
}

impl FromValue for bool {
    const NAME: &'static str = "a boolean";
    fn from_value(value: &Value) -> Option<bool> {
        i64::from_value(value).map(|i| i != 0)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const NAME: &'static str = T::NAME;
    fn from_value(value: &Value) -> Option<Option<T>> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_is_none_and_a_wrong_type_names_the_column() {
        let row = Row(vec![Value::Null, Value::Text("x".into())]);
        assert_eq!(row.get::<Option<String>>(0).unwrap(), None);
        let error = row.get::<i64>(1).unwrap_err().to_string();
        assert_eq!(error, "column 1: expected an integer, found Text(\"x\")");
    }
}
