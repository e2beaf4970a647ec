"""Running the production shape: on this machine (``make run-prod``), for the benchmark and the fault tests,
and in containers (Dockerfiles and ``compose.yml`` in this folder; see docs/DEPLOY.md)."""
