//! Integer sums read from a SQL result row and added up group by group: one declaration
//! of the fields gives the struct, its row reader (columns in field order) and its addition.

macro_rules! integer_sums {
    ($(#[$meta:meta])* $name:ident($int:ty) { $($field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name {
            $(pub $field: $int,)+
        }

        impl $name {
            /// Reads the sums from consecutive columns starting at `first` (NULL reads as 0).
            pub fn from_row(row: &duckdb::Row<'_>, first: usize) -> duckdb::Result<$name> {
                let mut column = first;
                let mut next = || -> duckdb::Result<$int> {
                    column += 1;
                    Ok(row.get::<_, Option<$int>>(column - 1)?.unwrap_or_default())
                };
                Ok($name { $($field: next()?,)+ })
            }

            pub fn add(&mut self, other: &$name) {
                $(self.$field += other.$field;)+
            }

            pub fn sum<'a>(parts: impl IntoIterator<Item = &'a $name>) -> $name {
                let mut total = $name::default();
                for part in parts {
                    total.add(part);
                }
                total
            }
        }
    };
}

pub(crate) use integer_sums;
