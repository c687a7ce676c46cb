"""The local stack: the moto emulator, the bootstrap of its resources, the launcher and the demo job."""
