//! The columns each export must have (data-contract.md) and the DuckDB types accepted
//! for them; any other type cannot be cast safely and fails the run.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Number,
    Integer,
    Boolean,
    Date,
    Timestamp,
}

impl ColumnKind {
    pub fn expected(self) -> &'static str {
        match self {
            ColumnKind::Text => "text (VARCHAR)",
            ColumnKind::Number => "a number (SMALLINT, INTEGER, DOUBLE, DECIMAL …)",
            ColumnKind::Integer => "a whole number (INTEGER, BIGINT …)",
            ColumnKind::Boolean => "BOOLEAN",
            ColumnKind::Date => "DATE",
            ColumnKind::Timestamp => "TIMESTAMP, TIMESTAMPTZ or text",
        }
    }

    /// Whether a DuckDB column type (as DESCRIBE prints it) can be read as this kind.
    pub fn accepts(self, duckdb_type: &str) -> bool {
        let integer = [
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
            "UHUGEINT",
        ];
        let base = duckdb_type.split('(').next().unwrap_or(duckdb_type).trim();
        match self {
            ColumnKind::Text => base == "VARCHAR" || base == "UUID" || integer.contains(&base),
            ColumnKind::Number => {
                integer.contains(&base) || ["FLOAT", "DOUBLE", "DECIMAL"].contains(&base)
            }
            ColumnKind::Integer => integer.contains(&base),
            ColumnKind::Boolean => base == "BOOLEAN",
            ColumnKind::Date => base == "DATE" || base.starts_with("TIMESTAMP"),
            ColumnKind::Timestamp => {
                base.starts_with("TIMESTAMP") || base == "VARCHAR" || base == "DATE"
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExportName {
    Sites,
    Teams,
    CustomerResponses,
    EmployeeResponses,
    Financials,
}

impl ExportName {
    pub const ALL: [ExportName; 5] = [
        ExportName::Sites,
        ExportName::Teams,
        ExportName::CustomerResponses,
        ExportName::EmployeeResponses,
        ExportName::Financials,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportName::Sites => "sites",
            ExportName::Teams => "teams",
            ExportName::CustomerResponses => "customer_responses",
            ExportName::EmployeeResponses => "employee_responses",
            ExportName::Financials => "financials",
        }
    }

    pub fn columns(self) -> &'static [(&'static str, ColumnKind)] {
        use ColumnKind::*;
        match self {
            ExportName::Sites => &[
                ("site_id", Text),
                ("site_name", Text),
                ("region", Text),
                ("country", Text),
                ("locale", Text),
                ("manager_id", Text),
                ("manager_name", Text),
                ("manager_email", Text),
                ("bonus_target", Number),
                ("active", Boolean),
            ],
            ExportName::Teams => &[
                ("team_id", Text),
                ("site_id", Text),
                ("team_name", Text),
                ("lead_name", Text),
                ("lead_email", Text),
                ("headcount", Integer),
            ],
            ExportName::CustomerResponses => &[
                ("response_id", Text),
                ("site_id", Text),
                ("team_id", Text),
                ("responded_at", Timestamp),
                ("touchpoint", Text),
                ("invited_by", Text),
                ("sat", Number),
                ("recommend", Number),
                ("repurchase", Number),
                ("conf1", Number),
                ("conf2", Number),
                ("integ1", Number),
                ("integ2", Number),
                ("pride1", Number),
                ("pride2", Number),
                ("pass1", Number),
                ("pass2", Number),
                ("ltr", Number),
                ("root_cause", Text),
                ("employee_praised", Text),
                ("comment", Text),
            ],
            ExportName::EmployeeResponses => &[
                ("response_id", Text),
                ("site_id", Text),
                ("team_id", Text),
                ("responded_at", Timestamp),
                ("e01", Number),
                ("e02", Number),
                ("e03", Number),
                ("e04", Number),
                ("e05", Number),
                ("e06", Number),
                ("e07", Number),
                ("e08", Number),
                ("e09", Number),
                ("e10", Number),
                ("e11", Number),
                ("e12", Number),
                ("amb1", Number),
                ("amb2", Number),
                ("amb3", Number),
            ],
            ExportName::Financials => &[
                ("site_id", Text),
                ("month", Date),
                ("revenue", Number),
                ("budget", Number),
                ("transactions", Integer),
                ("gross_margin", Number),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_castable_types_only() {
        assert!(ColumnKind::Number.accepts("SMALLINT"));
        assert!(ColumnKind::Number.accepts("DECIMAL(4,1)"));
        assert!(!ColumnKind::Number.accepts("VARCHAR"));
        assert!(ColumnKind::Timestamp.accepts("TIMESTAMP WITH TIME ZONE"));
        assert!(ColumnKind::Timestamp.accepts("VARCHAR"));
        assert!(!ColumnKind::Timestamp.accepts("BIGINT"));
        assert!(!ColumnKind::Boolean.accepts("VARCHAR"));
        assert!(!ColumnKind::Text.accepts("STRUCT(a INTEGER)"));
    }
}
