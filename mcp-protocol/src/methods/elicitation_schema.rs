//! The restricted JSON Schema of form-mode elicitation (client/elicitation §Requested
//! Schema): a flat object whose properties are primitives (`PrimitiveSchemaDefinition`).
//!
//! 2025-06-18 knows strings, numbers, booleans and the legacy enum (`enum` + `enumNames`);
//! 2025-11-25 added `default` everywhere, titled and untitled single- and multi-select enums
//! and `$schema`. Every schema struct carries its own `type`, so each encodes to valid JSON
//! Schema on its own; [`PrimitiveSchemaDefinition`] is decided by `type` and then by which
//! keys are present (`oneOf`, `enumNames`, `enum`, `items.anyOf`), never by trial.

use std::collections::BTreeMap;

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use crate::shape::Shape;
use crate::types::Extra;
use crate::version::ProtocolVersion;

macro_rules! type_tag {
    ($(#[$doc:meta])* $name:ident :: $variant:ident = $wire:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            #[doc = concat!("`\"", $wire, "\"`.")]
            #[default]
            #[serde(rename = $wire)]
            $variant,
        }
    };
}

type_tag!(
    /// `type: "object"`.
    ObjectType::Object = "object"
);
type_tag!(
    /// `type: "string"`.
    StringType::String = "string"
);
type_tag!(
    /// `type: "boolean"`.
    BooleanType::Boolean = "boolean"
);
type_tag!(
    /// `type: "array"`.
    ArrayType::Array = "array"
);

/// `type` of a number schema.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberType {
    /// Any number.
    #[default]
    Number,
    /// Whole numbers only.
    Integer,
}

crate::wire_struct! {
    /// The schema of the form a form-mode elicitation asks for (`requestedSchema`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct RequestedSchema {
        /// The JSON Schema dialect (2025-11-25 on).
        pub schema: Option<String> = "$schema" [optional],
        /// Always `"object"`.
        pub kind: ObjectType = "type",
        /// The form's fields.
        pub properties: BTreeMap<String, PrimitiveSchemaDefinition>,
        /// Names of the fields that must be filled.
        pub required: Option<Vec<String>> [optional],
    }
}

impl RequestedSchema {
    /// A form with no fields yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field, marking it required if `required`.
    pub fn with_field(
        mut self,
        name: impl Into<String>,
        schema: impl Into<PrimitiveSchemaDefinition>,
        required: bool,
    ) -> Self {
        let name = name.into();
        if required {
            self.required
                .get_or_insert_with(Vec::new)
                .push(name.clone());
        }
        self.properties.insert(name, schema.into());
        self
    }
}

impl RequestedSchema {
    /// Whether a field is a multi-select (2025-11-25 on; no earlier version has a form for
    /// it).
    pub fn has_multi_select(&self) -> bool {
        self.properties.values().any(|f| {
            matches!(
                f,
                PrimitiveSchemaDefinition::UntitledMultiSelect(_)
                    | PrimitiveSchemaDefinition::TitledMultiSelect(_)
            )
        })
    }
}

impl Shape for RequestedSchema {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_11_25 {
            self.schema = None;
        }
        for field in self.properties.values_mut() {
            field.shape(version);
        }
    }
}

/// One field of a form (`PrimitiveSchemaDefinition`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PrimitiveSchemaDefinition {
    /// `type: "string"` without `enum` / `oneOf`.
    String(StringSchema),
    /// `type: "number"` or `"integer"`.
    Number(NumberSchema),
    /// `type: "boolean"`.
    Boolean(BooleanSchema),
    /// `type: "string"` with `enum` (and no `enumNames`).
    UntitledSingleSelect(UntitledSingleSelectEnumSchema),
    /// `type: "string"` with `oneOf` of `{const, title}` (2025-11-25 on).
    TitledSingleSelect(TitledSingleSelectEnumSchema),
    /// `type: "array"` with `items.enum` (2025-11-25 on).
    UntitledMultiSelect(UntitledMultiSelectEnumSchema),
    /// `type: "array"` with `items.anyOf` (2025-11-25 on).
    TitledMultiSelect(TitledMultiSelectEnumSchema),
    /// `type: "string"` with `enum` and `enumNames` (the 2025-06-18 `EnumSchema`;
    /// deprecated since 2025-11-25).
    LegacyTitled(LegacyTitledEnumSchema),
}

