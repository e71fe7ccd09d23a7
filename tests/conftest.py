"""Shared pytest setup: Terraform runs started by any test use the project's CLI config."""

from tests.tfenv import configure_terraform

configure_terraform()
