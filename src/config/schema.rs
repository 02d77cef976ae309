//! The JSON Schema of `config/xbrief.yaml`, derived from the config's types (so it cannot
//! drift from what the loader accepts): `xbrief schema` prints it for editors, and the
//! shape check (`keys.rs`) walks it.

use super::model::ConfigFile;
use serde_json::Value;

pub fn json_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<ConfigFile>();
    schema.insert("title".into(), "xbrief configuration".into());
    schema.into()
}
