# SAM and cargo-lambda: build, deploy and delete the stack, and the offline checks
# `make check` runs (lint-template, lambda-build-x86). Included by the Makefile, which defines PYTHON, VENV,
# VENV_BIN and the `venv` target (.venv: cargo-lambda, zig, cfn-lint, moto).

VENV_SAM := .venv-sam
VENV_SAM_STAMP := $(VENV_SAM)/.requirements-installed
SAM := $(CURDIR)/$(VENV_SAM)/bin/sam
# AWS Marketplace publishes catalog events only in us-east-1.
DEPLOY_REGION := us-east-1
BINARY := marketplace-catalog-notifier
# SAM CLI expands template.yaml's AWS::LanguageExtensions (Fn::ForEach) itself only when
# asked: without it `sam build` and `sam deploy` stop at the loops ('list' object has no
# attribute 'get'). The deployed template keeps the loops; CloudFormation expands them.
SAM_LANGUAGE_EXTENSIONS := SAM_CLI_ENABLE_LANGUAGE_EXTENSIONS=1
# cargo-lambda and zig come from .venv; SAM CLI must not try to send telemetry.
WITH_TOOLS := PATH="$(VENV_BIN):$$PATH" SAM_CLI_TELEMETRY=0 $(SAM_LANGUAGE_EXTENSIONS)
# The x86_64 check build gets its own directory so it never replaces the arm64
# bootstrap that `make lambda-deploy` uploads (both default to target/lambda/).
X86_LAMBDA_DIR := target/lambda-x86_64
# The x86_64 check build compiles in a target directory of its own: cargo locks its build
# directory for the whole of a build, and a release build shares nothing with the dev
# profile's, so CI builds the bootstrap while the tests compile and run instead of after
# them. bench/bench.sh builds through this target too, so it measures the bootstrap built here.
LAMBDA_TARGET_DIR := $(CURDIR)/target/lambda-build

# `make lambda-deploy` settings (make variables or exported environment variables).
FUNCTION_NAME ?= $(BINARY)
OFFERS_TOPIC_ARN ?=
CHANGE_SETS_TOPIC_ARN ?=
SECURITY_TOPIC_ARN ?=
OTHER_EVENTS_TOPIC_ARN ?=
AGREEMENTS_TOPIC_ARN ?=
CHAT_TOPIC_ARN ?=
IAM_ROLE ?=
# Extra `cargo lambda deploy` flags, e.g. --dry to package and print without deploying.
CARGO_LAMBDA_DEPLOY_FLAGS ?=

.PHONY: venv-sam build deploy delete lambda-build lambda-deploy lint-template lambda-build-x86

venv-sam: $(VENV_SAM_STAMP) ## Create .venv-sam with the pinned AWS SAM CLI (apart from .venv: its boto3 pin clashes with moto's)

$(VENV_SAM_STAMP): requirements/sam.txt
	$(call make-venv,$(VENV_SAM),requirements/sam.txt)
	touch $@

build: venv venv-sam ## Build the arm64 function with `sam build` (cargo-lambda) into .aws-sam/
	$(WITH_TOOLS) $(SAM) build

# The first deploy is guided and saves its answers in samconfig.toml's
# [default.deploy.parameters]; later deploys reuse them.
deploy: build ## Deploy the stack to us-east-1 (`sam deploy --guided` the first time)
	@if grep -qs '^\[default\.deploy\.parameters\]' samconfig.toml; then \
	  echo "$(SAM) deploy"; \
	  $(WITH_TOOLS) $(SAM) deploy; \
	else \
	  echo "$(SAM) deploy --guided (first deploy: answers are saved in samconfig.toml)"; \
	  $(WITH_TOOLS) $(SAM) deploy --guided --region $(DEPLOY_REGION); \
	fi

delete: venv-sam ## Delete the deployed stack (topics, queues and their messages too) with `sam delete`
	$(WITH_TOOLS) $(SAM) delete

