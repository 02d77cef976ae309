//! Integer sums read from a SQL result row and added up group by group: one declaration
//! of the fields gives the struct, its row reader (each field from the column of its name)
//! and its addition, so a new sum is one field here and one column in the SQL.

macro_rules! integer_sums {
    ($(#[$meta:meta])* $name:ident($int:ty) { $($field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name {
            $(pub $field: $int,)+
        }

        impl $name {
            /// Reads each sum from the column of its name (NULL reads as 0).
            pub fn from_row(row: &duckdb::Row<'_>) -> duckdb::Result<$name> {
                Ok($name {
                    $($field: row
                        .get::<_, Option<$int>>(stringify!($field))?
                        .unwrap_or_default(),)+
                })
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
