"""The numpy engine: ops, programs, traces, forward mode and gradient checks. Never imports Qt."""
