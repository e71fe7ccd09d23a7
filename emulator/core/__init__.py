"""What every service extension shares: the WSGI app and its `/_emulator/` control routes,
the in-process threaded server, the run-time settings and the Terraform drift fixes."""