# --bin: the crate also has operator commands (notifier-redrive, ...) that are not shipped.
lambda-build: venv ## Build the arm64 bootstrap with cargo-lambda alone (target/lambda/marketplace-catalog-notifier/)
	$(WITH_TOOLS) cargo lambda build --release --arm64 --bin $(BINARY)

lambda-deploy: venv ## Deploy only the function with cargo-lambda (set the *_TOPIC_ARN variables; see README "Deploy")
	@for setting in "OFFERS_TOPIC_ARN=$(OFFERS_TOPIC_ARN)" "CHANGE_SETS_TOPIC_ARN=$(CHANGE_SETS_TOPIC_ARN)" \
	  "SECURITY_TOPIC_ARN=$(SECURITY_TOPIC_ARN)"; do \
	  if [[ -z "$${setting#*=}" ]]; then \
	    echo "lambda-deploy: $${setting%%=*} is not set. Usage:" >&2; \
	    echo "  make lambda-deploy OFFERS_TOPIC_ARN=arn:aws:sns:$(DEPLOY_REGION):<account>:<topic> \\" >&2; \
	    echo "    CHANGE_SETS_TOPIC_ARN=... SECURITY_TOPIC_ARN=... [OTHER_EVENTS_TOPIC_ARN=...] \\" >&2; \
	    echo "    [AGREEMENTS_TOPIC_ARN=...] [CHAT_TOPIC_ARN=...] [IAM_ROLE=<role ARN>]" >&2; \
	    exit 2; \
	  fi; \
	done
	@$(MAKE) --no-print-directory lambda-build
	$(WITH_TOOLS) cargo lambda deploy \
	  --region $(DEPLOY_REGION) \
	  --memory 128 \
	  --timeout 30 \
	  --env-var OFFERS_TOPIC_ARN=$(OFFERS_TOPIC_ARN) \
	  --env-var CHANGE_SETS_TOPIC_ARN=$(CHANGE_SETS_TOPIC_ARN) \
	  --env-var SECURITY_TOPIC_ARN=$(SECURITY_TOPIC_ARN) \
	  $(if $(OTHER_EVENTS_TOPIC_ARN),--env-var OTHER_EVENTS_TOPIC_ARN=$(OTHER_EVENTS_TOPIC_ARN)) \
	  $(if $(AGREEMENTS_TOPIC_ARN),--env-var AGREEMENTS_TOPIC_ARN=$(AGREEMENTS_TOPIC_ARN)) \
	  $(if $(CHAT_TOPIC_ARN),--env-var CHAT_TOPIC_ARN=$(CHAT_TOPIC_ARN)) \
	  $(if $(IAM_ROLE),--iam-role $(IAM_ROLE)) \
	  --binary-name $(BINARY) \
	  $(CARGO_LAMBDA_DEPLOY_FLAGS) \
	  $(FUNCTION_NAME)

# Sample chat channel parameters, so the lint also runs with every optional chat resource on.
CHAT_LINT_PARAMETERS := SlackWorkspaceId=T012AB3CD SlackChannelId=C012AB3CDE \
  TeamsTenantId=11111111-2222-3333-4444-555555555555 TeamId=11111111-2222-3333-4444-666666666666 \
  TeamsChannelId=19:abc@thread.tacv2 ChatSeverityFilter=warning,error,critical

# Sample several-accounts parameters, so the lint also runs with the bus policies, the
# member-role and SSM statements and the rules' account lists on.
ACCOUNTS_LINT_PARAMETERS := OrganizationId=o-abcdef1234 AccountIds=111122223333,444455556666 \
  AccountNamesParameter=/marketplace/account-names

