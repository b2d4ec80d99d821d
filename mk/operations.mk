# Operating the deployed stack from a workstation: deliver the events kept in a failure
# queue once the cause is fixed, confirm e-mail subscriptions so that a forwarded
# notification's unsubscribe link cannot cut an address off, and read or close the open
# items. All are Rust binaries of this crate (src/bin/), built with the dev profile; none is
# part of the Lambda package.
#
# `make redrive` hands every event in a failure queue to the deployed function (Lambda
# Invoke), so the function's own topics, chat channel and delivery table apply; AWS
# credentials and region come from the environment (docs/operations.md "Redrive").

QUEUE_URL ?=
DRY_RUN ?=
URL ?=

.PHONY: redrive confirm-subscription

redrive: ## Hand the events kept in a failure queue back to the function: make redrive QUEUE_URL=<url> FUNCTION_NAME=<name> [DRY_RUN=true]
	@if [[ -z "$(QUEUE_URL)" || -z "$(FUNCTION_NAME)" ]]; then \
	  echo "usage: make redrive QUEUE_URL=<DeliveryFailureQueueUrl or ProcessingFailureQueueUrl> FUNCTION_NAME=<the stack's NotifierFunctionArn, or the function's name> [DRY_RUN=true]" >&2; \
	  exit 2; \
	fi
	cargo run --quiet $(DEV_FEATURES) --bin notifier-redrive -- --queue-url '$(QUEUE_URL)' --function-name '$(FUNCTION_NAME)' $(if $(filter true,$(DRY_RUN)),--dry-run)

confirm-subscription: ## Confirm an e-mail subscription so only AWS credentials can unsubscribe it: make confirm-subscription URL='<link>'
	@if [[ -z "$(URL)" ]]; then \
	  echo "usage: make confirm-subscription URL='<the confirmation link from the e-mail>'" >&2; \
	  exit 2; \
	fi
	cargo run --quiet $(DEV_FEATURES) --bin notifier-confirm-subscription -- '$(URL)'

# `make open-items` prints the ledger of open items the function keeps in its digest table
# (DIGEST_TABLE_NAME, the stack's DigestTable; FUNCTION_NAME, the deployed function, whose
# name qualifies its items); `make close-item` closes one by hand (docs/routes.md "Open items").

ACCOUNT ?=
KIND ?=
ID ?=
DIGEST_TABLE_NAME ?=

.PHONY: open-items close-item

open-items: ## Print the open items (cancellation requests, agreements ending, ...): make open-items DIGEST_TABLE_NAME=<table> FUNCTION_NAME=<name> [ACCOUNT=<id>] [KIND=<kind>]
	@if [[ -z "$(DIGEST_TABLE_NAME)" || -z "$(FUNCTION_NAME)" ]]; then \
	  echo "usage: make open-items DIGEST_TABLE_NAME=<the stack's DigestTable> FUNCTION_NAME=<the stack's NotifierFunctionArn, or the function's name> [ACCOUNT=<account id>] [KIND=cancellation-request|agreement-ending|security-report|aws-referral|paused-disbursement]" >&2; \
	  exit 2; \
	fi
	DIGEST_TABLE_NAME='$(DIGEST_TABLE_NAME)' FUNCTION_NAME='$(FUNCTION_NAME)' cargo run --quiet $(DEV_FEATURES) --bin notifier-open-items -- $(if $(ACCOUNT),--account '$(ACCOUNT)') $(if $(KIND),--kind '$(KIND)')

close-item: ## Close one open item by hand (a paused disbursement fixed): make close-item ID=<kind>#<key> DIGEST_TABLE_NAME=<table> FUNCTION_NAME=<name>
	@if [[ -z "$(ID)" || -z "$(DIGEST_TABLE_NAME)" || -z "$(FUNCTION_NAME)" ]]; then \
	  echo "usage: make close-item ID=<kind>#<key, as make open-items prints it> DIGEST_TABLE_NAME=<the stack's DigestTable> FUNCTION_NAME=<the stack's NotifierFunctionArn, or the function's name>" >&2; \
	  exit 2; \
	fi
	DIGEST_TABLE_NAME='$(DIGEST_TABLE_NAME)' FUNCTION_NAME='$(FUNCTION_NAME)' cargo run --quiet $(DEV_FEATURES) --bin notifier-open-items -- --close '$(ID)'
