"""The notifier's job for `Offer Released`, written as a typical Python Lambda would be.

This is the comparison point for the Rust function in `make bench`: Powertools' parser
validates the EventBridge envelope and a pydantic model validates the detail, a boto3 SNS
client created at import time publishes one notification with message attributes. It runs
under awslambdaric (`python -m awslambdaric notifier_peer.handler`), the runtime interface
client of Lambda's Python container images, and is used nowhere else.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import envelopes, parse
from pydantic import BaseModel, ConfigDict, Field

logger = Logger(service="marketplace-catalog-notifier-peer")

# Created once per execution environment, as AWS recommends: reused by warm invocations.
sns = boto3.client("sns")
OFFERS_TOPIC_ARN = os.environ["OFFERS_TOPIC_ARN"]

# SNS rejects a subject of 100 characters or more.
MAX_SUBJECT_CHARS = 99
MAX_LISTED_BUYERS = 25


class Party(BaseModel):
    """A seller account named in the event."""

    model_config = ConfigDict(populate_by_name=True)

    account_id: str = Field(alias="accountId")
    name: str | None = None


class Offer(BaseModel):
    """The released offer."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    arn: str | None = None
    name: str | None = None
    expiration_date: datetime | None = Field(default=None, alias="expirationDate")


class Product(BaseModel):
    """The product the offer is for."""

    id: str
    arn: str | None = None
    title: str | None = None


class OfferReleased(BaseModel):
    """The `detail` of an `Offer Released` event."""

    model_config = ConfigDict(populate_by_name=True)

    request_id: str | None = Field(default=None, alias="requestId")
    catalog: str | None = None
    offer: Offer
    product: Product
    manufacturer: Party
    seller_of_record: Party = Field(alias="sellerOfRecord")
    targeted_buyer_account_ids: list[str] = Field(
        default_factory=list, alias="targetedBuyerAccountIds"
    )


def one_line(text: str | None) -> str:
    """Collapse whitespace and control characters so seller text fits on one line."""
    if not text:
        return ""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def label(name: str | None, ident: str) -> str:
    """Show a thing as `"Name" (id)`, or just its id when it has no name."""
    name = one_line(name)
    return f'"{name}" ({ident})' if name else ident


def party(who: Party) -> str:
    """Show an account as `Name (account id)`."""
    return f"{one_line(who.name) or 'name not given'} ({who.account_id})"


def release_case(detail: OfferReleased, account: str | None) -> str:
    """Say who released the offer, seen from the account that received the event."""
    manufacturer = detail.manufacturer.account_id
    seller = detail.seller_of_record.account_id
    if account == manufacturer and account == seller:
        return "own_offer"
    if account == manufacturer:
        return "channel_partner_offer_for_your_product"
    if account == seller:
        return "your_offer_as_channel_partner"
    return "other_party"


def render(detail: OfferReleased, event: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """Build the subject, the plain-text body and the message attributes."""
    case = release_case(detail, event.get("account"))
    offer = label(detail.offer.name, detail.offer.id)
    product = label(detail.product.title, detail.product.id)
    subject = one_line(f"Offer released: {offer}")
    if len(subject) > MAX_SUBJECT_CHARS:
        subject = subject[: MAX_SUBJECT_CHARS - 3].rstrip() + "..."
    buyers = detail.targeted_buyer_account_ids
    listed = ", ".join(buyers[:MAX_LISTED_BUYERS])
    if len(buyers) > MAX_LISTED_BUYERS:
        listed += f" ... and {len(buyers) - MAX_LISTED_BUYERS} more"
    expires = detail.offer.expiration_date
    lines = [
        f"The offer {offer} for the product {product} was released ({case}).",
        "",
        "Offer",
        f"  Name:     {one_line(detail.offer.name) or '(not given)'}",
        f"  ID:       {detail.offer.id}",
        f"  Expires:  {expires.strftime('%Y-%m-%d %H:%M:%S UTC') if expires else '(not given)'}",
        "",
        "Parties",
        f"  Seller:       {party(detail.seller_of_record)}",
        f"  Manufacturer: {party(detail.manufacturer)}",
        "",
        "Targeted buyers",
        f"  {len(buyers)} account(s): {listed or 'none listed'}",
        "",
        "Event",
        f"  Event ID: {event.get('id')}",
        f"  Time:     {event.get('time')}",
        f"  Request:  {detail.request_id or '(not given)'}",
    ]
    attributes = {
        "severity": "info",
        "detail_type": event.get("detail-type", ""),
        "event_id": event.get("id", ""),
        "offer_id": detail.offer.id,
        "product_id": detail.product.id,
        "release_case": case,
    }
    return subject, "\n".join(lines) + "\n", {k: v for k, v in attributes.items() if v}


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Validate an `Offer Released` event, render it and publish it to the offers topic."""
    detail: OfferReleased = parse(
        event=event, model=OfferReleased, envelope=envelopes.EventBridgeEnvelope
    )
    subject, body, attributes = render(detail, event)
    response = sns.publish(
        TopicArn=OFFERS_TOPIC_ARN,
        Subject=subject,
        Message=body,
        MessageAttributes={
            name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()
        },
    )
    logger.info("published notification", extra={"message_id": response["MessageId"]})
    return {
        "status": "published",
        "detailType": event.get("detail-type", ""),
        "eventId": event.get("id", ""),
        "topicArn": OFFERS_TOPIC_ARN,
        "messageId": response["MessageId"],
    }