# Sample routes parameters, so the lint also runs with the digest table, the schedules, their
# role and dead-letter queue, and the function's digest, SSM and route-topic grants on: routes
# inline (a JSON value passes through --parameters whole: it splits at the first "=" only),
# and routes held in an SSM parameter.
ROUTES_LINT_PARAMETERS := 'Routes={"routes":[{"match":{},"to":["family"],"cadence":"daily"}]}' \
  RouteTopicArns=arn:aws:sns:us-east-1:111122223333:emea-sales,arn:aws:sns:us-east-1:111122223333:apac-sales \
  DailyDigestTime=17:30 WeeklyDigestDay=FRI DigestTimezone=Europe/Berlin
ROUTES_PARAMETER_LINT_PARAMETERS := Routes=/notifier/routes

# The member-account forwarder (templates/forwarder.yaml) is plain CloudFormation for
# StackSets; both linters check it as well.
FORWARDER_TEMPLATE := templates/forwarder.yaml

# cfn-lint expands AWS::LanguageExtensions (Fn::ForEach) with its own implementation before
# the SAM transform, so the loops' resources are linted like the others. The last template.yaml
# step runs SAM CLI's expansion instead, the one `make build` and `make deploy` use, and
# then the SAM translator, offline. Its --config-env names no section of samconfig.toml,
# whose `lint = true` would otherwise turn it into the cfn-lint run above.
lint-template: venv venv-sam ## Lint template.yaml (with and without chat channels, several accounts and routes) and templates/forwarder.yaml with cfn-lint (pinned) and `sam validate`
	$(VENV_BIN)/cfn-lint template.yaml
	$(VENV_BIN)/cfn-lint template.yaml --parameters $(CHAT_LINT_PARAMETERS)
	$(VENV_BIN)/cfn-lint template.yaml --parameters $(ACCOUNTS_LINT_PARAMETERS)
	$(VENV_BIN)/cfn-lint template.yaml --parameters $(ROUTES_LINT_PARAMETERS)
	$(VENV_BIN)/cfn-lint template.yaml --parameters $(ROUTES_PARAMETER_LINT_PARAMETERS)
	$(VENV_BIN)/cfn-lint $(FORWARDER_TEMPLATE)
	SAM_CLI_TELEMETRY=0 $(SAM) validate --lint --region $(DEPLOY_REGION)
	SAM_CLI_TELEMETRY=0 $(SAM_LANGUAGE_EXTENSIONS) $(SAM) validate --region $(DEPLOY_REGION) --config-env translate-only
	SAM_CLI_TELEMETRY=0 $(SAM) validate --lint --region $(DEPLOY_REGION) --template-file $(FORWARDER_TEMPLATE)

# cargo-lambda moves the binary cargo made into --lambda-dir once cargo has released its lock,
# so two of these at once (CI's build and the bench smoke run's) could both find the build
# fresh and race for that one file: the whole step, move included, holds a lock of its own.
lambda-build-x86: venv ## Check `cargo lambda build --release` (x86_64) produces the bootstrap (the one bench measures), linked position-dependent
	mkdir -p "$(LAMBDA_TARGET_DIR)"
	$(WITH_TOOLS) CARGO_TARGET_DIR="$(LAMBDA_TARGET_DIR)" flock "$(LAMBDA_TARGET_DIR)/.lambda-build.lock" \
	  cargo lambda build --release --x86-64 --bin $(BINARY) --lambda-dir $(X86_LAMBDA_DIR)
	@bootstrap="$(X86_LAMBDA_DIR)/$(BINARY)/bootstrap"; \
	if [[ ! -x "$$bootstrap" ]]; then \
	  echo "lambda-build-x86: cargo lambda build did not produce $$bootstrap" >&2; \
	  exit 1; \
	fi; \
	if ! readelf -h "$$bootstrap" | grep -q 'Type: *EXEC '; then \
	  echo "lambda-build-x86: $$bootstrap is position-independent; build.rs links it at a fixed address" >&2; \
	  exit 1; \
	fi; \
	echo "lambda-build-x86: $$bootstrap ($$(du -h "$$bootstrap" | cut -f1), position-dependent)"
