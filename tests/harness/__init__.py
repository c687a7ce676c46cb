"""The one harness for tests that run real processes: the whole stack (`stack`), what they observe of it
(`observe`), the fake paid providers (`fakes`), a lone gateway (`gateway`), the runtime in-process over the
emulator (`runtime`), and the process plumbing they share (`processes`). e2e, chaos, integration and bench use it."""