impl<'de> Deserialize<'de> for PrimitiveSchemaDefinition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Value>::deserialize(d)?;
        let has = |k: &str| map.contains_key(k);
        let kind = map.get("type").and_then(Value::as_str).unwrap_or_default();
        let items_any_of = map
            .get("items")
            .and_then(Value::as_object)
            .is_some_and(|i| i.contains_key("anyOf"));
        let value = Value::Object(map.clone());
        let r = match kind {
            "string" if has("oneOf") => {
                TitledSingleSelectEnumSchema::deserialize(value).map(Self::TitledSingleSelect)
            }
            "string" if has("enum") && has("enumNames") => {
                LegacyTitledEnumSchema::deserialize(value).map(Self::LegacyTitled)
            }
            "string" if has("enum") => {
                UntitledSingleSelectEnumSchema::deserialize(value).map(Self::UntitledSingleSelect)
            }
            "string" => StringSchema::deserialize(value).map(Self::String),
            "number" | "integer" => NumberSchema::deserialize(value).map(Self::Number),
            "boolean" => BooleanSchema::deserialize(value).map(Self::Boolean),
            "array" if items_any_of => {
                TitledMultiSelectEnumSchema::deserialize(value).map(Self::TitledMultiSelect)
            }
            "array" => {
                UntitledMultiSelectEnumSchema::deserialize(value).map(Self::UntitledMultiSelect)
            }
            other => {
                return Err(D::Error::custom(format_args!(
                    "unsupported elicitation field type {other:?}: expected \"string\", \
                     \"number\", \"integer\", \"boolean\" or \"array\""
                )));
            }
        };
        r.map_err(D::Error::custom)
    }
}

impl Shape for PrimitiveSchemaDefinition {
    /// For 2025-06-18, drops `default` (which it does not know) and turns a titled
    /// single-select into the legacy `enum` + `enumNames` form, which says the same. Multi-select
    /// enums have no 2025-06-18 form and are left as they are.
    fn shape(&mut self, version: ProtocolVersion) {
        if version >= ProtocolVersion::V2025_11_25 {
            return;
        }
        match self {
            Self::String(s) => s.default = None,
            Self::Number(n) => n.default = None,
            Self::Boolean(_) | Self::UntitledMultiSelect(_) | Self::TitledMultiSelect(_) => {}
            Self::UntitledSingleSelect(e) => e.default = None,
            Self::LegacyTitled(e) => e.default = None,
            Self::TitledSingleSelect(t) => {
                let (values, names) = t
                    .one_of
                    .iter()
                    .map(|o| (o.value.clone(), o.title.clone()))
                    .unzip();
                *self = Self::LegacyTitled(LegacyTitledEnumSchema {
                    kind: StringType::String,
                    title: t.title.take(),
                    description: t.description.take(),
                    values,
                    enum_names: Some(names),
                    default: None,
                    extra: std::mem::take(&mut t.extra),
                });
            }
        }
    }
}

macro_rules! into_primitive {
    ($($variant:ident($ty:ident)),* $(,)?) => {
        $(impl From<$ty> for PrimitiveSchemaDefinition {
            fn from(s: $ty) -> Self {
                Self::$variant(s)
            }
        })*
    };
}

into_primitive!(
    String(StringSchema),
    Number(NumberSchema),
    Boolean(BooleanSchema),
    UntitledSingleSelect(UntitledSingleSelectEnumSchema),
    TitledSingleSelect(TitledSingleSelectEnumSchema),
    UntitledMultiSelect(UntitledMultiSelectEnumSchema),
    TitledMultiSelect(TitledMultiSelectEnumSchema),
    LegacyTitled(LegacyTitledEnumSchema),
);

/// The format of a string field (`format`). An open set: a newtype with constants.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StringFormat(pub String);

