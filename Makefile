# Shortcuts; each target is one command a newcomer can also run by hand.
.PHONY: demo test bench

demo:          ## build, start the sandbox, and run the whole flow on the shipped manifests
	bash scripts/demo.sh

test:          ## the test command CI runs
	swift build && swift test

bench:         ## benchmarks that print figures (release build)
	swift build -c release && python3 bench/run.py
