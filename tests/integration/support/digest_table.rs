//! A digest table on moto, keyed as the function's DynamoDB digest store expects (and
//! template.yaml declares): string partition and sort keys.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use marketplace_catalog_notifier::aws::{DIGEST_PARTITION_KEY, DIGEST_SORT_KEY};

/// Creates `table` billed per request.
pub async fn create(dynamodb: &aws_sdk_dynamodb::Client, table: &str) {
    let string_key = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("attribute definition")
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("key schema")
    };
    dynamodb
        .create_table()
        .table_name(table)
        .attribute_definitions(string_key(DIGEST_PARTITION_KEY))
        .attribute_definitions(string_key(DIGEST_SORT_KEY))
        .key_schema(key(DIGEST_PARTITION_KEY, KeyType::Hash))
        .key_schema(key(DIGEST_SORT_KEY, KeyType::Range))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap_or_else(|error| panic!("CreateTable {table}: {error:?}"));
}
