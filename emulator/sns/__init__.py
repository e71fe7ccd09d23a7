"""SNS: the Publish input rules moto 5.2.5 leaves out (see models.py)."""
