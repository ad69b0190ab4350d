.PHONY: run test bench lint
run:    ## install everything, seed demo data, start the site at http://127.0.0.1:8000
	./scripts/run.sh
test:   ## install everything and run the whole test suite
	./scripts/test.sh
bench:  ## on-sale rush benchmark (needs PostgreSQL and Redis)
	.venv/bin/python -m benchmarks.onsale
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
