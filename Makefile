# Shortcuts; each target is one command a newcomer can also run by hand.
.PHONY: demo test bench dist

demo:          ## build, start the sandbox, and run the whole flow on the shipped manifests
	bash scripts/demo.sh

test:          ## the test command CI runs: the linters the tests use (into .venv), the build, the release tarball the dist test checks, the tests
	bash scripts/install-test-tools.sh && swift build && $(MAKE) dist DIST_DIR=.build/dist-test-out STAGE_DIR=.build/dist-test \
	  && swift test --skip '$(ALONE)' && swift test --skip-build --filter '$(ALONE)'

# Tests whose figures depend on the sandbox being scheduled promptly (it stamps a request when it
# reads it, as CertCentral counts arrivals): they run after the others, with the machine to
# themselves. Beside the crash test and the dist check, a starved sandbox read queued requests in
# one burst and refused 16 of 300 that the client had spaced correctly.
ALONE := threeHundredRequestsFromSixteenTasksStayInsideTheWindows

bench:         ## benchmarks that print figures (release build)
	swift build -c release && python3 bench/run.py

dist:          ## dist/certform-VERSION-linux-ARCH.tar.gz and .sha256: a release build with --static-swift-stdlib
	CONFIGURATION=$(or $(CONFIGURATION),release) bash scripts/dist.sh
