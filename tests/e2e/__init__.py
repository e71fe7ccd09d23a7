"""End-to-end scenarios: the examples applied by Terraform against the emulator."""
