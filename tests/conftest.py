"""Shared pytest setup: Terraform runs started by any test use the project's CLI config."""

from tools.harness.env import configure_terraform

configure_terraform()