impl StringFormat {
    /// An e-mail address.
    pub const EMAIL: &'static str = "email";
    /// A URI.
    pub const URI: &'static str = "uri";
    /// A date (`YYYY-MM-DD`).
    pub const DATE: &'static str = "date";
    /// A date and time (RFC 3339).
    pub const DATE_TIME: &'static str = "date-time";
}

crate::wire_struct! {
    /// A text field (`StringSchema`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct StringSchema {
        /// `"string"`.
        pub kind: StringType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// Minimum length.
        pub min_length: Option<u64> = "minLength" [optional],
        /// Maximum length.
        pub max_length: Option<u64> = "maxLength" [optional],
        /// Format.
        pub format: Option<StringFormat> [optional],
        /// Pre-filled value (2025-11-25 on).
        pub default: Option<String> [optional],
    }
}

crate::wire_struct! {
    /// A number field (`NumberSchema`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct NumberSchema {
        /// `"number"` or `"integer"`.
        pub kind: NumberType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// Smallest allowed value. A JSON number, not `f64`, so that integer bounds of an
        /// `integer` field stay integers on the wire.
        pub minimum: Option<Number> [optional],
        /// Largest allowed value.
        pub maximum: Option<Number> [optional],
        /// Pre-filled value (2025-11-25 on).
        pub default: Option<Number> [optional],
    }
}

crate::wire_struct! {
    /// A yes/no field (`BooleanSchema`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct BooleanSchema {
        /// `"boolean"`.
        pub kind: BooleanType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// Pre-filled value.
        pub default: Option<bool> [optional],
    }
}

crate::wire_struct! {
    /// A single choice among plain values (`UntitledSingleSelectEnumSchema`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct UntitledSingleSelectEnumSchema {
        /// `"string"`.
        pub kind: StringType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// The allowed values (`enum`).
        pub values: Vec<String> = "enum",
        /// Pre-selected value (2025-11-25 on).
        pub default: Option<String> [optional],
    }
}

crate::wire_struct! {
    /// A value with a display title (`{ "const": …, "title": … }`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct TitledEnumOption {
        /// The value (`const`).
        pub value: String = "const",
        /// What the user sees.
        pub title: String,
    }
}

impl TitledEnumOption {
    /// An option `value` shown as `title`.
    pub fn new(value: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            title: title.into(),
            extra: Extra::new(),
        }
    }
}

crate::wire_struct! {
    /// A single choice among titled values (`TitledSingleSelectEnumSchema`, 2025-11-25 on).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct TitledSingleSelectEnumSchema {
        /// `"string"`.
        pub kind: StringType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// The options.
        pub one_of: Vec<TitledEnumOption> = "oneOf",
        /// Pre-selected value.
        pub default: Option<String> [optional],
    }
}

crate::wire_struct! {
    /// `items` of an untitled multi-select: `{ "type": "string", "enum": [...] }`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct UntitledEnumItems {
        /// `"string"`.
        pub kind: StringType = "type",
        /// The allowed values (`enum`).
        pub values: Vec<String> = "enum",
    }
}

crate::wire_struct! {
    /// `items` of a titled multi-select: `{ "anyOf": [{const, title}, ...] }`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct TitledEnumItems {
        /// The options.
        pub any_of: Vec<TitledEnumOption> = "anyOf",
    }
}

crate::wire_struct! {
    /// Several choices among plain values (`UntitledMultiSelectEnumSchema`, 2025-11-25 on).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct UntitledMultiSelectEnumSchema {
        /// `"array"`.
        pub kind: ArrayType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// Fewest selections.
        pub min_items: Option<u64> = "minItems" [optional],
        /// Most selections.
        pub max_items: Option<u64> = "maxItems" [optional],
        /// The options.
        pub items: UntitledEnumItems,
        /// Pre-selected values.
        pub default: Option<Vec<String>> [optional],
    }
}

