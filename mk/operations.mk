# Operating the deployed stack from a workstation: deliver the events kept in a failure
# queue once the cause is fixed, and confirm e-mail subscriptions so that a forwarded
# notification's unsubscribe link cannot cut an address off. Both are Rust binaries of this
# crate (src/bin/), built with the dev profile; neither is part of the Lambda package.
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
	  echo "usage: make redrive QUEUE_URL=<DeliveryFailureQueueUrl or ProcessingFailureQueueUrl> FUNCTION_NAME=<the stack's NotifierFunction> [DRY_RUN=true]" >&2; \
	  exit 2; \
	fi
	cargo run --quiet --bin notifier-redrive -- --queue-url '$(QUEUE_URL)' --function-name '$(FUNCTION_NAME)' $(if $(filter true,$(DRY_RUN)),--dry-run)

confirm-subscription: ## Confirm an e-mail subscription so only AWS credentials can unsubscribe it: make confirm-subscription URL='<link>'
	@if [[ -z "$(URL)" ]]; then \
	  echo "usage: make confirm-subscription URL='<the confirmation link from the e-mail>'" >&2; \
	  exit 2; \
	fi
	cargo run --quiet --bin notifier-confirm-subscription -- '$(URL)'
