# The recipe every function's Makefile shares (each sets LOGICAL_ID and MODULE, then includes this file).
#
# SAM runs `make --makefile functions/<dir>/Makefile build-<LogicalId>` with ARTIFACTS_DIR set, in a scratch copy
# of functions/<dir> (or in place with `sam build --build-in-source`). Either way the repository root is found
# from this file's own location, never from the working directory, and the whole Maven reactor module is built
# there: shared code is a sibling module, which a copy of functions/<dir> alone could not build.
#
# ARTIFACTS_DIR is emptied, then receives the Lambda Java layout (classes at the root, runtime jars in lib/) that
# the module's package phase lays out in target/<dir>-lambda/. SKIP_BUILD=1 only copies an artifact that an
# earlier Maven run built (the tests use it). MVN overrides the Maven command.

ROOT       := $(realpath $(dir $(realpath $(lastword $(MAKEFILE_LIST))))..)
ARTIFACT   := $(ROOT)/$(MODULE)/target/$(notdir $(MODULE))-lambda
MVN        ?= mvn
SKIP_BUILD ?=

export ARTIFACTS_DIR

.PHONY: lambda-artifact
lambda-artifact:
	@set -eu; \
	if [ -z "$${ARTIFACTS_DIR:-}" ]; then \
	  echo "build-$(LOGICAL_ID): ARTIFACTS_DIR is not set (sam build sets it; by hand pass ARTIFACTS_DIR=/absolute/dir)" >&2; \
	  exit 2; \
	fi; \
	if [ "$(SKIP_BUILD)" != "1" ]; then \
	  jdk=$$("$(ROOT)/scripts/find-jdk"); \
	  echo "build-$(LOGICAL_ID): mvn package $(MODULE) with JAVA_HOME=$$jdk"; \
	  cd "$(ROOT)"; \
	  if command -v flock >/dev/null 2>&1; then lock="flock $(ROOT)/pom.xml"; else lock=""; fi; \
	  JAVA_HOME="$$jdk" $$lock $(MVN) -B -q -pl $(MODULE) -am package -DskipTests; \
	fi; \
	if [ ! -d "$(ARTIFACT)/lib" ]; then \
	  echo "build-$(LOGICAL_ID): $(ARTIFACT) is missing; run the build without SKIP_BUILD=1 (or mvn package)" >&2; \
	  exit 1; \
	fi; \
	mkdir -p "$$ARTIFACTS_DIR"; \
	out=$$(cd "$$ARTIFACTS_DIR" && pwd -P); \
	case "$(ROOT)/" in "$$out"/*) \
	  echo "build-$(LOGICAL_ID): refusing to empty ARTIFACTS_DIR=$$out, it contains the repository" >&2; exit 2;; \
	esac; \
	if [ "$$out" = / ] || [ "$$out" = "$(ARTIFACT)" ] || [ "$$out" = "$${HOME:-}" ]; then \
	  echo "build-$(LOGICAL_ID): refusing to empty ARTIFACTS_DIR=$$out" >&2; exit 2; \
	fi; \
	find "$$out" -mindepth 1 -delete; \
	cp -R "$(ARTIFACT)/." "$$out/"; \
	echo "build-$(LOGICAL_ID): $(MODULE) -> $$out"