crate::wire_struct! {
    /// Several choices among titled values (`TitledMultiSelectEnumSchema`, 2025-11-25 on).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct TitledMultiSelectEnumSchema {
        /// `"array"`.
        pub kind: ArrayType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// Fewest selections.
        pub min_items: Option<u64> = "minItems" [optional],
        /// Most selections.
        pub max_items: Option<u64> = "maxItems" [optional],
        /// The options.
        pub items: TitledEnumItems,
        /// Pre-selected values.
        pub default: Option<Vec<String>> [optional],
    }
}

crate::wire_struct! {
    /// A single choice with display names in a parallel array (`LegacyTitledEnumSchema`; the
    /// `EnumSchema` of 2025-06-18). `enumNames` is not standard JSON Schema, hence deprecated.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct LegacyTitledEnumSchema {
        /// `"string"`.
        pub kind: StringType = "type",
        /// Label.
        pub title: Option<String> [optional],
        /// Help text.
        pub description: Option<String> [optional],
        /// The allowed values (`enum`).
        pub values: Vec<String> = "enum",
        /// Display names, parallel to `values`.
        pub enum_names: Option<Vec<String>> = "enumNames" [optional],
        /// Pre-selected value (2025-11-25 on).
        pub default: Option<String> [optional],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(v: Value) -> PrimitiveSchemaDefinition {
        let s: PrimitiveSchemaDefinition = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&s).unwrap(), v, "round trip");
        s
    }

    #[test]
    fn every_kind_decodes_to_its_variant_and_round_trips() {
        use PrimitiveSchemaDefinition as P;
        let opts = json!([{"const": "#F00", "title": "Red"}]);
        assert!(matches!(
            decode(json!({"type": "string", "format": "email", "default": "a@b", "x": 1})),
            P::String(_)
        ));
        assert!(
            matches!(decode(json!({"type": "integer", "minimum": 0, "maximum": 1.5, "default": 5})), P::Number(n) if n.kind == NumberType::Integer)
        );
        assert!(matches!(
            decode(json!({"type": "boolean", "default": false})),
            P::Boolean(_)
        ));
        assert!(matches!(
            decode(json!({"type": "string", "enum": ["a"], "default": "a"})),
            P::UntitledSingleSelect(_)
        ));
        assert!(matches!(
            decode(json!({"type": "string", "oneOf": opts})),
            P::TitledSingleSelect(_)
        ));
        assert!(matches!(
            decode(json!({"type": "string", "enum": ["a"], "enumNames": ["A"]})),
            P::LegacyTitled(_)
        ));
        assert!(matches!(
            decode(
                json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": ["a"]}, "default": ["a"]})
            ),
            P::UntitledMultiSelect(_)
        ));
        assert!(matches!(
            decode(json!({"type": "array", "items": {"anyOf": opts}})),
            P::TitledMultiSelect(_)
        ));
    }

    #[test]
    fn unsupported_type_is_a_clear_error() {
        let err = serde_json::from_value::<PrimitiveSchemaDefinition>(json!({"type": "object"}))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("unsupported elicitation field type \"object\""),
            "{err}"
        );
    }

    #[test]
    fn shape_for_2025_06_18_drops_defaults_and_legacies_titled_enums() {
        let schema = RequestedSchema::new()
            .with_field(
                "name",
                StringSchema {
                    default: Some("x".into()),
                    ..Default::default()
                },
                true,
            )
            .with_field(
                "color",
                TitledSingleSelectEnumSchema {
                    title: Some("Color".into()),
                    one_of: vec![TitledEnumOption::new("#F00", "Red")],
                    default: Some("#F00".into()),
                    ..Default::default()
                },
                false,
            );
        let mut with_dialect = schema.clone();
        with_dialect.schema = Some("https://json-schema.org/draft/2020-12/schema".into());
        assert_eq!(
            serde_json::to_value(with_dialect.shaped(ProtocolVersion::V2025_06_18)).unwrap(),
            json!({"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "color": {"type": "string", "title": "Color", "enum": ["#F00"], "enumNames": ["Red"]}
            }})
        );
        let new = schema.clone().shaped(ProtocolVersion::V2025_11_25);
        assert_eq!(new, schema);
    }
}
