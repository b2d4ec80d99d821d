# Operating the deployed stack from a workstation: deliver the events kept in a failure
# queue once the cause is fixed, and confirm e-mail subscriptions so that a forwarded
# notification's unsubscribe link cannot cut an address off. Both are Rust binaries of this
# crate (src/bin/), built with the dev profile; neither is part of the Lambda package.
#
# `make redrive` reads the topic variables (OFFERS_TOPIC_ARN, ...) from the environment, as
# the function does: export them from the stack's outputs first (README "Redrive").

QUEUE_URL ?=
DRY_RUN ?=
URL ?=

.PHONY: redrive confirm-subscription

redrive: ## Deliver the events kept in a failure queue: make redrive QUEUE_URL=<url> [DRY_RUN=true]
	@if [[ -z "$(QUEUE_URL)" ]]; then \
	  echo "usage: make redrive QUEUE_URL=<DeliveryFailureQueueUrl or ProcessingFailureQueueUrl> [DRY_RUN=true]" >&2; \
	  exit 2; \
	fi
	cargo run --quiet --bin notifier-redrive -- --queue-url '$(QUEUE_URL)' $(if $(filter true,$(DRY_RUN)),--dry-run)

confirm-subscription: ## Confirm an e-mail subscription so only AWS credentials can unsubscribe it: make confirm-subscription URL='<link>'
	@if [[ -z "$(URL)" ]]; then \
	  echo "usage: make confirm-subscription URL='<the confirmation link from the e-mail>'" >&2; \
	  exit 2; \
	fi
	cargo run --quiet --bin notifier-confirm-subscription -- '$(URL)'
