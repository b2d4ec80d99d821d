//! A delivery table on moto, keyed as the durable duplicate check's DynamoDB store expects
//! (and template.yaml declares). The durable-dedupe suite and `benches/durable_dedupe.rs`
//! both create theirs here; the bench includes this file by its path.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use marketplace_catalog_notifier::aws::KEY_ATTRIBUTE;

/// Creates `table` with the store's string partition key, billed per request.
pub async fn create(dynamodb: &aws_sdk_dynamodb::Client, table: &str) {
    dynamodb
        .create_table()
        .table_name(table)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(KEY_ATTRIBUTE)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute definition"),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(KEY_ATTRIBUTE)
                .key_type(KeyType::Hash)
                .build()
                .expect("key schema"),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap_or_else(|error| panic!("CreateTable {table}: {error:?}"));
}
