"""Run-time machinery around the teaching path: device, seeding, progress, distributed, memory, fast kernels."""
